package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;

/**
 * Retained sizes from the dominator tree: a node's retained size is its own size plus the retained
 * sizes of the nodes it immediately dominates. Summed in reverse DFS order, which visits every node
 * before its dominator, after the nodes that order leaves out (they dominate nothing). Sizes are
 * {@code long}, kept as {@link NodeSizes} (an {@code int} per node; only sizes above 2 GiB, near the
 * root, take more); the root's retained size is the sum of all self sizes, which tests use as an
 * invariant.
 */
public final class RetainedSizes {
    private RetainedSizes() {
    }

    public static NodeSizes compute(HeapGraph graph, LengauerTarjan.Result tree) {
        int nodeCount = graph.nodeCount();
        NodeSizes retained = graph.selfSizes().copy();
        int[] order = tree.dfsOrder();
        int[] dominators = tree.dominators();
        if (order.length < nodeCount) {
            // The nodes the order leaves out dominate nothing: their sizes are final already.
            EdgeBits listed = new EdgeBits(nodeCount);
            Blocks.ascending(order.length, (from, to) -> {
                for (int k = from; k < to; k++) {
                    listed.set(order[k]);
                }
            });
            Blocks.ascending(nodeCount, (from, to) -> {
                for (int ordinal = from; ordinal < to; ordinal++) {
                    if (!listed.get(ordinal)) {
                        retained.add(dominators[ordinal], retained.get(ordinal));
                    }
                }
            });
        }
        // Every node before its dominator: the order's first entry is the root, which has none.
        Blocks.descending(order.length, (from, to) -> {
            for (int k = to - 1; k >= Math.max(from, 1); k--) {
                int ordinal = order[k];
                retained.add(dominators[ordinal], retained.get(ordinal));
            }
        });
        return retained;
    }
}
