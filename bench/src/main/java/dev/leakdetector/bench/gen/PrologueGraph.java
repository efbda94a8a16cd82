package dev.leakdetector.bench.gen;

import java.util.ArrayList;
import java.util.List;

import static dev.leakdetector.bench.gen.V8Layout.*;
import static dev.leakdetector.bench.gen.Rng.mix;

/** The prologue's nodes and edges as they are built, and the helpers that build them. */
abstract class PrologueGraph {
    final Generator g;
    final StringDictionary d;
    int count;
    int[] type = new int[4096], name = new int[4096], det = new int[4096], line = new int[4096],
            col = new int[4096];
    long[] id = new long[4096], size = new long[4096];
    final List<int[]> staticEdges = new ArrayList<>(); // per node: flat (type, name, to) triples
    final int[] staticEdgeLen = new int[4096];
    final int[] hubKind = new int[4096];
    long nextOddId = 1, nextEvenId = 1_343_089_856L;

    final List<Integer> allPoolStrings = new ArrayList<>();
    final List<Integer> builtinCodes = new ArrayList<>();
    final List<Integer> closures = new ArrayList<>();

    // hub kinds
    static final int HUB_NONE = 0, HUB_SESSIONS_TABLE = 1, HUB_CACHE_TABLE = 2, HUB_LISTENERS = 3,
            HUB_LISTENER_ELEMENTS = 4;

    PrologueGraph(Generator g) {
        this.g = g;
        this.d = g.dict;
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

}
