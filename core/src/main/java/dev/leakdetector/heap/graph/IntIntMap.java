package dev.leakdetector.heap.graph;

import java.util.Arrays;

/**
 * A map from non-negative int keys to int values, with open addressing and linear probing.
 *
 * <p>For per-node lookups keyed by a string index where few distinct keys occur (class names, object
 * names): a table sized by the keys present stays in the cache, where an array indexed by every
 * string of the snapshot (millions) would not, and would cost megabytes of fresh memory besides.
 */
public final class IntIntMap {
    private static final int EMPTY = -1;

    private int[] keys;
    private int[] values;
    private int size;

    public IntIntMap() {
        keys = new int[64];
        values = new int[64];
        Arrays.fill(keys, EMPTY);
    }

    /** The value for {@code key}, or {@code missing}. */
    public int get(int key, int missing) {
        int mask = keys.length - 1;
        for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return missing;
            }
        }
    }

    public void put(int key, int value) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                values[slot] = value;
                size++;
                return;
            }
        }
    }

    public int size() {
        return size;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int slot = 0; slot < oldKeys.length; slot++) {
            if (oldKeys[slot] != EMPTY) {
                put(oldKeys[slot], oldValues[slot]);
            }
        }
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
