package dev.leakdetector.heap.graph;

/**
 * Source locations from the snapshot's {@code locations} section: for closures and for objects,
 * the script position of their function or constructor. Lines and columns are 0-based, as V8
 * writes them.
 *
 * <p>Kept as parallel arrays sorted by node ordinal; a node with several entries keeps the last
 * one, as DevTools' location map does.
 */
public final class Locations {
    private static final Locations EMPTY = new Locations(new int[0], new int[0], new int[0], new int[0]);

    private final int[] nodeOrdinals;
    private final int[] scriptIds;
    private final int[] lines;
    private final int[] columns;

    private Locations(int[] nodeOrdinals, int[] scriptIds, int[] lines, int[] columns) {
        this.nodeOrdinals = nodeOrdinals;
        this.scriptIds = scriptIds;
        this.lines = lines;
        this.columns = columns;
    }

    public static Locations empty() {
        return EMPTY;
    }

    /**
     * Builds the table from raw tuples.
     *
     * @param ordinals node ordinal per entry, in file order; ordinals are non-negative
     */
    public static Locations of(int[] ordinals, int[] scriptIds, int[] lines, int[] columns, int count) {
        // Sort (ordinal, file position) pairs packed in longs: primitive, and stable by construction,
        // so among duplicates the last entry in file order wins, as in DevTools' map.
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            order[i] = ((long) ordinals[i] << 32) | i;
        }
        java.util.Arrays.sort(order);
        int[] o = new int[count];
        int[] s = new int[count];
        int[] l = new int[count];
        int[] c = new int[count];
        int n = 0;
        for (int k = 0; k < count; k++) {
            int i = (int) order[k];
            if (n > 0 && o[n - 1] == ordinals[i]) {
                n--;
            }
            o[n] = ordinals[i];
            s[n] = scriptIds[i];
            l[n] = lines[i];
            c[n] = columns[i];
            n++;
        }
        return new Locations(java.util.Arrays.copyOf(o, n), java.util.Arrays.copyOf(s, n),
                java.util.Arrays.copyOf(l, n), java.util.Arrays.copyOf(c, n));
    }

    public int size() {
        return nodeOrdinals.length;
    }

    /** The entry index for a node, or -1 when the node has no location. */
    public int find(int nodeOrdinal) {
        int entry = java.util.Arrays.binarySearch(nodeOrdinals, nodeOrdinal);
        return entry >= 0 ? entry : -1;
    }

    /** The node ordinal of entry {@code entry}; entries are sorted by it. */
    public int nodeOrdinal(int entry) {
        return nodeOrdinals[entry];
    }

    public int scriptId(int entry) {
        return scriptIds[entry];
    }

    public int line(int entry) {
        return lines[entry];
    }

    public int column(int entry) {
        return columns[entry];
    }
}
