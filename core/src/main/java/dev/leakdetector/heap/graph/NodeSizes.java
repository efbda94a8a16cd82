package dev.leakdetector.heap.graph;

import java.util.Arrays;

/**
 * Per-node sizes (self or retained) as {@code long} bytes, stored in an {@code int[]} with a side
 * table.
 *
 * <p>V8 writes {@code self_size} as a 48-bit value (a 5 GiB ArrayBuffer backing store is real), and
 * the nodes near the root of a large heap retain more than 2 GiB, but almost every node is far
 * below that. Keeping an {@code int} per node and spilling the rare large values into a side table
 * saves 4 bytes per node against a {@code long[]}, which matters at 10⁸ nodes. A negative slot
 * value {@code -1-k} points at {@code large[k]}.
 */
public final class NodeSizes {
    private final int[] small;
    private long[] large = new long[0];
    private int largeCount;

    public NodeSizes(int nodeCount) {
        this.small = new int[nodeCount];
    }

    public int size() {
        return small.length;
    }

    public long get(int nodeOrdinal) {
        int value = small[nodeOrdinal];
        return value >= 0 ? value : large[-1 - value];
    }

    public void set(int nodeOrdinal, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for node " + nodeOrdinal);
        }
        int current = small[nodeOrdinal];
        if (current < 0) {
            large[-1 - current] = size;
        } else if (size <= Integer.MAX_VALUE) {
            small[nodeOrdinal] = (int) size;
        } else {
            spill(nodeOrdinal, size);
        }
    }

    public void add(int nodeOrdinal, long delta) {
        set(nodeOrdinal, get(nodeOrdinal) + delta);
    }

    private synchronized void spill(int nodeOrdinal, long size) {
        if (largeCount == large.length) {
            large = Arrays.copyOf(large, Math.max(8, large.length * 2));
        }
        large[largeCount] = size;
        small[nodeOrdinal] = -1 - largeCount;
        largeCount++;
    }

    /** A copy, so that one snapshot's re-attributed sizes never leak into another view. */
    public NodeSizes copy() {
        NodeSizes copy = new NodeSizes(0, small.clone(), large.clone(), largeCount);
        return copy;
    }

    private NodeSizes(int unused, int[] small, long[] large, int largeCount) {
        this.small = small;
        this.large = large;
        this.largeCount = largeCount;
    }

    /** Sum of all sizes. */
    public long total() {
        long sum = 0;
        for (int i = 0; i < small.length; i++) {
            sum += get(i);
        }
        return sum;
    }
}
