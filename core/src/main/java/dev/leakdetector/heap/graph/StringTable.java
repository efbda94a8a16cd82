package dev.leakdetector.heap.graph;

import java.util.Arrays;

/**
 * The snapshot's {@code strings} section, indexable by the name fields of nodes and edges.
 *
 * <p>Like DevTools, later steps append strings (the {@code Detached …} names, class names such as
 * {@code (system)} or {@code {a, b}}); appended strings get new indexes and never change old ones.
 * Appending is synchronized and the array is published through a volatile field, so other threads
 * may keep reading the strings they already know while one thread appends.
 */
public final class StringTable {
    private volatile String[] strings;
    private volatile int size;

    public StringTable(String[] strings, int size) {
        this.strings = strings;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public String get(int index) {
        // Size first: its volatile write follows the array's, so the array read next holds the index.
        int count = size;
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("string index " + index + " of " + count);
        }
        return strings[index];
    }

    /** Appends a string and returns its new index. Callers deduplicate where they need to. */
    public synchronized int add(String value) {
        String[] current = strings;
        int index = size;
        if (index == current.length) {
            current = Arrays.copyOf(current, Math.max(16, index + (index >> 1)));
        }
        current[index] = value;
        strings = current;
        size = index + 1;
        return index;
    }

    /** The first index holding exactly {@code value}, or -1. Linear: for rare lookups only. */
    public int indexOf(String value) {
        int count = size;
        String[] current = strings;
        for (int i = 0; i < count; i++) {
            if (current[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }
}
