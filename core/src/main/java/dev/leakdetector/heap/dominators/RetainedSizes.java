package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.HeapGraph;

/**
 * Retained sizes from the dominator tree: a node's retained size is its own size plus the retained
 * sizes of the nodes it immediately dominates. Summed in reverse DFS order, which visits every node
 * before its dominator. Sizes are {@code long}; the root's retained size is the sum of all self
 * sizes, which tests use as an invariant.
 */
public final class RetainedSizes {
    private RetainedSizes() {
    }

    public static long[] compute(HeapGraph graph, LengauerTarjan.Result tree) {
        int nodeCount = graph.nodeCount();
        long[] retained = new long[nodeCount];
        for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
            retained[ordinal] = graph.selfSize(ordinal);
        }
        int[] order = tree.dfsOrder();
        int[] dominators = tree.dominators();
        for (int k = nodeCount - 1; k >= 1; k--) {
            int ordinal = order[k];
            retained[dominators[ordinal]] += retained[ordinal];
        }
        return retained;
    }
}
