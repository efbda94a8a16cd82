package dev.leakdetector.heap.graph;

/**
 * Source locations from the snapshot's {@code locations} section: for closures and for objects,
 * the script position of their function or constructor. Lines and columns are 0-based, as V8
 * writes them.
 *
 * <p>Kept as parallel arrays sorted by node ordinal; a node with several entries keeps the last
 * one, as DevTools' location map does. V8 does not write them in node order, and sorting a large
 * snapshot's million entries takes about 0.1 s, so the table is sorted on first use (by the class
 * keys step, which runs beside the dominators) rather than while the file is parsed.
 */
public final class Locations {
    private static final Locations EMPTY = new Locations(new Table(new int[0], new int[0], new int[0], new int[0]));

    /** The sorted table. */
    private record Table(int[] nodeOrdinals, int[] scriptIds, int[] lines, int[] columns) {
    }

    private volatile Table table;
    /** Entries in file order until sorted, then null; see {@link #ofEntries}. */
    private int[] entries;
    private final int count;

    private Locations(Table table) {
        this.table = table;
        this.count = table.nodeOrdinals().length;
    }

    private Locations(int[] entries, int count) {
        this.entries = entries;
        this.count = count;
    }

    private Table table() {
        Table sorted = table;
        if (sorted == null) {
            synchronized (this) {
                sorted = table;
                if (sorted == null) {
                    sorted = sort(entries, count);
                    entries = null;
                    table = sorted;
                }
            }
        }
        return sorted;
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
        int[] entries = new int[4 * count];
        for (int i = 0; i < count; i++) {
            entries[4 * i] = ordinals[i];
            entries[4 * i + 1] = scriptIds[i];
            entries[4 * i + 2] = lines[i];
            entries[4 * i + 3] = columns[i];
        }
        return ofEntries(entries, count);
    }

    /**
     * Builds the table from tuples stored side by side: entry i is {@code entries[4i … 4i+3]}, that
     * is node ordinal (non-negative), script id, line and column, in file order. Side by side, the
     * gather after sorting reads one cache line per entry rather than four.
     */
    public static Locations ofEntries(int[] entries, int count) {
        return count == 0 ? EMPTY : new Locations(entries, count);
    }

    private static Table sort(int[] entries, int count) {
        long[] order = stableOrderByOrdinal(entries, count);
        int[] o = new int[count];
        int[] s = new int[count];
        int[] l = new int[count];
        int[] c = new int[count];
        int n = 0;
        for (int k = 0; k < count; k++) {
            int at = 4 * (int) order[k];
            int ordinal = entries[at];
            // Stable order: among duplicates the last entry in file order wins, as in DevTools' map.
            if (n > 0 && o[n - 1] == ordinal) {
                n--;
            }
            o[n] = ordinal;
            s[n] = entries[at + 1];
            l[n] = entries[at + 2];
            c[n] = entries[at + 3];
            n++;
        }
        return n == count ? new Table(o, s, l, c) : new Table(java.util.Arrays.copyOf(o, n),
                java.util.Arrays.copyOf(s, n), java.util.Arrays.copyOf(l, n), java.util.Arrays.copyOf(c, n));
    }

    /**
     * Entry indexes (low 32 bits) sorted by ordinal (high 32 bits), equal ordinals in file order: an
     * LSD radix sort of the packed pairs, 14 bits of the (below 2²⁸) ordinal per pass, which is stable
     * by construction and several times faster than a comparison sort of the million entries of a
     * large snapshot. V8 does not write them in node order.
     */
    private static long[] stableOrderByOrdinal(int[] entries, int count) {
        long[] packed = new long[count];
        Blocks.ascending(count, (from, to) -> {
            for (int i = from; i < to; i++) {
                packed[i] = (long) entries[4 * i] << 32 | i;
            }
        });
        long[] order = packed;
        long[] swap = new long[count];
        int[] buckets = new int[1 << 14];
        for (int shift = 32; shift < 32 + 28; shift += 14) {
            java.util.Arrays.fill(buckets, 0);
            long[] items = order;
            int digitShift = shift;
            Blocks.ascending(count, (from, to) -> {
                for (int k = from; k < to; k++) {
                    buckets[(int) (items[k] >>> digitShift) & 0x3FFF]++;
                }
            });
            int sum = 0;
            for (int b = 0; b < buckets.length; b++) {
                int size = buckets[b];
                buckets[b] = sum;
                sum += size;
            }
            long[] sorted = swap;
            Blocks.ascending(count, (from, to) -> {
                for (int k = from; k < to; k++) {
                    long item = items[k];
                    sorted[buckets[(int) (item >>> digitShift) & 0x3FFF]++] = item;
                }
            });
            swap = order;
            order = sorted;
        }
        return order;
    }

    /** The number of nodes with a location (duplicates in the file count once). */
    public int size() {
        return table().nodeOrdinals().length;
    }

    /** The entry index for a node, or -1 when the node has no location. */
    public int find(int nodeOrdinal) {
        int entry = java.util.Arrays.binarySearch(table().nodeOrdinals(), nodeOrdinal);
        return entry >= 0 ? entry : -1;
    }

    /** The first entry whose node ordinal is {@code nodeOrdinal} or above ({@link #size()} for none). */
    public int firstFrom(int nodeOrdinal) {
        int entry = java.util.Arrays.binarySearch(table().nodeOrdinals(), nodeOrdinal);
        return entry >= 0 ? entry : -1 - entry;
    }

    /** The node ordinal of entry {@code entry}; entries are sorted by it. */
    public int nodeOrdinal(int entry) {
        return table().nodeOrdinals()[entry];
    }

    public int scriptId(int entry) {
        return table().scriptIds()[entry];
    }

    public int line(int entry) {
        return table().lines()[entry];
    }

    public int column(int entry) {
        return table().columns()[entry];
    }
}
