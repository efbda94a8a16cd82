package dev.leakdetector.bench.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static dev.leakdetector.bench.gen.V8Layout.*;
import static dev.leakdetector.bench.gen.Rng.mix;
import static dev.leakdetector.bench.gen.SyntheticSnapshotWriter.log;

/** Plans the units and writes the snapshot in passes: nodes, edges, locations, strings. */
final class Generator {
    static final int MIN_NODES = 20_000;
    static final int LISTENER_BUCKETS = 97;
    static final int SCRIPT_ID = 117;

    final int nodeCount;
    final long seed;
    final StringDictionary dict = new StringDictionary();
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
        try (SnapshotOut o = new SnapshotOut(out)) {
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

    void writeNodes(SnapshotOut o) {
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
    private static void nodeLine(SnapshotOut o, int type, int name, long id, long size, int edges, int det) {
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

    long writeEdges(SnapshotOut o) {
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

    static void edgeLine(SnapshotOut o, boolean[] first, int type, long name, int toOrdinal) {
        if (first[0]) first[0] = false;
        else o.ch(',');
        o.num(type);
        o.ch(',');
        o.num(name);
        o.ch(',');
        o.num((long) toOrdinal * NODE_FIELDS);
        o.ch('\n');
    }

    void writeLocations(SnapshotOut o) {
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

    static void locationLine(SnapshotOut o, boolean[] first, int ordinal, int line, int col) {
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

    long writeStrings(SnapshotOut o) {
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
