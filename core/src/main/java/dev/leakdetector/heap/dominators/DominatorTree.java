package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.Blocks;

/**
 * The dominator tree with child lists, for walking down from a node to what it retains.
 *
 * <p>Children lists are built from the immediate-dominator array in two passes (count, prefix sum,
 * fill), children in ordinal order; the root, which dominates itself, is nobody's child.
 */
public final class DominatorTree {
    private final int[] dominators;
    private final int[] firstChild;
    private final int[] children;
    private final int root;

    private DominatorTree(int[] dominators, int[] firstChild, int[] children, int root) {
        this.dominators = dominators;
        this.firstChild = firstChild;
        this.children = children;
        this.root = root;
    }

    public static DominatorTree build(int[] dominators, int root) {
        int nodeCount = dominators.length;
        int[] firstChild = new int[nodeCount + 1];
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int ordinal = from; ordinal < to; ordinal++) {
                if (ordinal != root) {
                    firstChild[dominators[ordinal]]++;
                }
            }
        });
        // Prefix sums to block ends, then fill each block from its end: blocks end up starting at
        // firstChild[node], without a separate cursor array.
        int slot = 0;
        for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
            slot += firstChild[ordinal];
            firstChild[ordinal] = slot;
        }
        firstChild[nodeCount] = slot;
        int[] children = new int[slot];
        Blocks.descending(nodeCount, (from, to) -> {
            for (int ordinal = to - 1; ordinal >= from; ordinal--) {
                if (ordinal != root) {
                    children[--firstChild[dominators[ordinal]]] = ordinal;
                }
            }
        });
        return new DominatorTree(dominators, firstChild, children, root);
    }

    public int root() {
        return root;
    }

    public int dominator(int nodeOrdinal) {
        return dominators[nodeOrdinal];
    }

    public int firstChild(int nodeOrdinal) {
        return firstChild[nodeOrdinal];
    }

    public int endChild(int nodeOrdinal) {
        return firstChild[nodeOrdinal + 1];
    }

    public int child(int slot) {
        return children[slot];
    }

    public int[] rawDominators() {
        return dominators;
    }
}
