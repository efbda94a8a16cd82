package dev.leakdetector.heap.graph;

/** A fixed-size set of edge (or node) ordinals as a bit vector. */
public final class EdgeBits {
    private final long[] words;
    private final int size;

    public EdgeBits(int size) {
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
    }

    public int size() {
        return size;
    }

    public boolean get(int index) {
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    public void set(int index) {
        words[index >>> 6] |= 1L << index;
    }

    public int cardinality() {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
    }
}
