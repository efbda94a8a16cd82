package dev.leakdetector.bench.gen;

import static dev.leakdetector.bench.gen.V8Layout.*;
import static dev.leakdetector.bench.gen.Rng.mix;

/** One unit being generated: its nodes, edges and strings, and the primitives that make them. */
abstract class UnitGraph {
    static final int MAX_NODES = 256, MAX_EDGES = 2048, MAX_STRINGS = 128;
    static final int PLAN = 0, NODES = 1, EDGES = 2, LOCATIONS = 3, STRINGS = 4;

    final Generator g;
    final Prologue p;
    final Rng r = new Rng();
    int u, start, mode;
    int count;
    final int[] type = new int[MAX_NODES], name = new int[MAX_NODES], line = new int[MAX_NODES],
            col = new int[MAX_NODES];
    final long[] size = new long[MAX_NODES];
    int edgeCount;
    final int[] eSrc = new int[MAX_EDGES], eType = new int[MAX_EDGES], eName = new int[MAX_EDGES],
            eTo = new int[MAX_EDGES];
    final int[] firstEdge = new int[MAX_NODES + 1], order = new int[MAX_EDGES];
    int strBase, strCount;
    final String[] strContent = new String[MAX_STRINGS];
    final StringBuilder sb = new StringBuilder(4096);
    long unitSalt;
    int cacheLocal;
    int timerLocal;
    int hiddenSlot;

    UnitGraph(Generator g) {
        this.g = g;
        this.p = g.pro;
    }

    boolean planning() {
        return mode == PLAN;
    }

    /** Regenerates unit u at ordinal {@code start}; {@code exactSize >= 0} makes the padding tail. */
    void generate(int u, int start, int exactSize, int mode) {
        this.u = u;
        this.start = start;
        this.mode = mode;
        count = 0;
        edgeCount = 0;
        strCount = 0;
        strSeq = 0;
        cacheLocal = -1;
        timerLocal = -1;
        unitSalt = g.unitHash(u, Generator.SALT_UNIT);
        r.seed(unitSalt);
        if (exactSize >= 0) {
            genTail(exactSize);
            return;
        }
        switch (g.kindOf(u)) {
            case Generator.K_SESSION -> genSession();
            case Generator.K_CACHE -> {
                cacheLocal = 0;
                genCacheEntry(u % 400_009 == 17);
            }
            case Generator.K_CLIQUE -> genClique();
            default -> throw new IllegalStateException();
        }
    }

    // ---- primitives ----

    int node(int t, int n, long sz) {
        int l = count++;
        if (l >= MAX_NODES) throw new IllegalStateException("unit too large: " + u);
        type[l] = t;
        name[l] = n;
        size[l] = sz;
        line[l] = -1;
        return start + l;
    }

    void edge(int from, int t, int n, int to) {
        int e = edgeCount++;
        if (e >= MAX_EDGES) throw new IllegalStateException("unit has too many edges: " + u);
        eSrc[e] = from - start;
        eType[e] = t;
        eName[e] = n;
        eTo[e] = to;
    }

    void prop(int from, int n, int to) {
        edge(from, E_PROPERTY, n, to);
    }

    void internal(int from, int n, int to) {
        edge(from, E_INTERNAL, n, to);
    }

    void map(int from, int shape) {
        edge(from, E_INTERNAL, p.sMap, shape);
    }

    void located(int ordinal, int ln, int cl) {
        line[ordinal - start] = ln;
        col[ordinal - start] = cl;
    }

    int heapNumber() {
        int n = node(T_NUMBER, p.nHeapNumber, 16);
        map(n, p.mapHeapNumber);
        return n;
    }

    /** A field holding a heap number is a hidden edge in V8 11.3 (numbered slot). */
    void numberField(int from) {
        edge(from, E_HIDDEN, hiddenSlot++, heapNumber());
    }

    // string kinds: content is a pure function of (unit, string number), never of the unit's Rng
    static final int S_SESSION_ID = 0, S_NAME = 1, S_EMAIL = 2, S_IP = 3, S_HEX24 = 4, S_URL = 5,
            S_HEX32 = 6, S_HEX16 = 7, S_DASH_HEX16 = 8, S_SPAN_ID = 9, S_CACHE_KEY = 10, S_ETAG = 11,
            S_NOTE = 12, S_BODY = 13, S_CLIQUE = 14;

    /**
     * A string node. Names and IPs repeat across units, so their content is a dictionary entry (V8 dedupes the
     * table); every other kind gets its own table entry whose hex parts come from a bijection of the entry's
     * index, so the table has no duplicates.
     */
    int string(int kind) {
        long h = mix(unitSalt + 0x9E3779B97F4A7C15L * (++strSeq)); // structure: same in every pass
        if (kind == S_NAME || kind == S_IP) {
            int nameIndex;
            boolean twoByte = false;
            if (kind == S_IP) {
                nameIndex = p.ipNames[(int) ((h >>> 8) % p.ipNames.length)];
            } else if ((h & 31) == 0) {
                nameIndex = p.wideNames[(int) ((h >>> 8) % p.wideNames.length)];
                twoByte = true;
            } else {
                nameIndex = p.personNames[(int) ((h >>> 8) % p.personNames.length)];
            }
            int n = node(T_STRING, nameIndex, Prologue.seqStringSize(p.d.list.get(nameIndex)));
            map(n, twoByte ? p.mapTwoByteString : p.mapOneByteString);
            return n;
        }
        int idx = strCount++;
        long sz = 0;
        int nameIndex = strBase + idx;
        if (mode == Unit.NODES || mode == Unit.STRINGS) {
            long unique = mix(g.seed * 0xD1B54A32D192ED03L + nameIndex); // mix is a bijection
            String full = content(kind, h, unique);
            String stored = full.length() > 1024 ? full.substring(0, 1024) : full;
            strContent[idx] = stored;
            sz = Prologue.align8(16 + full.length());
        }
        int n = node(T_STRING, nameIndex, sz);
        map(n, p.mapOneByteString);
        return n;
    }

    int strSeq;

    static final String HEXD = "0123456789abcdef";
    static final String[] FIRST = {"ada", "linus", "grace", "ken", "barbara", "edsger", "margaret", "dennis",
            "frances", "alan", "radia", "bjarne", "anita", "guido", "sophie", "james"};
    static final String[] LAST = {"lovelace", "torvalds", "hopper", "thompson", "liskov", "dijkstra",
            "hamilton", "ritchie", "allen", "turing", "perlman", "stroustrup", "borg", "rossum"};
    static final String[] WIDE = {"Jos\u00e9 Garc\u00eda", "Zo\u00eb Kr\u00fcger", "\u0141ukasz B\u0105k",
            "\u7530\u4e2d \u592a\u90ce", "\u0410\u043d\u043d\u0430 \u041f\u0430\u0432\u043b\u043e\u0432\u0430",
            "\u00c9lodie N\u00f6el"};

    void hex(long h, int n) {
        for (int i = 0; i < n; i++) {
            if (i == 16) h = mix(h);
            sb.append(HEXD.charAt((int) ((h >>> ((i & 15) * 4)) & 15)));
        }
    }

    String content(int kind, long h, long unique) {
        sb.setLength(0);
        switch (kind) {
            case S_SESSION_ID -> {
                sb.append("sess-");
                hex(unique, 16);
            }
            case S_EMAIL -> sb.append(FIRST[(int) ((h >>> 8) & 15)]).append('.')
                    .append(LAST[(int) ((h >>> 12) % LAST.length)]).append('.').append(u).append("@example.com");
            case S_HEX24 -> hex(unique, 24);
            case S_URL -> {
                sb.append(ROUTES[(int) ((h >>> 4) % ROUTES.length)]).append("?page=").append((h >>> 12) % 50)
                        .append("&q=");
                hex(unique, 16);
                if ((h & 7) == 0) sb.append("&name=%22caf%C3%A9%22&note=\"quoted\"");
            }
            case S_HEX32 -> hex(unique, 32);
            case S_HEX16, S_SPAN_ID -> hex(unique, 16);
            case S_DASH_HEX16 -> {
                sb.append('-');
                hex(unique, 16);
            }
            case S_CACHE_KEY -> sb.append("cache:").append(ROUTES[(int) ((h >>> 4) % ROUTES.length)])
                    .append(':').append(u);
            case S_ETAG -> {
                sb.append("W/\"");
                hex(unique, 16);
                sb.append('"');
            }
            case S_NOTE -> sb.append("weakly held note #").append(u).append("\n\tcreated by cache warmer");
            case S_BODY -> {
                while (sb.length() < 3000) {
                    sb.append("{\"order\":").append(u).append(",\"items\":[").append(h & 1023)
                            .append("],\"note\":\"multi\\nline\"}\n");
                }
            }
            case S_CLIQUE -> sb.append("retry-").append(u).append("-pending");
            default -> throw new IllegalArgumentException("string kind " + kind);
        }
        return sb.toString();
    }

    static final String[] ROUTES = {"/api/v1/orders", "/api/v1/users", "/api/v1/cart", "/api/v2/search",
            "/healthz", "/api/v1/invoices", "/api/v2/recommendations", "/graphql", "/api/v1/payments"};

    int closure(int nameIdx, int sfi, int context, int code, int ln, int cl) {
        int c = node(T_CLOSURE, nameIdx, 64);
        internal(c, p.sFeedbackCell, p.feedbackCell);
        internal(c, p.sShared, sfi);
        internal(c, p.sContext, context);
        internal(c, p.sCode, code);
        map(c, p.shapeFunction);
        located(c, ln, cl);
        return c;
    }

    int contextNode(int slots) {
        return node(T_OBJECT, p.nContext, 16 + 8L * slots);
    }

    void contextTail(int ctx, int scopeInfo, int previous) {
        internal(ctx, p.sScopeInfo, scopeInfo);
        if (previous >= 0) internal(ctx, p.sPrevious, previous);
        map(ctx, p.shapeContext);
    }

    /** A JS Array: element edges on the array and internal slot edges on its backing store, as V8 emits. */
    int jsArray(int[] values, int n) {
        int arr = node(T_OBJECT, p.nArray, 32);
        int el = node(T_ARRAY, p.nObjectElements, 16 + 8L * Math.max(n, 1));
        for (int i = 0; i < n; i++) edge(arr, E_ELEMENT, i, values[i]);
        internal(arr, p.sElements, el);
        map(arr, p.shapeArray);
        for (int i = 0; i < n; i++) internal(el, g.num(i), values[i]);
        map(el, p.mapFixedArray);
        return arr;
    }

    final int[] tmp = new int[8];
    final int[] raw = new int[8];

    abstract void genSession();

    abstract int genCacheEntry(boolean hugeBuffer);

    abstract void genClique();

    abstract void genTail(int n);
}
