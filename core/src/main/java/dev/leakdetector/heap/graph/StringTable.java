package dev.leakdetector.heap.graph;

import java.util.Arrays;

/**
 * The snapshot's {@code strings} section, indexable by the name fields of nodes and edges.
 *
 * <p>Like DevTools, later steps append strings (the {@code Detached …} names, class names such as
 * {@code (system)} or {@code {a, b}}); appended strings get new indexes and never change old ones.
 */
public final class StringTable {
    private String[] strings;
    private int size;

    public StringTable(String[] strings, int size) {
        this.strings = strings;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("string index " + index + " of " + size);
        }
        return strings[index];
    }

    /** Appends a string and returns its new index. Callers deduplicate where they need to. */
    public int add(String value) {
        if (size == strings.length) {
            strings = Arrays.copyOf(strings, Math.max(16, size + (size >> 1)));
        }
        strings[size] = value;
        return size++;
    }

    /** The first index holding exactly {@code value}, or -1. Linear: for rare lookups only. */
    public int indexOf(String value) {
        for (int i = 0; i < size; i++) {
            if (strings[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }
}
