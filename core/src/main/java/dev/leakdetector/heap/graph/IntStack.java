package dev.leakdetector.heap.graph;

import java.util.Arrays;

/** A growable stack of ints, for the explicit stacks that replace recursion over the graph. */
public final class IntStack {
    private int[] items;
    private int size;

    public IntStack(int initialCapacity) {
        items = new int[Math.max(16, initialCapacity)];
    }

    public void push(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, items.length + (items.length >> 1) + 16);
        }
        items[size++] = value;
    }

    public int pop() {
        return items[--size];
    }

    public int peek() {
        return items[size - 1];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }
}
