package dev.leakdetector.heap.graph;

/**
 * A growable first-in, first-out queue of ints in a ring buffer, for breadth-first searches: it
 * holds one frontier at a time, which in a heap graph is far smaller than the node count that a
 * plain array queue would need.
 */
public final class IntQueue {
    private int[] items;
    private int head;
    private int size;

    public IntQueue(int initialCapacity) {
        items = new int[Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1];
    }

    public void add(int value) {
        if (size == items.length) {
            grow();
        }
        items[(head + size) & (items.length - 1)] = value;
        size++;
    }

    public int poll() {
        int value = items[head];
        head = (head + 1) & (items.length - 1);
        size--;
        return value;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    private void grow() {
        int[] larger = new int[items.length * 2];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, larger, 0, firstPart);
        System.arraycopy(items, 0, larger, firstPart, size - firstPart);
        items = larger;
        head = 0;
    }
}
