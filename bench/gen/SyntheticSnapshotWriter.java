import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a very large, realistic-looking V8 heap snapshot ({@code .heapsnapshot}, the Node 20 / V8 11.3
 * layout: 7 node fields, 3 edge fields) directly, streaming, for benchmarks beyond what Node can write.
 *
 * <pre>
 *   java bench/gen/SyntheticSnapshotWriter.java --nodes 55000000 --out FILE [--seed N]
 *   java bench/gen/SyntheticSnapshotWriter.java --verify FILE
 * </pre>
 *
 * <h2>Shape</h2>
 * Ordinal 0 is the synthetic root ({@code ""}, id 1) with {@code element 1 -> (GC roots)}, {@code shortcut "2"
 * -> global} and element edges to {@code C++ roots}, {@code C++ cross-thread roots} and {@code Node / Environment}.
 * {@code (GC roots)} has one element edge per V8 root category (28, {@code (Strong roots)} twice). A fixed
 * <em>prologue</em> follows: the global object, native and module contexts, class constructors, prototypes, maps
 * ("object shape"), descriptor arrays, shared function infos, a script, a pool of internalized strings (including
 * escape specimens), Node embedder natives (even ids) and the module-level containers: a sessions {@code Map},
 * an {@code LruCache} with its {@code Map}, and an {@code EventEmitter} with 97 listener arrays. Their hash tables
 * are hubs with one or two edges per unit.
 * <p>
 * The rest is a forest of <em>units</em>, each a small service object graph generated from {@code (seed, unit)}:
 * session units ({@code Session}, shared {@code User}, attrs {@code Map}, tags {@code Set}, 1-3
 * {@code RequestContext}s with headers, spans, resolved and pending {@code Promise}s, reactions, closures and
 * their {@code system / Context}s, cons and sliced strings, heap numbers, {@code WeakRef}s whose targets are only
 * weakly reachable, bound functions with shortcut edges), cache units ({@code CacheEntry} in a doubly linked LRU
 * list, values, {@code Buffer -> ArrayBuffer -> system / JSArrayBufferData} with a few self sizes above 4 GiB),
 * unreachable cliques (self-retaining cycles nobody points to) and a tail that pads the node count exactly.
 * Units point back to earlier units (shared users, peers) and forward (LRU "newer" links), so there are cycles
 * and cross-unit sharing. The average is about 3 edges per node.
 *
 * <h2>How it streams</h2>
 * V8 writes node edge counts before edges, and the header needs the totals, so the generator is a pure function
 * of {@code (seed, unit index)} and is replayed: a planning pass records each unit's first ordinal (an int per
 * unit) and the totals, then the nodes, edges, locations and strings passes regenerate every unit and write it.
 * Nothing but the per-unit index is kept; output goes through a {@link BufferedOutputStream}.
 * <p>
 * String table: {@code "<dummy>"}, a fixed dictionary, a block of numeric names {@code "0".."K-1"} (hash-table
 * slot names), then every unit's unique strings in unit order. Output is 7-bit ASCII with V8's escapes.
 * <p>
 * {@code --verify FILE} streams any Node 20 style snapshot back and checks the structure (JSON tokens, counts,
 * {@code to_node} divisible by 7 and in range, string indexes in range, unique ids), then reports strong, weak-only
 * and unreachable node counts.
 */
public final class SyntheticSnapshotWriter {

    // ---- V8 11.3 enums (Node 20) -------------------------------------------------------------------------------
    static final String[] NODE_TYPES = {"hidden", "array", "string", "object", "code", "closure", "regexp", "number",
            "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape",
            "wasm object"};
    static final String[] EDGE_TYPES = {"context", "element", "property", "internal", "hidden", "shortcut", "weak"};
    static final int T_HIDDEN = 0, T_ARRAY = 1, T_STRING = 2, T_OBJECT = 3, T_CODE = 4, T_CLOSURE = 5,
            T_REGEXP = 6, T_NUMBER = 7, T_NATIVE = 8, T_SYNTHETIC = 9, T_CONS = 10, T_SLICED = 11, T_SYMBOL = 12,
            T_BIGINT = 13, T_SHAPE = 14;
    static final int E_CONTEXT = 0, E_ELEMENT = 1, E_PROPERTY = 2, E_INTERNAL = 3, E_HIDDEN = 4, E_SHORTCUT = 5,
            E_WEAK = 6;
    static final int NODE_FIELDS = 7, EDGE_FIELDS = 3;

    static final String META = "{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
            + "\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
            + "\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\",\"concatenated string\","
            + "\"sliced string\",\"symbol\",\"bigint\",\"object shape\",\"wasm object\"],\"string\",\"number\","
            + "\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
            + "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"
            + "\"string_or_number\",\"node\"],\"trace_function_info_fields\":[\"function_id\",\"name\","
            + "\"script_name\",\"script_id\",\"line\",\"column\"],\"trace_node_fields\":[\"id\","
            + "\"function_info_index\",\"count\",\"size\",\"children\"],\"sample_fields\":[\"timestamp_us\","
            + "\"last_assigned_id\"],\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]}";

    static final int EXIT_OK = 0, EXIT_USAGE = 2, EXIT_INVALID = 3, EXIT_IO = 4;

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UncheckedIOException e) {
            System.err.println("SyntheticSnapshotWriter: I/O error: " + e.getCause().getMessage());
            code = EXIT_IO;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        long nodes = 55_000_000L;
        long seed = 0x5eed_1234L;
        Path out = null;
        Path verify = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(usage());
                return EXIT_OK;
            }
            if (i + 1 >= args.length) return usageError("missing value for " + a);
            String v = args[++i];
            try {
                switch (a) {
                    case "--nodes" -> nodes = Long.parseLong(v.replace("_", ""));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--out" -> out = Path.of(v);
                    case "--verify" -> verify = Path.of(v);
                    default -> {
                        return usageError("unknown argument " + a);
                    }
                }
            } catch (NumberFormatException e) {
                return usageError("not a number for " + a + ": " + v);
            }
        }
        if (verify != null) return Verifier.verify(verify) ? EXIT_OK : EXIT_INVALID;
        if (out == null) return usageError("--out FILE is required");
        if (nodes < Generator.MIN_NODES || nodes > (1L << 28)) {
            return usageError("--nodes must be in [" + Generator.MIN_NODES + ", 2^28] (V8 max node count)");
        }
        new Generator((int) nodes, seed).write(out);
        return EXIT_OK;
    }

    static String usage() {
        return "usage: java bench/gen/SyntheticSnapshotWriter.java --nodes N --out FILE [--seed S]\n"
                + "       java bench/gen/SyntheticSnapshotWriter.java --verify FILE";
    }

    static int usageError(String msg) {
        System.err.println("SyntheticSnapshotWriter: " + msg + "\n" + usage());
        return EXIT_USAGE;
    }

    static void log(String msg) {
        System.err.printf(Locale.ROOT, "[synthetic-snapshot %tT] %s%n", System.currentTimeMillis(), msg);
    }

    // ---- deterministic hashing ---------------------------------------------------------------------------------

    /** SplitMix64 finalizer: the one source of randomness; every decision is a function of (seed, unit, salt). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Small xorshift stream for the decisions inside one unit. */
    static final class Rng {
        long s;

        void seed(long v) {
            s = mix(v) | 1L;
        }

        long next() {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            return s * 0x2545F4914F6CDD1DL;
        }

        int nextInt(int bound) {
            return (int) ((next() >>> 33) % bound);
        }

        boolean chance(int percent) {
            return nextInt(100) < percent;
        }
    }

    // ---- output --------------------------------------------------------------------------------------------------

    /** ASCII writer with its own number formatting; large chunks go straight through the BufferedOutputStream. */
    static final class Out implements Closeable {
        private final OutputStream os;
        private final byte[] buf = new byte[1 << 22];
        private int pos;
        long written;

        Out(Path path) {
            try {
                os = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void ensure(int n) {
            if (pos + n > buf.length) drain();
        }

        private void drain() {
            try {
                os.write(buf, 0, pos);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written += pos;
            pos = 0;
        }

        void ch(char c) {
            ensure(1);
            buf[pos++] = (byte) c;
        }

        void ascii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) buf[pos++] = (byte) s.charAt(i);
        }

        void num(long v) {
            ensure(20);
            if (v == 0) {
                buf[pos++] = '0';
                return;
            }
            if (v < 0) throw new IllegalArgumentException("negative value " + v);
            int end = pos + digits(v);
            int p = end;
            while (v != 0) {
                long q = v / 10;
                buf[--p] = (byte) ('0' + (v - q * 10));
                v = q;
            }
            pos = end;
        }

        private static int digits(long v) {
            int d = 1;
            while (v >= 10) {
                v /= 10;
                d++;
            }
            return d;
        }

        /** JSON string with V8's escaping: short escapes, other controls and non-ASCII as backslash-u. */
        void jsonString(CharSequence s) {
            ensure(2);
            buf[pos++] = '"';
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                ensure(6);
                switch (c) {
                    case '"' -> { buf[pos++] = '\\'; buf[pos++] = '"'; }
                    case '\\' -> { buf[pos++] = '\\'; buf[pos++] = '\\'; }
                    case '\b' -> { buf[pos++] = '\\'; buf[pos++] = 'b'; }
                    case '\f' -> { buf[pos++] = '\\'; buf[pos++] = 'f'; }
                    case '\n' -> { buf[pos++] = '\\'; buf[pos++] = 'n'; }
                    case '\r' -> { buf[pos++] = '\\'; buf[pos++] = 'r'; }
                    case '\t' -> { buf[pos++] = '\\'; buf[pos++] = 't'; }
                    default -> {
                        if (c < 0x20 || c > 0x7f) {
                            buf[pos++] = '\\';
                            buf[pos++] = 'u';
                            buf[pos++] = HEX[(c >> 12) & 15];
                            buf[pos++] = HEX[(c >> 8) & 15];
                            buf[pos++] = HEX[(c >> 4) & 15];
                            buf[pos++] = HEX[c & 15];
                        } else {
                            buf[pos++] = (byte) c; // includes raw 0x7F, as V8 writes it
                        }
                    }
                }
            }
            ensure(1);
            buf[pos++] = '"';
        }

        private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

        @Override
        public void close() {
            drain();
            try {
                os.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- string table ----------------------------------------------------------------------------------------------

    /** Fixed dictionary; numeric names and unit strings are index ranges appended after it. */
    static final class Strings {
        final List<String> list = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
        boolean frozen;

        Strings() {
            intern("<dummy>");
        }

        int intern(String s) {
            Integer i = index.get(s);
            if (i != null) return i;
            if (frozen) throw new IllegalStateException("dictionary is frozen; intern \"" + s + "\" earlier");
            list.add(s);
            index.put(s, list.size() - 1);
            return list.size() - 1;
        }

        int size() {
            return list.size();
        }
    }

    // =================================================================================================================
    // Generator
    // =================================================================================================================

    static final class Generator {
        static final int MIN_NODES = 20_000;
        static final int LISTENER_BUCKETS = 97;
        static final int SCRIPT_ID = 117;

        final int nodeCount;
        final long seed;
        final Strings dict = new Strings();
        int numericBase; // string index of "0"
        int numericCount; // K: "0".."K-1"
        int unitStringBase; // first unit string index

        // plan (filled by the planning pass)
        int units; // number of units, tail included
        int[] unitStart; // first ordinal of each unit (+1 sentinel)
        byte[] unitKind;
        byte[] cacheOffset; // local index of the unit's CacheEntry, NO_CACHE if none
        byte[] timerOffset; // local index of the unit's session expiry Timeout, NO_CACHE if none
        int sessionUnits, cacheUnits;
        int[] bucketSize = new int[LISTENER_BUCKETS];
        long unitEdges, unitStrings;
        int tailUnit = -1; // index of the tail unit, -1 if none
        static final byte NO_CACHE = (byte) 255;
        static final byte K_SESSION = 0, K_CACHE = 1, K_CLIQUE = 2, K_TAIL = 3;

        final Prologue pro;
        final Unit unit;

        Generator(int nodeCount, long seed) {
            this.nodeCount = nodeCount;
            this.seed = seed;
            this.pro = new Prologue(this);
            this.unit = new Unit(this);
        }

        void write(Path out) {
            long t0 = System.nanoTime();
            pro.buildNodes();
            plan();
            numericCount = Math.max(4096, 16 + 2 * Math.max(sessionUnits, cacheUnits));
            pro.buildEdges();
            pro.finishHubSizes();
            dict.frozen = true; // the numeric block and the unit strings follow the dictionary
            numericBase = dict.size();
            unitStringBase = numericBase + numericCount;
            long edgeCount = pro.edgeTotal() + unitEdges;
            long stringCount = (long) unitStringBase + unitStrings;
            if (edgeCount > Integer.MAX_VALUE) throw new IllegalStateException("too many edges: " + edgeCount);
            log(String.format(Locale.ROOT, "plan: %,d nodes (%,d prologue, %,d units, %,d sessions, %,d cache entries), "
                            + "%,d edges, %,d strings, %.1f s", nodeCount, pro.count, units, sessionUnits, cacheUnits,
                    edgeCount, stringCount, (System.nanoTime() - t0) / 1e9));
            try (Out o = new Out(out)) {
                o.ascii("{\"snapshot\":{\"meta\":");
                o.ascii(META);
                o.ascii(",\"node_count\":");
                o.num(nodeCount);
                o.ascii(",\"edge_count\":");
                o.num(edgeCount);
                o.ascii(",\"trace_function_count\":0},\n\"nodes\":[");
                writeNodes(o);
                log(String.format(Locale.ROOT, "nodes written: %,d bytes so far", o.written + 0));
                o.ascii("],\n\"edges\":[");
                long edgesWritten = writeEdges(o);
                if (edgesWritten != edgeCount) {
                    throw new IllegalStateException("edge replay mismatch: " + edgesWritten + " != " + edgeCount);
                }
                log("edges written");
                o.ascii("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[");
                writeLocations(o);
                o.ascii("],\n\"strings\":[");
                long strings = writeStrings(o);
                if (strings != stringCount) {
                    throw new IllegalStateException("string replay mismatch: " + strings + " != " + stringCount);
                }
                o.ascii("]}");
            }
            long bytes;
            try {
                bytes = Files.size(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "{\"file\":\"%s\",\"bytes\":%d,\"seconds\":%.2f,\"nodeCount\":%d,"
                            + "\"edgeCount\":%d,\"stringCount\":%d,\"units\":%d}%n", out.toString().replace("\\", "/"),
                    bytes, secs, nodeCount, edgeCount, stringCount, units);
        }

        // ---- unit classification: pure functions of (seed, unit) ------------------------------------------------------

        static final long SALT_KIND = 0x4b494e44L, SALT_USER = 0x55534552L, SALT_CACHE = 0x43414348L,
                SALT_UNIT = 0x554e4954L;

        long unitHash(int u, long salt) {
            return mix(seed * 0x9E3779B97F4A7C15L + u * 0xD1B54A32D192ED03L + salt);
        }

        byte kindOf(int u) {
            if (u % 4001 == 5) return K_CLIQUE; // a few self-retaining, unreachable cliques
            if (u % 400_009 == 17) return K_CACHE; // carries a > 4 GiB ArrayBuffer
            return (Long.remainderUnsigned(unitHash(u, SALT_KIND), 100) < 72) ? K_SESSION : K_CACHE;
        }

        boolean userOwnerBits(int u) {
            return (unitHash(u, SALT_USER) & 3) != 0;
        }

        /** Unit whose User a session unit shares (itself when it owns one). */
        int userOwner(int u) {
            if (userOwnerBits(u)) return u;
            for (int v = u - 1; v >= Math.max(0, u - 16); v--) {
                if (kindOf(v) == K_SESSION && userOwnerBits(v)) return v;
            }
            return u;
        }

        boolean sessionHasCache(int u) {
            return Long.remainderUnsigned(unitHash(u, SALT_CACHE), 100) < 40;
        }

        /** Ordinal of the CacheEntry of the nearest cache-bearing unit after/before u, or the LRU sentinel. */
        int cacheNeighbour(int u, int dir, boolean planning) {
            if (planning) return 0;
            for (int v = u + dir; v >= 0 && v < units; v += dir) {
                if (cacheOffset[v] != NO_CACHE) return unitStart[v] + (cacheOffset[v] & 0xff);
            }
            return pro.lruCache;
        }

        /** Ordinal of the neighbouring session's expiry Timeout (Node's timer list is doubly linked), or the list. */
        int timerNeighbour(int u, int dir, boolean planning) {
            if (planning) return 0;
            for (int v = u + dir; v >= 0 && v < units; v += dir) {
                if (timerOffset[v] != NO_CACHE) return unitStart[v] + (timerOffset[v] & 0xff);
            }
            return pro.timersList;
        }

        // ---- passes ---------------------------------------------------------------------------------------------------

        void plan() {
            int capacity = nodeCount / 30 + 16;
            unitStart = new int[capacity];
            unitKind = new byte[capacity];
            cacheOffset = new byte[capacity];
            timerOffset = new byte[capacity];
            int cursor = pro.count;
            int u = 0;
            while (cursor < nodeCount) {
                if (u + 2 > unitStart.length) {
                    int n = unitStart.length * 3 / 2;
                    unitStart = java.util.Arrays.copyOf(unitStart, n);
                    unitKind = java.util.Arrays.copyOf(unitKind, n);
                    cacheOffset = java.util.Arrays.copyOf(cacheOffset, n);
                    timerOffset = java.util.Arrays.copyOf(timerOffset, n);
                }
                unitStart[u] = cursor;
                int remaining = nodeCount - cursor;
                boolean tail = remaining < Unit.MAX_NODES;
                unit.generate(u, cursor, tail ? remaining : -1, Unit.PLAN);
                unitKind[u] = tail ? K_TAIL : kindOf(u);
                cacheOffset[u] = unit.cacheLocal < 0 ? NO_CACHE : (byte) unit.cacheLocal;
                timerOffset[u] = unit.timerLocal < 0 ? NO_CACHE : (byte) unit.timerLocal;
                if (tail) tailUnit = u;
                if (unitKind[u] == K_SESSION) {
                    sessionUnits++;
                    bucketSize[u % LISTENER_BUCKETS]++;
                }
                if (unit.cacheLocal >= 0) cacheUnits++;
                unitEdges += unit.edgeCount;
                unitStrings += unit.strCount;
                cursor += unit.count;
                u++;
            }
            if (cursor != nodeCount) throw new IllegalStateException("plan overshoot " + cursor);
            units = u;
            unitStart[u] = cursor;
        }

        void writeNodes(Out o) {
            boolean first = true;
            long id = pro.nextOddId;
            for (int k = 0; k < pro.count; k++) {
                if (!first) o.ch(',');
                first = false;
                nodeLine(o, pro.type[k], pro.name[k], pro.id[k], pro.size[k], pro.edgeCount(k), pro.det[k]);
            }
            int strBase = unitStringBase;
            for (int u = 0; u < units; u++) {
                unit.strBase = strBase;
                unit.generate(u, unitStart[u], unitKind[u] == K_TAIL ? unitStart[u + 1] - unitStart[u] : -1,
                        Unit.NODES);
                unit.sortEdges();
                for (int l = 0; l < unit.count; l++) {
                    o.ch(',');
                    nodeLine(o, unit.type[l], unit.name[l], id, unit.size[l],
                            unit.firstEdge[l + 1] - unit.firstEdge[l], 0);
                    // ids: odd, stepping by 2, with occasional gaps left by "collected" objects
                    long g = mix(id) & 15;
                    id += 2 * (g < 12 ? 1 : g - 10);
                }
                strBase += unit.strCount;
            }
            if (id > 0xFFFF_FFFFL) throw new IllegalStateException("ids overflow uint32");
        }

        /** One node per line, as V8 writes it: {@code ,type,name,id,self_size,edge_count,0,detachedness}. */
        private static void nodeLine(Out o, int type, int name, long id, long size, int edges, int det) {
            o.num(type);
            o.ch(',');
            o.num(name);
            o.ch(',');
            o.num(id);
            o.ch(',');
            o.num(size);
            o.ch(',');
            o.num(edges);
            o.ascii(",0,");
            o.num(det);
            o.ch('\n');
        }

        long writeEdges(Out o) {
            long n = 0;
            boolean[] first = {true};
            for (int k = 0; k < pro.count; k++) {
                n += pro.emitEdges(k, (type, name, to) -> edgeLine(o, first, type, name, to));
            }
            for (int u = 0; u < units; u++) {
                unit.generate(u, unitStart[u], unitKind[u] == K_TAIL ? unitStart[u + 1] - unitStart[u] : -1,
                        Unit.EDGES);
                unit.sortEdges();
                for (int i = 0; i < unit.edgeCount; i++) {
                    int e = unit.order[i];
                    edgeLine(o, first, unit.eType[e], unit.eName[e], unit.eTo[e]);
                }
                n += unit.edgeCount;
            }
            return n;
        }

        static void edgeLine(Out o, boolean[] first, int type, long name, int toOrdinal) {
            if (first[0]) first[0] = false;
            else o.ch(',');
            o.num(type);
            o.ch(',');
            o.num(name);
            o.ch(',');
            o.num((long) toOrdinal * NODE_FIELDS);
            o.ch('\n');
        }

        void writeLocations(Out o) {
            boolean[] first = {true};
            for (int k = 0; k < pro.count; k++) {
                if (pro.line[k] >= 0) locationLine(o, first, k, pro.line[k], pro.col[k]);
            }
            for (int u = 0; u < units; u++) {
                unit.generate(u, unitStart[u], unitKind[u] == K_TAIL ? unitStart[u + 1] - unitStart[u] : -1,
                        Unit.LOCATIONS);
                for (int l = 0; l < unit.count; l++) {
                    if (unit.line[l] >= 0) locationLine(o, first, unitStart[u] + l, unit.line[l], unit.col[l]);
                }
            }
        }

        static void locationLine(Out o, boolean[] first, int ordinal, int line, int col) {
            if (first[0]) first[0] = false;
            else o.ch(',');
            o.num((long) ordinal * NODE_FIELDS);
            o.ch(',');
            o.num(SCRIPT_ID);
            o.ch(',');
            o.num(line);
            o.ch(',');
            o.num(col);
            o.ch('\n');
        }

        long writeStrings(Out o) {
            long n = 0;
            for (String s : dict.list) {
                if (n > 0) o.ascii(",\n");
                o.jsonString(s);
                n++;
            }
            for (int k = 0; k < numericCount; k++) {
                o.ascii(",\n\"");
                o.num(k);
                o.ch('"');
                n++;
            }
            int strBase = unitStringBase;
            for (int u = 0; u < units; u++) {
                unit.strBase = strBase;
                unit.generate(u, unitStart[u], unitKind[u] == K_TAIL ? unitStart[u + 1] - unitStart[u] : -1,
                        Unit.STRINGS);
                strBase += unit.strCount;
                for (int i = 0; i < unit.strCount; i++) {
                    o.ascii(",\n");
                    o.jsonString(unit.strContent[i]);
                }
                n += unit.strCount;
            }
            return n;
        }

        int num(int k) {
            if (k >= numericCount && numericCount > 0) throw new IllegalStateException("numeric name " + k);
            return numericBase + k;
        }
    }

    // =================================================================================================================
    // Prologue: roots, runtime objects, pools and the module-level hubs
    // =================================================================================================================

    interface EdgeSink {
        void edge(int type, long nameOrIndex, int toOrdinal);
    }

    static final class Prologue {
        final Generator g;
        final Strings d;
        int count;
        int[] type = new int[4096], name = new int[4096], det = new int[4096], line = new int[4096],
                col = new int[4096];
        long[] id = new long[4096], size = new long[4096];
        final List<int[]> staticEdges = new ArrayList<>(); // per node: flat (type, name, to) triples
        final int[] staticEdgeLen = new int[4096];
        final int[] hubKind = new int[4096];
        long nextOddId = 1, nextEvenId = 1_343_089_856L;

        // well-known ordinals
        int root, gcRoots, cppRoots, cppCrossThread, nodeEnv, global, nativeContext, moduleContext;
        int subroot0;
        int sessionsMap, sessionsTable, lruCache, cacheMap, cacheTable, bus, busEvents, metrics;
        int[] listenerArray = new int[Generator.LISTENER_BUCKETS];
        int[] listenerElements = new int[Generator.LISTENER_BUCKETS];
        // maps and runtime singletons used by units
        int mapMeta, mapOneByteInternalized, mapOneByteString, mapTwoByteString, mapCons, mapSliced,
                mapHeapNumber, mapFixedArray, mapOrderedHashMap, mapOrderedHashSet, mapPromiseReaction,
                mapJsArrayBufferData;
        int shapeSession, shapeUser, shapeCacheEntry, shapeRequestContext, shapeObject, shapeArray, shapeMap,
                shapeSet, shapePromise, shapeFunction, shapeContext, shapeWeakRef, shapeBuffer, shapeArrayBuffer,
                shapeBound, shapeLeafObject, shapeRegExp;
        int feedbackCell, codeCompileLazy, codeResolve, codeInterpreter;
        int timersList, sfiExpire, shapeTimeout, symbolAsyncId;
        int sfiTouch, sfiOnSessionEvent, sfiOnDone, sfiResolve, sfiClique;
        int scopeBuildUnit, scopeRequest, scopeResolve;
        int[] personNames, wideNames, ipNames, poolHeaderNames;
        int[] poolMethods, poolRoutes, poolAgents, poolRoles, poolRegions, poolLocales, poolThemes, poolTags;
        int poolIp, poolUa, poolCsrf, poolAcceptJson, poolBoundArg;
        int symbolSessionKey, bigintCounter, regexpRoute;
        final List<Integer> allPoolStrings = new ArrayList<>();
        final List<Integer> builtinCodes = new ArrayList<>();
        final List<Integer> closures = new ArrayList<>();

        // hub kinds
        static final int HUB_NONE = 0, HUB_SESSIONS_TABLE = 1, HUB_CACHE_TABLE = 2, HUB_LISTENERS = 3,
                HUB_LISTENER_ELEMENTS = 4;

        // dictionary indices used by units (edge and node names)
        final int sEmpty, sMap, sElements, sTable, sContext, sShared, sCode, sFeedbackCell, sScopeInfo, sPrevious,
                sReactions, sBackingStore, sBuffer, sBindings, sBoundFunction, sBoundThis, sBoundArg0, sFirst,
                sSecond, sParent, sTarget, sThis, sS, sSessionId, sOwner, sOther, sBack, sCb, sLabel;
        final int nSession, nUser, nCacheEntry, nRequestContext, nObject, nArray, nMap, nSet, nPromise, nWeakRef,
                nBuffer, nArrayBuffer, nTimeout, nContext, nObjectElements, nBoundArguments, nNativeBind, nHeapNumber,
                nConcatenated, nSliced, nPromiseReaction, nJsArrayBufferData, nOnSessionEvent, nSymbol, nBigint;
        final int pId, pUser, pCreatedAt, pRegion, pAttrs, pTags, pRequests, pTouch, pCache, pPeer, pWeakMeta,
                pBoundTouch, pShortId, pPattern, pName, pEmail, pRoles, pPrefs, pTheme, pLocale, pSession, pMethod,
                pUrl, pHeaders, pSpan, pResult, pDone, pFinish, pXRequestId, pUserAgent, pAccept, pXTrace,
                pTraceId, pSpanId, pParentSpan, pAttrsList, pKey, pValue, pPayload, pNewer, pOlder, pRows, pEtag,
                pNote, pBody, pSessionKey, pCounter, pIdlePrev, pIdleNext, pOnTimeout, pAsyncId, pExpiry, pRawHeaders;

        Prologue(Generator g) {
            this.g = g;
            this.d = g.dict;
            sEmpty = d.intern("");
            sMap = d.intern("map");
            sElements = d.intern("elements");
            sTable = d.intern("table");
            sContext = d.intern("context");
            sShared = d.intern("shared");
            sCode = d.intern("code");
            sFeedbackCell = d.intern("feedback_cell");
            sScopeInfo = d.intern("scope_info");
            sPrevious = d.intern("previous");
            sReactions = d.intern("reactions_or_result");
            sBackingStore = d.intern("backing_store");
            sBuffer = d.intern("buffer");
            sBindings = d.intern("bindings");
            sBoundFunction = d.intern("bound_function");
            sBoundThis = d.intern("bound_this");
            sBoundArg0 = d.intern("bound_argument_0");
            sFirst = d.intern("first");
            sSecond = d.intern("second");
            sParent = d.intern("parent");
            sTarget = d.intern("target");
            sThis = d.intern("this");
            sS = d.intern("s");
            sSessionId = d.intern("sessionId");
            sOwner = d.intern("owner");
            sOther = d.intern("other");
            sBack = d.intern("back");
            sCb = d.intern("cb");
            sLabel = d.intern("label");
            nSession = d.intern("Session");
            nUser = d.intern("User");
            nCacheEntry = d.intern("CacheEntry");
            nRequestContext = d.intern("RequestContext");
            nObject = d.intern("Object");
            nArray = d.intern("Array");
            nMap = d.intern("Map");
            nSet = d.intern("Set");
            nPromise = d.intern("Promise");
            nWeakRef = d.intern("WeakRef");
            nBuffer = d.intern("Buffer");
            nArrayBuffer = d.intern("ArrayBuffer");
            nTimeout = d.intern("Timeout");
            nContext = d.intern("system / Context");
            nObjectElements = d.intern("(object elements)");
            nBoundArguments = d.intern("(bound arguments)");
            nNativeBind = d.intern("native_bind");
            nHeapNumber = d.intern("heap number");
            nConcatenated = d.intern("(concatenated string)");
            nSliced = d.intern("(sliced string)");
            nPromiseReaction = d.intern("system / PromiseReaction");
            nJsArrayBufferData = d.intern("system / JSArrayBufferData");
            nOnSessionEvent = d.intern("onSessionEvent");
            nSymbol = d.intern("symbol");
            nBigint = d.intern("bigint");
            pId = d.intern("id");
            pUser = d.intern("user");
            pCreatedAt = d.intern("createdAt");
            pRegion = d.intern("region");
            pAttrs = d.intern("attrs");
            pTags = d.intern("tags");
            pRequests = d.intern("requests");
            pTouch = d.intern("touch");
            pCache = d.intern("cache");
            pPeer = d.intern("peer");
            pWeakMeta = d.intern("weakMeta");
            pBoundTouch = d.intern("boundTouch");
            pShortId = d.intern("shortId");
            pPattern = d.intern("pattern");
            pName = d.intern("name");
            pEmail = d.intern("email");
            pRoles = d.intern("roles");
            pPrefs = d.intern("prefs");
            pTheme = d.intern("theme");
            pLocale = d.intern("locale");
            pSession = d.intern("session");
            pMethod = d.intern("method");
            pUrl = d.intern("url");
            pHeaders = d.intern("headers");
            pSpan = d.intern("span");
            pResult = d.intern("result");
            pDone = d.intern("done");
            pFinish = d.intern("finish");
            pXRequestId = d.intern("x-request-id");
            pUserAgent = d.intern("user-agent");
            pAccept = d.intern("accept");
            pXTrace = d.intern("x-trace");
            pTraceId = d.intern("traceId");
            pSpanId = d.intern("spanId");
            pParentSpan = d.intern("parent");
            pAttrsList = d.intern("attributes");
            pKey = d.intern("key");
            pValue = d.intern("value");
            pPayload = d.intern("payload");
            pNewer = d.intern("newer");
            pOlder = d.intern("older");
            pRows = d.intern("rows");
            pEtag = d.intern("etag");
            pNote = d.intern("note");
            pBody = d.intern("body");
            pSessionKey = d.intern("<symbol kSession>");
            pCounter = d.intern("counter");
            pIdlePrev = d.intern("_idlePrev");
            pIdleNext = d.intern("_idleNext");
            pOnTimeout = d.intern("_onTimeout");
            pAsyncId = d.intern("<symbol async_id_symbol>");
            pExpiry = d.intern("expiry");
            pRawHeaders = d.intern("rawHeaders");
        }

        int node(int t, String n, long sz) {
            return node(t, d.intern(n), sz, false);
        }

        int node(int t, int n, long sz, boolean embedder) {
            int k = count++;
            if (k >= type.length) throw new IllegalStateException("prologue too large");
            type[k] = t;
            name[k] = n;
            size[k] = sz;
            line[k] = -1;
            if (embedder) {
                id[k] = nextEvenId;
                nextEvenId += 32 * (1 + (mix(k) & 7));
            } else {
                id[k] = nextOddId;
                nextOddId += 2;
            }
            staticEdges.add(new int[12]);
            return k;
        }

        void edge(int from, int t, int n, int to) {
            int[] a = staticEdges.get(from);
            int len = staticEdgeLen[from];
            if (len + 3 > a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
                staticEdges.set(from, a);
            }
            a[len] = t;
            a[len + 1] = n;
            a[len + 2] = to;
            staticEdgeLen[from] = len + 3;
        }

        void prop(int from, String n, int to) {
            edge(from, E_PROPERTY, d.intern(n), to);
        }

        void internal(int from, String n, int to) {
            edge(from, E_INTERNAL, d.intern(n), to);
        }

        /**
         * Numeric edge names ("3") live in the numeric block of the string table, whose base is only known once the
         * dictionary is complete; they are stored as -(k+1) and resolved when written (V8 dedupes strings too).
         */
        static int numName(int k) {
            return -(k + 1);
        }

        void internalNum(int from, int k, int to) {
            edge(from, E_INTERNAL, numName(k), to);
        }

        int string(String content) {
            int k = node(T_STRING, d.intern(content), seqStringSize(content), false);
            allPoolStrings.add(k);
            return k;
        }

        int[] strings(String... contents) {
            int[] r = new int[contents.length];
            for (int i = 0; i < contents.length; i++) r[i] = string(contents[i]);
            return r;
        }

        static long seqStringSize(CharSequence s) {
            boolean two = false;
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xff) two = true;
            return align8(16 + (long) s.length() * (two ? 2 : 1));
        }

        static long align8(long v) {
            return (v + 7) & ~7L;
        }

        static final String[] SUBROOTS = {"(Internalized strings)", "(External strings)", "(Read-only roots)",
                "(Strong roots)", "(Smi roots)", "(Bootstrapper)", "(Stack roots)", "(Relocatable)", "(Debugger)",
                "(Compilation cache)", "(Handle scope)", "(Builtins)", "(Global handles)", "(Traced handles)",
                "(Eternal handles)", "(Thread manager)", "(Strong roots)", "(Extensions)", "(Code flusher)",
                "(Startup object cache)", "(Read-only object cache)", "(Shareable object cache)",
                "(Weak collections)", "(Wrapper tracing)", "(Write barrier)", "(Retain maps)", "(Client heap)",
                "(Unknown)"};

        /** Creates every prologue node (the count must be known before units are planned). */
        void buildNodes() {
            root = node(T_SYNTHETIC, "", 0);
            gcRoots = node(T_SYNTHETIC, "(GC roots)", 0);
            subroot0 = count;
            for (String s : SUBROOTS) node(T_SYNTHETIC, s, 0);

            // read-only roots: meta maps, oddballs
            mapMeta = node(T_HIDDEN, "system / Map", 40);
            mapOneByteInternalized = node(T_HIDDEN, "system / Map (OneByteInternalizedString)", 40);
            mapOneByteString = node(T_HIDDEN, "system / Map (OneByteString)", 40);
            mapTwoByteString = node(T_HIDDEN, "system / Map (String)", 40);
            mapCons = node(T_HIDDEN, "system / Map (ConsOneByteString)", 40);
            mapSliced = node(T_HIDDEN, "system / Map (SlicedOneByteString)", 40);
            mapHeapNumber = node(T_HIDDEN, "system / Map (HeapNumber)", 40);
            mapFixedArray = node(T_HIDDEN, "system / Map (FixedArray)", 40);
            mapOrderedHashMap = node(T_HIDDEN, "system / Map (OrderedHashMap)", 40);
            mapOrderedHashSet = node(T_HIDDEN, "system / Map (OrderedHashSet)", 40);
            mapPromiseReaction = node(T_HIDDEN, "system / Map (PromiseReaction)", 40);
            mapJsArrayBufferData = node(T_HIDDEN, "system / Map (ByteArray)", 40);
            int undef = node(T_HIDDEN, "system / Oddball", 48);
            int hole = node(T_HIDDEN, "system / Oddball", 48);
            int emptyFixed = node(T_ARRAY, "", 16);

            nativeContext = node(T_HIDDEN, "system / NativeContext", 2264);
            global = node(T_OBJECT, "global", 40);
            moduleContext = node(T_OBJECT, "system / Context", 112);
            feedbackCell = node(T_CODE, "system / FeedbackCell", 24);
            codeCompileLazy = node(T_CODE, "(CompileLazy builtin handle)", 88);
            codeResolve = node(T_CODE, "(PromiseCapabilityDefaultResolve builtin handle)", 88);
            codeInterpreter = node(T_CODE, "(InterpreterEntryTrampoline builtin handle)", 88);
            builtinCodes.add(codeCompileLazy);
            builtinCodes.add(codeResolve);
            builtinCodes.add(codeInterpreter);
            for (String b : new String[]{"DeoptimizationEntry_Eager", "RecordWriteSaveFP", "ArrayPrototypePush",
                    "MapPrototypeSet", "MapPrototypeGet", "SetPrototypeAdd", "PromiseConstructor",
                    "PromisePrototypeThen", "StringAdd_CheckNone", "JSONParse", "JSONStringify",
                    "FunctionPrototypeBind", "WeakRefConstructor", "ArrayBufferConstructor"}) {
                builtinCodes.add(node(T_CODE, "(" + b + " builtin handle)", 88));
            }
            int script = node(T_CODE, "/srv/app/server.js", 144);
            int scriptSource = node(T_STRING, d.intern(SCRIPT_SOURCE.substring(0, 1024)),
                    align8(16 + SCRIPT_SOURCE_LENGTH), false);
            int scriptName = string("/srv/app/server.js");
            int lineEnds = node(T_ARRAY, "", 16 + 8L * 1400);

            // shapes (maps of JS objects) and their descriptor arrays
            shapeObject = shape("Object", 4);
            shapeSession = shape("Session", 12);
            shapeUser = shape("User", 6);
            shapeCacheEntry = shape("CacheEntry", 7);
            shapeRequestContext = shape("RequestContext", 11);
            shapeArray = shape("Array", 1);
            shapeMap = shape("Map", 0);
            shapeSet = shape("Set", 0);
            shapePromise = shape("Promise", 0);
            shapeFunction = shape("Function", 2);
            shapeContext = node(T_SHAPE, "system / Map", 72);
            shapeWeakRef = shape("WeakRef", 0);
            shapeBuffer = shape("Buffer", 0);
            shapeArrayBuffer = shape("ArrayBuffer", 0);
            shapeBound = node(T_SHAPE, "system / Map", 72);
            shapeLeafObject = node(T_SHAPE, "system / Map", 72);
            shapeRegExp = shape("RegExp", 1);

            // shared function infos and scope infos of the service code
            scopeBuildUnit = node(T_CODE, "system / ScopeInfo", 128);
            scopeRequest = node(T_CODE, "system / ScopeInfo", 96);
            scopeResolve = node(T_CODE, "system / ScopeInfo", 32);
            sfiTouch = sfi("touch", script, 120, 17);
            sfiOnSessionEvent = sfi("onSessionEvent", script, 201, 36);
            sfiOnDone = sfi("", script, 190, 21);
            sfiResolve = sfi("", script, 187, 35);
            sfiClique = sfi("retryLater", script, 342, 9);
            sfiExpire = sfi("", script, 228, 24);
            shapeTimeout = shape("Timeout", 9);

            // pool of internalized strings
            poolMethods = strings("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
            poolRoutes = strings("/api/v1/orders", "/api/v1/users", "/api/v1/cart", "/api/v2/search", "/healthz",
                    "/api/v1/invoices", "/api/v2/recommendations", "/graphql", "/api/v1/payments",
                    "/static/app.js");
            poolAgents = strings("Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "okhttp/4.12.0",
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)", "python-requests/2.31", "Go-http-client/2.0");
            poolRoles = strings("admin", "editor", "viewer", "billing", "support", "auditor", "owner", "guest");
            poolRegions = strings("eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "sa-east-1");
            poolLocales = strings("en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR");
            poolThemes = strings("dark", "light");
            poolTags = new int[256];
            for (int i = 0; i < 256; i++) poolTags[i] = string("tag-" + Integer.toString(i, 36));
            poolIp = string("ip");
            poolUa = string("ua");
            poolCsrf = string("csrf");
            poolAcceptJson = string("application/json");
            poolHeaderNames = strings("X-Request-Id", "User-Agent", "Accept", "X-Trace");
            poolBoundArg = string("refresh");
            int kSession = string("kSession");
            for (String s : ESCAPE_SPECIMENS) string(s);
            for (String s : new String[]{"id", "user", "createdAt", "lastSeen", "region", "attrs", "tags",
                    "requests", "touch", "session", "method", "url", "headers", "span", "result", "done", "key",
                    "value", "payload", "expiresAt", "hits", "name", "email", "roles", "prefs"}) {
                string(s);
            }
            // contents shared by many unit strings: interned once, like V8's deduplicated string table
            personNames = new int[Unit.FIRST.length * Unit.LAST.length];
            for (int i = 0; i < personNames.length; i++) {
                personNames[i] = d.intern(Unit.FIRST[i % Unit.FIRST.length] + " " + Unit.LAST[i / Unit.FIRST.length]);
            }
            wideNames = new int[Unit.WIDE.length];
            for (int i = 0; i < wideNames.length; i++) wideNames[i] = d.intern(Unit.WIDE[i]);
            ipNames = new int[2048];
            for (int i = 0; i < ipNames.length; i++) {
                long h = mix(0x1F00L + i);
                ipNames[i] = d.intern("10." + ((h >>> 8) & 255) + "." + ((h >>> 16) & 255) + "." + ((h >>> 24) & 255));
            }
            symbolSessionKey = node(T_SYMBOL, nSymbol, 24, false);
            bigintCounter = node(T_BIGINT, nBigint, 24, false);
            symbolAsyncId = node(T_SYMBOL, nSymbol, 24, false);
            regexpRoute = node(T_REGEXP, "^\\/api\\/v[12]\\/(\\w+)(?:\\?(.*))?$", 48);

            // classes: constructor closures and prototypes
            String[] classes = {"Session", "User", "CacheEntry", "RequestContext", "LruCache", "LeakedRequest"};
            int[] classCtor = new int[classes.length];
            for (int i = 0; i < classes.length; i++) {
                classCtor[i] = node(T_CLOSURE, classes[i], 64);
                line[classCtor[i]] = 100 + 30 * i;
                col[classCtor[i]] = 0;
                closures.add(classCtor[i]);
            }
            int[] classProto = new int[classes.length];
            for (int i = 0; i < classes.length; i++) classProto[i] = node(T_OBJECT, classes[i], 24);

            // module-level containers
            sessionsMap = node(T_OBJECT, "Map", 32);
            sessionsTable = node(T_ARRAY, "", 0);
            lruCache = node(T_OBJECT, "LruCache", 48);
            cacheMap = node(T_OBJECT, "Map", 32);
            cacheTable = node(T_ARRAY, "", 0);
            bus = node(T_OBJECT, "EventEmitter", 56);
            busEvents = node(T_OBJECT, "Object", 24);
            int busEventsProps = node(T_HIDDEN, "system / PropertyArray", 16 + 8L * Generator.LISTENER_BUCKETS);
            for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
                listenerArray[b] = node(T_OBJECT, "Array", 32);
                listenerElements[b] = node(T_ARRAY, "(object elements)", 0);
            }
            metrics = node(T_OBJECT, "Object", 40);
            int timerListMap = node(T_OBJECT, "Object", 32);
            timersList = node(T_OBJECT, "TimersList", 64);
            int latencyFallback = node(T_OBJECT, "Array", 32);

            // embedder (Node) roots: even ids, pointer-like
            cppRoots = node(T_SYNTHETIC, d.intern("C++ roots"), 0, true);
            cppCrossThread = node(T_SYNTHETIC, d.intern("C++ cross-thread roots"), 0, true);
            nodeEnv = node(T_SYNTHETIC, d.intern("Node / Environment"), 2592, true);
            int isolateData = node(T_NATIVE, d.intern("Node / IsolateData"), 3832, true);
            int bindingData = node(T_NATIVE, d.intern("Node / BindingData"), 120, true);
            int asyncHooks = node(T_NATIVE, d.intern("Node / AsyncHooks"), 216, true);
            int cleanupQueue = node(T_NATIVE, d.intern("Node / CleanupQueue"), 96, true);
            int tcpWrap = node(T_NATIVE, d.intern("Node / TCPWrap"), 312, true);
            int timerWrap = node(T_NATIVE, d.intern("Node / TimerWrap"), 96, true);
            det[tcpWrap] = 1; // attached
            det[timerWrap] = 2; // detached (Node's non-DOM meaning: handle closed)
            int aliased = node(T_NATIVE, d.intern("Node / AliasedFloat64Array"), 56, true);
            int float64 = node(T_OBJECT, "Float64Array", 96);

            // ---------------- static edges (prologue -> prologue only) ----------------
            // root
            edge(root, E_ELEMENT, 1, gcRoots);
            edge(root, E_SHORTCUT, numName(2), global);
            edge(root, E_ELEMENT, 3, cppRoots);
            edge(root, E_ELEMENT, 4, cppCrossThread);
            edge(root, E_ELEMENT, 5, nodeEnv);
            for (int i = 0; i < SUBROOTS.length; i++) edge(gcRoots, E_ELEMENT, i + 1, subroot0 + i);
            int sInternalized = subroot0, sReadOnly = subroot0 + 2, sStrong = subroot0 + 3,
                    sStack = subroot0 + 6, sHandleScope = subroot0 + 10, sBuiltins = subroot0 + 11,
                    sGlobalHandles = subroot0 + 12, sEternal = subroot0 + 14, sExtensions = subroot0 + 17,
                    sStartupCache = subroot0 + 19;
            for (int i = 0; i < allPoolStrings.size(); i++) {
                internalNum(sInternalized, i + 1, allPoolStrings.get(i));
            }
            internal(sReadOnly, "meta_map", mapMeta);
            internal(sReadOnly, "one_byte_internalized_string_map", mapOneByteInternalized);
            internal(sReadOnly, "one_byte_string_map", mapOneByteString);
            internal(sReadOnly, "string_map", mapTwoByteString);
            internal(sReadOnly, "cons_one_byte_string_map", mapCons);
            internal(sReadOnly, "sliced_one_byte_string_map", mapSliced);
            internal(sReadOnly, "heap_number_map", mapHeapNumber);
            internal(sReadOnly, "fixed_array_map", mapFixedArray);
            internal(sReadOnly, "ordered_hash_map_map", mapOrderedHashMap);
            internal(sReadOnly, "ordered_hash_set_map", mapOrderedHashSet);
            internal(sReadOnly, "promise_reaction_map", mapPromiseReaction);
            internal(sReadOnly, "byte_array_map", mapJsArrayBufferData);
            internal(sReadOnly, "undefined_value", undef);
            internal(sReadOnly, "the_hole_value", hole);
            internal(sReadOnly, "empty_fixed_array", emptyFixed);
            internal(sStrong, "feedback_cell", feedbackCell);
            internal(sStrong, "symbol", symbolSessionKey);
            internal(sStack, "the_hole_value", hole);
            internalNum(sStack, 3, moduleContext);
            internalNum(sHandleScope, 1, global);
            internalNum(sHandleScope, 2, shapeObject);
            for (int i = 0; i < builtinCodes.size(); i++) {
                int c = builtinCodes.get(i);
                String n = d.list.get(name[c]);
                internal(sBuiltins, (i + 1) + " / " + n.substring(1, n.indexOf(' ')), c);
            }
            internalNum(sGlobalHandles, 1, float64);
            internalNum(sGlobalHandles, 2, nativeContext);
            edge(sGlobalHandles, E_WEAK, numName(3), tcpWrap);
            edge(sGlobalHandles, E_WEAK, numName(4), timerWrap);
            internalNum(sEternal, 1, symbolSessionKey);
            internal(sExtensions, "empty_fixed_array", emptyFixed);
            internalNum(sStartupCache, 1, sfiTouch);
            internalNum(sStartupCache, 2, bigintCounter);
            internalNum(sStartupCache, 3, regexpRoute);
            internal(nodeEnv, "isolate_data", isolateData);
            internal(nodeEnv, "binding_data", bindingData);
            internal(nodeEnv, "async_hooks", asyncHooks);
            internal(nodeEnv, "cleanup_queue", cleanupQueue);
            internal(nodeEnv, "tcp_wrap", tcpWrap);
            internal(nodeEnv, "timer_wrap", timerWrap);
            internal(isolateData, "aliased_buffer", aliased);
            internal(float64, "backing_store", aliased);
            internal(tcpWrap, "wrapper", bus); // native -> JS wrapper edge
            internalNum(bindingData, 0, nativeContext);

            // maps of maps
            for (int m : new int[]{mapOneByteInternalized, mapOneByteString, mapTwoByteString, mapCons, mapSliced,
                    mapHeapNumber, mapFixedArray, mapOrderedHashMap, mapOrderedHashSet, mapPromiseReaction,
                    mapJsArrayBufferData}) {
                internal(m, "map", mapMeta);
            }
            internal(mapMeta, "map", mapMeta); // self-loop, as in V8
            for (int s : allPoolStrings) internal(s, "map", mapOneByteInternalized);
            internal(scriptSource, "map", mapOneByteString);
            internal(undef, "map", mapMeta);
            internal(hole, "map", mapMeta);
            internal(emptyFixed, "map", mapFixedArray);
            internal(script, "source", scriptSource);
            internal(script, "name", scriptName);
            internal(script, "line_ends", lineEnds);
            internal(script, "context_data", moduleContext);
            internal(lineEnds, "map", mapFixedArray);
            internal(symbolSessionKey, "name", kSession);
            internal(symbolSessionKey, "map", mapMeta);
            internal(bigintCounter, "map", mapMeta);
            internal(regexpRoute, "data", emptyFixed);
            internal(regexpRoute, "map", shapeRegExp);
            for (int c : builtinCodes) internal(c, "map", mapMeta);
            internal(feedbackCell, "map", mapMeta);
            for (int sc : new int[]{scopeBuildUnit, scopeRequest, scopeResolve}) {
                internal(sc, "map", mapMeta);
                internal(sc, "outer_scope_info", scopeBuildUnit == sc ? emptyFixed : scopeBuildUnit);
            }

            // native context and global
            internal(nativeContext, "global_object", global);
            internal(nativeContext, "global_proxy_object", global);
            internal(nativeContext, "script_context_table", moduleContext);
            internal(nativeContext, "map", mapMeta);
            for (int i = 0; i < classes.length; i++) {
                edge(nativeContext, E_INTERNAL, d.intern("class_" + classes[i]), classCtor[i]);
            }
            prop(global, "globalThis", global);
            prop(global, "sessions", sessionsMap);
            prop(global, "cache", lruCache);
            prop(global, "bus", bus);
            prop(global, "metrics", metrics);
            for (int i = 0; i < classes.length; i++) prop(global, classes[i], classCtor[i]);
            prop(global, "routePattern", regexpRoute);
            prop(global, "requestCounter", bigintCounter);
            edge(global, E_PROPERTY, pSessionKey, symbolSessionKey);
            internal(global, "native_context", nativeContext);
            internal(global, "map", shapeObject);
            // module context: the closures' outer scope, holds module-level bindings
            edge(moduleContext, E_CONTEXT, d.intern("sessions"), sessionsMap);
            edge(moduleContext, E_CONTEXT, d.intern("cache"), lruCache);
            edge(moduleContext, E_CONTEXT, d.intern("bus"), bus);
            edge(moduleContext, E_CONTEXT, d.intern("metrics"), metrics);
            edge(moduleContext, E_CONTEXT, d.intern("timerListMap"), timerListMap);
            prop(timerListMap, "1800000", timersList); // 30-minute session expiry list
            internal(timerListMap, "map", shapeLeafObject);
            internal(timersList, "map", shapeObject);
            internal(symbolAsyncId, "map", mapMeta);
            internalNum(subroot0 + 14, 2, symbolAsyncId); // (Eternal handles)
            internal(moduleContext, "scope_info", scopeBuildUnit);
            internal(moduleContext, "previous", nativeContext);
            internal(moduleContext, "map", shapeContext);

            for (int i = 0; i < classes.length; i++) {
                int c = classCtor[i];
                int sfi = sfi(classes[i], script, line[c], col[c]);
                internal(c, "feedback_cell", feedbackCell);
                internal(c, "shared", sfi);
                internal(c, "context", moduleContext);
                internal(c, "code", codeInterpreter);
                prop(c, "prototype", classProto[i]);
                internal(c, "map", shapeFunction);
                prop(classProto[i], "constructor", c);
                internal(classProto[i], "map", shapeObject);
            }
            int[] shapes = {shapeSession, shapeUser, shapeCacheEntry, shapeRequestContext};
            for (int i = 0; i < shapes.length; i++) {
                internal(shapes[i], "prototype", classProto[i == 3 ? 3 : i]);
                internal(shapes[i], "constructor", classCtor[i == 3 ? 3 : i]);
            }
            internal(shapeContext, "map", mapMeta);
            internal(shapeBound, "map", mapMeta);
            internal(shapeLeafObject, "map", mapMeta);
            edge(shapeObject, E_WEAK, d.intern("transition"), shapeLeafObject);
            edge(shapeLeafObject, E_WEAK, d.intern("transition"), shapeBound); // transition tree leaf

            // containers
            internal(sessionsMap, "table", sessionsTable);
            internal(sessionsMap, "map", shapeMap);
            prop(lruCache, "map", cacheMap);
            prop(lruCache, "self", lruCache); // a self-loop, like V8's meta map
            internal(lruCache, "map", shapeObject);
            internal(cacheMap, "table", cacheTable);
            internal(cacheMap, "map", shapeMap);
            prop(bus, "_events", busEvents);
            internal(bus, "map", shapeObject);
            internal(busEvents, "properties", busEventsProps);
            internal(busEvents, "map", shapeLeafObject);
            for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
                String ev = "session:" + b;
                if (b < 8) prop(busEvents, ev, listenerArray[b]);
                else internalNum(busEventsProps, b - 8, listenerArray[b]);
                hubKind[listenerArray[b]] = HUB_LISTENERS;
                hubKind[listenerElements[b]] = HUB_LISTENER_ELEMENTS;
            }
            internal(busEventsProps, "map", mapFixedArray);
            hubKind[sessionsTable] = HUB_SESSIONS_TABLE;
            hubKind[cacheTable] = HUB_CACHE_TABLE;
            prop(metrics, "histogram", float64);
            internal(metrics, "map", shapeObject);
            internal(latencyFallback, "map", shapeArray);
            latencyFallbackNode = latencyFallback;
        }

        int latencyFallbackNode;

        int shape(String cls, int descriptors) {
            int s = node(T_SHAPE, "system / Map", 72);
            int desc = node(T_SHAPE, "system / DescriptorArray", 16 + 24L * descriptors);
            internal(s, "descriptors", desc);
            internal(s, "map", mapMeta);
            internal(desc, "map", mapMeta);
            return s;
        }

        int sfi(String fn, int script, int ln, int cl) {
            int s = node(T_CODE, fn.isEmpty() ? "(shared function info)" : fn, 56);
            int bytecode = node(T_CODE, "system / BytecodeArray", 64 + (mix(count) & 511));
            internal(s, "name_or_scope_info", scopeRequest);
            internal(s, "script_or_debug_info", script);
            internal(s, "function_data", bytecode);
            internal(s, "map", mapMeta);
            internal(bytecode, "map", mapMeta);
            return s;
        }

        /** Edges that point into the unit region; needs the plan. */
        void buildEdges() {
            int sHandleScope = subroot0 + 10;
            // a few handles into the first units, like a request being processed while the snapshot was taken
            for (int u = 0, k = 3; u < Math.min(g.units, 6); u++) {
                if (g.unitKind[u] == Generator.K_SESSION || g.unitKind[u] == Generator.K_CACHE) {
                    internalNum(sHandleScope, k++, g.unitStart[u]);
                }
            }
            prop(global, "latencies", g.tailUnit >= 0 ? g.unitStart[g.tailUnit] : latencyFallbackNode);
            int newest = g.cacheNeighbour(g.units, -1, false);
            int oldest = g.cacheNeighbour(-1, +1, false);
            prop(lruCache, "oldest", oldest);
            prop(lruCache, "newestEntry", newest);
            prop(timersList, "_idleNext", g.timerNeighbour(-1, +1, false));
            prop(timersList, "_idlePrev", g.timerNeighbour(g.units, -1, false));
        }

        long edgeTotal() {
            long n = 0;
            for (int k = 0; k < count; k++) n += edgeCount(k);
            return n;
        }

        int edgeCount(int k) {
            int stat = staticEdgeLen[k] / 3;
            return switch (hubKind[k]) {
                case HUB_SESSIONS_TABLE -> stat + 1 + 2 * g.sessionUnits;
                case HUB_CACHE_TABLE -> stat + 1 + 2 * g.cacheUnits;
                case HUB_LISTENERS -> stat + 2 + g.bucketSize[bucketOf(k, listenerArray)];
                case HUB_LISTENER_ELEMENTS -> stat + 1 + g.bucketSize[bucketOf(k, listenerElements)];
                default -> stat;
            };
        }

        private static int bucketOf(int k, int[] arr) {
            // listener arrays are allocated in pairs, so the bucket is the distance from the first one
            for (int b = 0; b < arr.length; b++) if (arr[b] == k) return b;
            throw new IllegalStateException("not a listener hub: " + k);
        }

        int emitEdges(int k, EdgeSink out) {
            int n = 0;
            int[] a = staticEdges.get(k);
            for (int i = 0; i < staticEdgeLen[k]; i += 3, n++) {
                int nm = a[i + 1];
                if (nm < 0 && a[i] != E_ELEMENT && a[i] != E_HIDDEN) nm = g.num(-nm - 1);
                out.edge(a[i], nm, a[i + 2]);
            }
            switch (hubKind[k]) {
                case HUB_SESSIONS_TABLE -> {
                    int slot = 5;
                    for (int u = 0; u < g.units; u++) {
                        if (g.unitKind[u] != Generator.K_SESSION) continue;
                        out.edge(E_INTERNAL, g.num(slot++), g.unitStart[u] + 1); // key: the session id string
                        out.edge(E_INTERNAL, g.num(slot++), g.unitStart[u]); // value: the Session
                        n += 2;
                    }
                    out.edge(E_INTERNAL, sMap, mapOrderedHashMap);
                    n++;
                }
                case HUB_CACHE_TABLE -> {
                    int slot = 5;
                    for (int u = 0; u < g.units; u++) {
                        if (g.cacheOffset[u] == Generator.NO_CACHE) continue;
                        int entry = g.unitStart[u] + (g.cacheOffset[u] & 0xff);
                        out.edge(E_INTERNAL, g.num(slot++), entry + 1); // key string follows the entry
                        out.edge(E_INTERNAL, g.num(slot++), entry);
                        n += 2;
                    }
                    out.edge(E_INTERNAL, sMap, mapOrderedHashMap);
                    n++;
                }
                case HUB_LISTENERS -> {
                    int b = bucketOf(k, listenerArray);
                    int i = 0;
                    for (int u = b; u < g.units; u += Generator.LISTENER_BUCKETS) {
                        if (g.unitKind[u] != Generator.K_SESSION) continue;
                        out.edge(E_ELEMENT, i++, g.unitStart[u] + 2);
                        n++;
                    }
                    out.edge(E_INTERNAL, sElements, listenerElements[b]);
                    out.edge(E_INTERNAL, sMap, shapeArray);
                    n += 2;
                }
                case HUB_LISTENER_ELEMENTS -> {
                    int b = bucketOf(k, listenerElements);
                    int i = 0;
                    for (int u = b; u < g.units; u += Generator.LISTENER_BUCKETS) {
                        if (g.unitKind[u] != Generator.K_SESSION) continue;
                        out.edge(E_INTERNAL, g.num(i++), g.unitStart[u] + 2);
                        n++;
                    }
                    out.edge(E_INTERNAL, sMap, mapFixedArray);
                    n++;
                }
                default -> {
                }
            }
            return n;
        }

        void finishHubSizes() {
            size[sessionsTable] = 16 + 8L * (3 + 3L * Math.max(1, g.sessionUnits));
            size[cacheTable] = 16 + 8L * (3 + 3L * Math.max(1, g.cacheUnits));
            for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
                size[listenerElements[b]] = 16 + 8L * g.bucketSize[b];
            }
        }
    }

    static final String[] ESCAPE_SPECIMENS = {
            "line one\nline two", "she said \"hi\"", "C:\\srv\\app\\logs", "tab\tseparated\tvalue",
            "carriage\r\nreturn", "bell\u0007 and nul\u0000 and esc\u001b", "form\ffeed back\bspace",
            "raw del \u007f kept", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", "snow \u2603 man", "\u65e5\u672c\u8a9e",
            "lone surrogate \uD800 here", "emoji as V8 writes it: \uF600", "trailing backslash \\",
            "{\"json\":[1,2,{\"nested\":\"yes\"}]}", "\u00a0nbsp\u2028line-sep\u2029para-sep"};

    static final int SCRIPT_SOURCE_LENGTH = 48_213;
    static final String SCRIPT_SOURCE;

    static {
        StringBuilder sb = new StringBuilder("'use strict';\n\nconst { EventEmitter } = require('events');\n");
        while (sb.length() < 1100) {
            sb.append("class Session {\n  constructor(n, user) {\n    this.id = `sess-${hex(16)}`;\n")
                    .append("    this.attrs = new Map([[\"ip\", ip], ['ua', \"curl\\/8\"]]);\n  }\n}\n");
        }
        SCRIPT_SOURCE = sb.toString();
    }

    // =================================================================================================================
    // Units
    // =================================================================================================================

    static final class Unit {
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

        Unit(Generator g) {
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

        private static final String HEXD = "0123456789abcdef";
        static final String[] FIRST = {"ada", "linus", "grace", "ken", "barbara", "edsger", "margaret", "dennis",
                "frances", "alan", "radia", "bjarne", "anita", "guido", "sophie", "james"};
        static final String[] LAST = {"lovelace", "torvalds", "hopper", "thompson", "liskov", "dijkstra",
                "hamilton", "ritchie", "allen", "turing", "perlman", "stroustrup", "borg", "rossum"};
        static final String[] WIDE = {"Jos\u00e9 Garc\u00eda", "Zo\u00eb Kr\u00fcger", "\u0141ukasz B\u0105k",
                "\u7530\u4e2d \u592a\u90ce", "\u0410\u043d\u043d\u0430 \u041f\u0430\u0432\u043b\u043e\u0432\u0430",
                "\u00c9lodie N\u00f6el"};

        private void hex(long h, int n) {
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

        private final int[] tmp = new int[8];
        private final int[] raw = new int[8];

        // ---- unit kinds ----

        void genSession() {
            hiddenSlot = 1;
            int sess = node(T_OBJECT, p.nSession, 120); // local 0
            int id = string(S_SESSION_ID); // local 1 (the sessions Map key)
            int lisCtx;
            int listener = node(T_CLOSURE, p.nOnSessionEvent, 64); // local 2 (bus listener)
            lisCtx = contextNode(3);
            internal(listener, p.sFeedbackCell, p.feedbackCell);
            internal(listener, p.sShared, p.sfiOnSessionEvent);
            internal(listener, p.sContext, lisCtx);
            internal(listener, p.sCode, p.codeInterpreter);
            map(listener, p.shapeFunction);
            located(listener, 200, 36);
            edge(lisCtx, E_CONTEXT, p.sS, sess);
            contextTail(lisCtx, p.scopeBuildUnit, p.moduleContext);

            int owner = g.userOwner(u);
            int user;
            if (owner == u) {
                user = genUser(); // local 4
            } else {
                user = g.unitStart[owner] + 4;
            }

            prop(sess, p.pId, id);
            prop(sess, p.pUser, user);
            numberField(sess); // createdAt
            numberField(sess); // lastSeen
            prop(sess, p.pRegion, p.poolRegions[r.nextInt(p.poolRegions.length)]);

            // attrs: Map with three entries
            int attrs = node(T_OBJECT, p.nMap, 32);
            int table = node(T_ARRAY, p.sEmpty, 16 + 8L * (3 + 2 + 3 * 4));
            internal(attrs, p.sTable, table);
            map(attrs, p.shapeMap);
            internal(table, g.num(5), p.poolIp);
            internal(table, g.num(6), string(S_IP));
            internal(table, g.num(7), p.poolUa);
            internal(table, g.num(8), p.poolAgents[r.nextInt(p.poolAgents.length)]);
            internal(table, g.num(9), p.poolCsrf);
            internal(table, g.num(10), string(S_HEX24));
            map(table, p.mapOrderedHashMap);
            prop(sess, p.pAttrs, attrs);

            // tags: Set of pooled strings
            int tags = node(T_OBJECT, p.nSet, 32);
            int nTags = 1 + r.nextInt(4);
            int tagTable = node(T_ARRAY, p.sEmpty, 16 + 8L * (3 + 2 + 2 * 4));
            internal(tags, p.sTable, tagTable);
            map(tags, p.shapeSet);
            for (int i = 0; i < nTags; i++) internal(tagTable, g.num(5 + i), p.poolTags[r.nextInt(256)]);
            map(tagTable, p.mapOrderedHashSet);
            prop(sess, p.pTags, tags);

            // requests in flight: 1..3, each pointing back at the session (cycles)
            int nReq = 1 + (r.chance(30) ? 1 : 0) + (r.chance(10) ? 1 : 0);
            int[] reqs = new int[nReq];
            int prevSpan = -1;
            for (int i = 0; i < nReq; i++) {
                reqs[i] = genRequest(sess);
                int span = lastSpan;
                if (prevSpan >= 0) prop(span, p.pParentSpan, prevSpan);
                prevSpan = span;
            }
            prop(sess, p.pRequests, jsArray(reqs, nReq));

            // touch(): closure over sessionId
            int touchCtx = contextNode(3);
            int touch = closure(p.sEmpty, p.sfiTouch, touchCtx, p.codeCompileLazy, 119, 17);
            edge(touchCtx, E_CONTEXT, p.sSessionId, id);
            contextTail(touchCtx, p.scopeBuildUnit, p.moduleContext);
            prop(sess, p.pTouch, touch);

            // expiry timer: a Node Timeout in the doubly linked list of its duration's TimersList
            timerLocal = count;
            int timeout = node(T_OBJECT, p.nTimeout, 120);
            prop(timeout, p.pIdlePrev, g.timerNeighbour(u, -1, planning()));
            prop(timeout, p.pIdleNext, g.timerNeighbour(u, +1, planning()));
            int expireCtx = contextNode(2);
            int expire = closure(p.sEmpty, p.sfiExpire, expireCtx, p.codeCompileLazy, 228, 24);
            edge(expireCtx, E_CONTEXT, p.pSession, sess);
            contextTail(expireCtx, p.scopeBuildUnit, p.moduleContext);
            prop(timeout, p.pOnTimeout, expire);
            edge(timeout, E_HIDDEN, 1, heapNumber()); // _idleStart
            edge(timeout, E_PROPERTY, p.pAsyncId, p.symbolAsyncId);
            map(timeout, p.shapeTimeout);
            located(timeout, 228, 4);
            if (!planning() && timeout - start != (g.timerOffset[u] & 0xff)) {
                throw new IllegalStateException("timer replay");
            }
            prop(sess, p.pExpiry, timeout);

            if (g.sessionHasCache(u)) {
                cacheLocal = count;
                prop(sess, p.pCache, genCacheEntry(false));
            }
            if (u > 0 && r.chance(20)) {
                int v = u - 1 - r.nextInt(Math.min(u, 50_000));
                if (g.kindOf(v) == Generator.K_CLIQUE) v--;
                prop(sess, p.pPeer, planning() ? 0 : g.unitStart[v]); // unit heads are Session or CacheEntry
            }
            if (r.chance(5)) {
                // WeakRef whose target nothing else retains
                int wr = node(T_OBJECT, p.nWeakRef, 32);
                int target = node(T_OBJECT, p.nObject, 32);
                edge(wr, E_WEAK, p.sTarget, target);
                map(wr, p.shapeWeakRef);
                prop(target, p.pNote, string(S_NOTE));
                map(target, p.shapeLeafObject);
                prop(sess, p.pWeakMeta, wr);
            }
            if (r.chance(5)) {
                int bound = node(T_CLOSURE, p.nNativeBind, 48);
                int args = node(T_ARRAY, p.nBoundArguments, 24);
                internal(bound, p.sBindings, args);
                internal(bound, p.sBoundFunction, touch);
                edge(bound, E_SHORTCUT, p.sBoundThis, sess);
                edge(bound, E_SHORTCUT, p.sBoundArg0, p.poolBoundArg);
                map(bound, p.shapeBound);
                map(args, p.mapFixedArray);
                prop(sess, p.pBoundTouch, bound);
            }
            if (r.chance(3)) {
                int sliced = node(T_SLICED, p.nSliced, 32);
                internal(sliced, p.sParent, id);
                map(sliced, p.mapSliced);
                prop(sess, p.pShortId, sliced);
            }
            if (r.chance(2)) prop(sess, p.pPattern, p.regexpRoute);
            if (r.chance(1)) edge(sess, E_PROPERTY, p.pSessionKey, p.symbolSessionKey);
            map(sess, p.shapeSession);
            located(sess, 113, 2);
        }

        int genUser() {
            int user = node(T_OBJECT, p.nUser, 72);
            prop(user, p.pName, string(S_NAME));
            prop(user, p.pEmail, string(S_EMAIL));
            tmp[0] = p.poolRoles[r.nextInt(p.poolRoles.length)];
            tmp[1] = p.poolRoles[r.nextInt(p.poolRoles.length)];
            prop(user, p.pRoles, jsArray(tmp, 2));
            int prefs = node(T_OBJECT, p.nObject, 40);
            prop(prefs, p.pTheme, p.poolThemes[r.nextInt(2)]);
            prop(prefs, p.pLocale, p.poolLocales[r.nextInt(p.poolLocales.length)]);
            map(prefs, p.shapeLeafObject);
            prop(user, p.pPrefs, prefs);
            edge(user, E_HIDDEN, 1, heapNumber()); // quota
            map(user, p.shapeUser);
            located(user, 99, 2);
            if (user - start != 4) throw new IllegalStateException("User must be local 4");
            return user;
        }

        int lastSpan;

        int genRequest(int sess) {
            int ctx = node(T_OBJECT, p.nRequestContext, 104);
            prop(ctx, p.pSession, sess);
            prop(ctx, p.pMethod, p.poolMethods[r.nextInt(p.poolMethods.length)]);
            prop(ctx, p.pUrl, string(S_URL));

            int headers = node(T_OBJECT, p.nObject, 56);
            int requestId = string(S_HEX32);
            int agent = p.poolAgents[r.nextInt(p.poolAgents.length)];
            prop(headers, p.pXRequestId, requestId);
            prop(headers, p.pUserAgent, agent);
            prop(headers, p.pAccept, p.poolAcceptJson);
            int cons = node(T_CONS, p.nConcatenated, 32); // `${hex(16)}-${hex(16)}`
            internal(cons, p.sFirst, string(S_HEX16));
            internal(cons, p.sSecond, string(S_DASH_HEX16));
            map(cons, p.mapCons);
            prop(headers, p.pXTrace, cons);
            map(headers, p.shapeLeafObject);
            prop(ctx, p.pHeaders, headers);
            // IncomingMessage.rawHeaders: [name, value, ...] sharing the header strings
            raw[0] = p.poolHeaderNames[0];
            raw[1] = requestId;
            raw[2] = p.poolHeaderNames[1];
            raw[3] = agent;
            raw[4] = p.poolHeaderNames[2];
            raw[5] = p.poolAcceptJson;
            raw[6] = p.poolHeaderNames[3];
            raw[7] = cons;
            prop(ctx, p.pRawHeaders, jsArray(raw, 8));
            edge(ctx, E_HIDDEN, 1, heapNumber()); // startedAt

            int span = node(T_OBJECT, p.nObject, 48);
            prop(span, p.pTraceId, string(S_HEX16));
            prop(span, p.pSpanId, string(S_SPAN_ID));
            tmp[0] = p.poolMethods[r.nextInt(p.poolMethods.length)];
            prop(span, p.pAttrsList, jsArray(tmp, 1));
            map(span, p.shapeLeafObject);
            lastSpan = span;
            prop(ctx, p.pSpan, span);

            int result = node(T_OBJECT, p.nPromise, 40); // Promise.resolve({status, bytes})
            int resultValue = node(T_OBJECT, p.nObject, 32);
            internal(result, p.sReactions, resultValue);
            map(result, p.shapePromise);
            map(resultValue, p.shapeLeafObject);
            prop(ctx, p.pResult, result);

            int done = node(T_OBJECT, p.nPromise, 40); // pending, with a .then reaction
            int reaction = node(T_HIDDEN, p.nPromiseReaction, 48);
            internal(done, p.sReactions, reaction);
            map(done, p.shapePromise);
            int onDoneCtx = contextNode(2);
            int onDone = closure(p.sEmpty, p.sfiOnDone, onDoneCtx, p.codeCompileLazy, 189, 21);
            edge(onDoneCtx, E_CONTEXT, p.sThis, ctx);
            contextTail(onDoneCtx, p.scopeRequest, p.moduleContext);
            int derived = node(T_OBJECT, p.nPromise, 40);
            map(derived, p.shapePromise);
            edge(reaction, E_HIDDEN, 1, onDone);
            edge(reaction, E_HIDDEN, 2, derived);
            map(reaction, p.mapPromiseReaction);
            prop(ctx, p.pDone, done);

            int finCtx = contextNode(3); // the resolve function's context holds the promise
            int fin = closure(p.sEmpty, p.sfiResolve, finCtx, p.codeResolve, 186, 35);
            internal(finCtx, p.sScopeInfo, p.scopeResolve);
            edge(finCtx, E_HIDDEN, 1, done);
            map(finCtx, p.shapeContext);
            prop(ctx, p.pFinish, fin);
            map(ctx, p.shapeRequestContext);
            located(ctx, 170, 2);
            return ctx;
        }

        /** CacheEntry + its key string (next node: the cache Map's key) + value, in the LRU linked list. */
        int genCacheEntry(boolean hugeBuffer) {
            int entry = node(T_OBJECT, p.nCacheEntry, 64);
            int key = string(S_CACHE_KEY);
            prop(entry, p.pKey, key);
            int value = node(T_OBJECT, p.nObject, 40);
            int rows = node(T_OBJECT, p.nArray, 32);
            int rowsEl = node(T_ARRAY, p.nObjectElements, 40); // Smis only: no edges but the map
            internal(rows, p.sElements, rowsEl);
            map(rows, p.shapeArray);
            map(rowsEl, p.mapFixedArray);
            prop(value, p.pRows, rows);
            prop(value, p.pEtag, string(S_ETAG));
            if (r.chance(1) || hugeBuffer) prop(value, p.pBody, string(S_BODY));
            map(value, p.shapeLeafObject);
            prop(entry, p.pValue, value);
            numberField(entry); // expiresAt
            if (hugeBuffer || r.chance(20)) {
                int buf = node(T_OBJECT, p.nBuffer, 96);
                int ab = node(T_OBJECT, p.nArrayBuffer, 88);
                long bytes = hugeBuffer ? (4L << 30) + (1L << 30) * (1 + (u % 4)) : 1024 + r.nextInt(64 * 1024);
                int data = node(T_NATIVE, p.nJsArrayBufferData, bytes);
                internal(buf, p.sBuffer, ab);
                map(buf, p.shapeBuffer);
                internal(ab, p.sBackingStore, data);
                map(ab, p.shapeArrayBuffer);
                prop(entry, p.pPayload, buf);
            }
            int self = entry - start;
            prop(entry, p.pNewer, g.cacheNeighbour(u, +1, planning()));
            prop(entry, p.pOlder, g.cacheNeighbour(u, -1, planning()));
            if (!planning() && self != (g.cacheOffset[u] & 0xff)) throw new IllegalStateException("cache replay");
            map(entry, p.shapeCacheEntry);
            located(entry, 140, 2);
            return entry;
        }

        /** Objects that only retain each other: unreachable from the root. */
        void genClique() {
            int a = node(T_OBJECT, p.nObject, 40);
            int b = node(T_OBJECT, p.nObject, 40);
            int ctx = contextNode(2);
            int cb = closure(p.sEmpty, p.sfiClique, ctx, p.codeCompileLazy, 341, 9);
            int label = string(S_CLIQUE);
            prop(a, p.sOther, b);
            prop(a, p.sCb, cb);
            prop(a, p.sLabel, label);
            map(a, p.shapeLeafObject);
            prop(b, p.sBack, a);
            map(b, p.shapeLeafObject);
            edge(ctx, E_CONTEXT, p.sOwner, a);
            contextTail(ctx, p.scopeBuildUnit, p.moduleContext);
        }

        /** Pads to the exact node count: metrics.latencies, an Array of heap numbers. */
        void genTail(int n) {
            if (n == 1) {
                heapNumber();
                return;
            }
            int arr = node(T_OBJECT, p.nArray, 32);
            int el = node(T_ARRAY, p.nObjectElements, 16 + 8L * (n - 2));
            int firstNum = start + 2;
            for (int i = 0; i < n - 2; i++) heapNumber();
            for (int i = 0; i < n - 2; i++) edge(arr, E_ELEMENT, i, firstNum + i);
            internal(arr, p.sElements, el);
            map(arr, p.shapeArray);
            for (int i = 0; i < n - 2; i++) internal(el, g.num(i), firstNum + i);
            map(el, p.mapFixedArray);
        }

        /** Stable counting sort of the unit's edges by source node (V8 groups edges by source). */
        void sortEdges() {
            java.util.Arrays.fill(firstEdge, 0, count + 1, 0);
            for (int e = 0; e < edgeCount; e++) firstEdge[eSrc[e] + 1]++;
            for (int l = 0; l < count; l++) firstEdge[l + 1] += firstEdge[l];
            int[] cursor = sortCursor;
            System.arraycopy(firstEdge, 0, cursor, 0, count);
            for (int e = 0; e < edgeCount; e++) order[cursor[eSrc[e]]++] = e;
        }

        private final int[] sortCursor = new int[MAX_NODES];
    }

    // =================================================================================================================
    // Verifier: streaming structural check + reachability
    // =================================================================================================================

    static final class Verifier {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 22];
        private int pos, len;
        private long offset;

        private Verifier(InputStream in) {
            this.in = in;
        }

        static boolean verify(Path file) {
            long t0 = System.nanoTime();
            try (InputStream is = Files.newInputStream(file)) {
                Verifier v = new Verifier(is);
                return v.run(file, t0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private boolean fill() throws IOException {
            if (pos < len) return true;
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) return false;
            pos = 0;
            len = n;
            return true;
        }

        private int read() throws IOException {
            if (pos == len && !fill()) return -1;
            offset++;
            return buf[pos++] & 0xff;
        }

        private int peek() throws IOException {
            if (pos == len && !fill()) return -1;
            return buf[pos] & 0xff;
        }

        private void unread() {
            pos--;
            offset--;
        }

        private IllegalStateException bad(String msg) {
            return new IllegalStateException(msg + " at byte " + offset);
        }

        private void expect(String s) throws IOException {
            for (int i = 0; i < s.length(); i++) {
                int c = read();
                if (c != s.charAt(i)) {
                    throw bad("expected '" + s + "' but found '" + (c < 0 ? "EOF" : String.valueOf((char) c)) + "'");
                }
            }
        }

        private void skipWs() throws IOException {
            int c;
            while ((c = peek()) == ' ' || c == '\n' || c == '\r' || c == '\t') read();
        }

        /** Reads a JSON array of unsigned integers, calling sink for each; returns the count. */
        private long readIntArray(LongSink sink) throws IOException {
            skipWs();
            expect("[");
            skipWs();
            long n = 0;
            if (peek() == ']') {
                read();
                return 0;
            }
            while (true) {
                skipWs();
                long v = 0;
                int digits = 0;
                int c;
                while ((c = peek()) >= '0' && c <= '9') {
                    read();
                    v = v * 10 + (c - '0');
                    if (++digits > 19) throw bad("number too long");
                }
                if (digits == 0) throw bad("expected a digit");
                sink.accept(n++, v);
                skipWs();
                c = read();
                if (c == ']') return n;
                if (c != ',') throw bad("expected ',' or ']'");
            }
        }

        interface LongSink {
            void accept(long i, long v);
        }

        private void skipJsonValue() throws IOException {
            // only used for trace_tree (nested arrays of numbers)
            skipWs();
            expect("[");
            int depth = 1;
            while (depth > 0) {
                int c = read();
                if (c < 0) throw bad("EOF in array");
                if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (!(c == ',' || (c >= '0' && c <= '9') || c == ' ' || c == '\n')) throw bad("bad char");
            }
        }

        private boolean run(Path file, long t0) throws IOException {
            // header: small, parse with regexes after reading up to "nodes"
            StringBuilder head = new StringBuilder();
            while (true) {
                int c = read();
                if (c < 0) throw bad("EOF in header");
                head.append((char) c);
                if (head.length() > 1 << 16) throw bad("header too long");
                if (head.length() >= 9 && head.substring(head.length() - 9).equals("\"nodes\":[")) break;
            }
            String h = head.toString();
            int nodeFields = countList(h, "node_fields");
            int edgeFields = countList(h, "edge_fields");
            long nodeCount = field(h, "node_count");
            long edgeCount = field(h, "edge_count");
            if (!h.startsWith("{\"snapshot\":{\"meta\":{\"node_fields\":")) throw bad("unexpected header start");
            if (nodeFields != 7 || edgeFields != 3) throw bad("expected 7 node fields and 3 edge fields");
            unread(); // give the '[' back to readIntArray
            if (nodeCount > Integer.MAX_VALUE / 7 || edgeCount > Integer.MAX_VALUE) throw bad("too large to verify");
            int nc = (int) nodeCount;
            int ec = (int) edgeCount;
            long[] typeCounts = new long[NODE_TYPES.length];
            long[] edgeTypeCounts = new long[EDGE_TYPES.length];
            int[] firstEdge = new int[nc + 1];
            long[] maxName = {0};
            long[] edgeSum = {0};
            long[] bigSelf = {0};
            long[] oddIds = {0};
            long[] idBits = new long[1 << 26]; // one bit per uint32 id
            long[] dupIds = {0};
            int[] fieldsSeen = {0};
            byte[] nodeType = new byte[nc];
            long nodesValues = readIntArray((i, v) -> {
                int f = (int) (i % 7);
                int k = (int) (i / 7);
                switch (f) {
                    case 0 -> {
                        if (v >= NODE_TYPES.length) throw bad("node " + k + ": type " + v);
                        typeCounts[(int) v]++;
                        nodeType[k] = (byte) v;
                    }
                    case 1 -> maxName[0] = Math.max(maxName[0], v);
                    case 2 -> {
                        if (v > 0xFFFF_FFFFL) throw bad("node " + k + ": id > uint32");
                        if ((v & 1) == 1) oddIds[0]++;
                        int w = (int) (v >>> 6);
                        long bit = 1L << (v & 63);
                        if ((idBits[w] & bit) != 0) dupIds[0]++;
                        idBits[w] |= bit;
                    }
                    case 3 -> {
                        if (v > 0xFFFF_FFFFL) bigSelf[0]++;
                    }
                    case 4 -> {
                        edgeSum[0] += v;
                        if (edgeSum[0] > ec) throw bad("edge counts exceed header edge_count");
                        firstEdge[k + 1] = (int) edgeSum[0];
                    }
                    default -> {
                    }
                }
                fieldsSeen[0]++;
            });
            if (nodesValues != nodeCount * 7) throw bad("nodes: " + nodesValues + " values, expected " + nodeCount * 7);
            if (edgeSum[0] != edgeCount) throw bad("sum of edge_count " + edgeSum[0] + " != " + edgeCount);
            expect(",\n\"edges\":");
            int[] to = new int[ec];
            byte[] et = new byte[ec];
            long[] maxEdgeName = {0};
            long edgesValues = readIntArray((i, v) -> {
                int f = (int) (i % 3);
                int e = (int) (i / 3);
                switch (f) {
                    case 0 -> {
                        if (v >= EDGE_TYPES.length) throw bad("edge " + e + ": type " + v);
                        et[e] = (byte) v;
                        edgeTypeCounts[(int) v]++;
                    }
                    case 1 -> {
                        if (et[e] != E_ELEMENT && et[e] != E_HIDDEN) maxEdgeName[0] = Math.max(maxEdgeName[0], v);
                    }
                    default -> {
                        if (v % 7 != 0) throw bad("edge " + e + ": to_node " + v + " not a multiple of 7");
                        if (v >= nodeCount * 7) throw bad("edge " + e + ": to_node " + v + " out of range");
                        to[e] = (int) (v / 7);
                    }
                }
            });
            if (edgesValues != edgeCount * 3) throw bad("edges: " + edgesValues + " values, expected " + edgeCount * 3);
            expect(",\n\"trace_function_infos\":");
            readIntArray((i, v) -> { });
            expect(",\n\"trace_tree\":");
            skipJsonValue();
            expect(",\n\"samples\":");
            readIntArray((i, v) -> { });
            expect(",\n\"locations\":");
            long[] badLoc = {0};
            long locValues = readIntArray((i, v) -> {
                if (i % 4 == 0 && (v % 7 != 0 || v >= nodeCount * 7)) badLoc[0]++;
            });
            if (badLoc[0] != 0 || locValues % 4 != 0) throw bad("bad locations");
            expect(",\n\"strings\":");
            long strings = readStrings();
            skipWs();
            expect("}");
            if (read() != -1) throw bad("trailing data after the top-level object");
            if (maxName[0] >= strings) throw bad("node name index " + maxName[0] + " >= " + strings + " strings");
            if (maxEdgeName[0] >= strings) throw bad("edge name index " + maxEdgeName[0] + " >= strings");

            // reachability: strong (no weak edges) from the root, then weak-only, the rest unreachable
            byte[] mark = new byte[nc];
            int[] queue = new int[nc];
            int reached = bfs(0, firstEdge, to, et, mark, queue, false, (byte) 1);
            int weakOnly = 0;
            // any node reached through weak edges from the strongly reachable set
            int qh = 0, qt = 0;
            for (int k = 0; k < nc; k++) if (mark[k] == 1) queue[qt++] = k;
            while (qh < qt) {
                int k = queue[qh++];
                for (int e = firstEdge[k]; e < firstEdge[k + 1]; e++) {
                    int t = to[e];
                    if (mark[t] == 0) {
                        mark[t] = 2;
                        weakOnly++;
                        queue[qt++] = t;
                    }
                }
            }
            int unreachable = nc - reached - weakOnly;
            StringBuilder types = new StringBuilder();
            for (int i = 0; i < NODE_TYPES.length; i++) {
                if (typeCounts[i] > 0) types.append(String.format(Locale.ROOT, "%s=%d ", NODE_TYPES[i], typeCounts[i]));
            }
            StringBuilder etypes = new StringBuilder();
            for (int i = 0; i < EDGE_TYPES.length; i++) {
                etypes.append(String.format(Locale.ROOT, "%s=%d ", EDGE_TYPES[i], edgeTypeCounts[i]));
            }
            System.out.printf(Locale.ROOT, "OK %s: %d bytes, %d nodes, %d edges (%.2f/node), %d strings, "
                            + "%d locations, odd ids %d, even ids %d, duplicate ids %d, self_size > 4 GiB %d%n"
                            + "   reachability: strong %d, weak-only %d, unreachable %d%n   node types: %s%n"
                            + "   edge types: %s%n   verified in %.1f s%n",
                    file, offset, nodeCount, edgeCount, edgeCount / (double) nodeCount, strings, locValues / 4,
                    oddIds[0], nodeCount - oddIds[0], dupIds[0], bigSelf[0], reached, weakOnly, unreachable,
                    types.toString().trim(), etypes.toString().trim(), (System.nanoTime() - t0) / 1e9);
            if (dupIds[0] != 0) {
                System.out.println("FAIL: duplicate ids");
                return false;
            }
            return true;
        }

        private static int bfs(int root, int[] firstEdge, int[] to, byte[] et, byte[] mark, int[] queue,
                               boolean weak, byte m) {
            int qh = 0, qt = 0;
            queue[qt++] = root;
            mark[root] = m;
            while (qh < qt) {
                int k = queue[qh++];
                for (int e = firstEdge[k]; e < firstEdge[k + 1]; e++) {
                    if (!weak && et[e] == E_WEAK) continue;
                    int t = to[e];
                    if (mark[t] == 0) {
                        mark[t] = m;
                        queue[qt++] = t;
                    }
                }
            }
            return qt;
        }

        private long readStrings() throws IOException {
            skipWs();
            expect("[");
            long n = 0;
            skipWs();
            if (peek() == ']') {
                read();
                return 0;
            }
            while (true) {
                skipWs();
                expect("\"");
                while (true) {
                    int c = read();
                    if (c < 0) throw bad("EOF in string");
                    if (c == '"') break;
                    if (c < 0x20) throw bad("raw control character in string " + n);
                    if (c >= 0x80) throw bad("non-ASCII byte in string " + n);
                    if (c == '\\') {
                        int e = read();
                        switch (e) {
                            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                            case 'u' -> {
                                for (int i = 0; i < 4; i++) {
                                    int x = read();
                                    if (Character.digit(x, 16) < 0) throw bad("bad \\u escape in string " + n);
                                }
                            }
                            default -> throw bad("bad escape in string " + n);
                        }
                    }
                }
                n++;
                skipWs();
                int c = read();
                if (c == ']') return n;
                if (c != ',') throw bad("expected ',' or ']' in strings");
            }
        }

        private static int countList(String h, String key) {
            Matcher m = Pattern.compile("\"" + key + "\":\\[([^\\]]*)\\]").matcher(h);
            if (!m.find()) throw new IllegalStateException("missing " + key);
            return m.group(1).split(",").length;
        }

        private static long field(String h, String key) {
            Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(h);
            if (!m.find()) throw new IllegalStateException("missing " + key);
            return Long.parseLong(m.group(1));
        }
    }
}
