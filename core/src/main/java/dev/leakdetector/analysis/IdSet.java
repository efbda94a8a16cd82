package dev.leakdetector.analysis;

/**
 * A set of V8 object ids (unsigned 32-bit values, never 0) in one open-addressing int table.
 *
 * <p>Millions of ids take a few bytes each here, where a {@code HashSet<Integer>} would take about
 * fifty. Used to ask "did this object exist in the other snapshot?" for every node of a snapshot.
 */
public final class IdSet {
    private final int[] table;
    private final int mask;
    private int size;

    public IdSet(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        table = new int[capacity];
        mask = capacity - 1;
    }

    public void add(int id) {
        if (id == 0) {
            throw new IllegalArgumentException("id 0 is not a V8 object id");
        }
        int slot = mix(id) & mask;
        while (true) {
            int current = table[slot];
            if (current == id) {
                return;
            }
            if (current == 0) {
                table[slot] = id;
                size++;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    public boolean contains(int id) {
        int slot = mix(id) & mask;
        while (true) {
            int current = table[slot];
            if (current == id) {
                return true;
            }
            if (current == 0) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    /** Spreads consecutive ids (V8 hands them out in steps of two) over the table. */
    private static int mix(int id) {
        int h = id * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
