package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.parse.ProgressListener;

/**
 * Immediate dominators by the semi-NCA algorithm: semidominators as in Lengauer–Tarjan (eval and
 * link with path compression), then each immediate dominator as the nearest common ancestor of
 * the DFS parent and the semidominator. L. Georgiadis, R. E. Tarjan, R. F. Werneck, "Finding
 * dominators in practice", JGAA 10(1), 2006, pp. 69–94.
 *
 * <p>It builds the same flowgraph as DevTools (essential edges from the root, plus an edge from the
 * root to each node that only weak references hold), and on a flowgraph dominators are unique, so
 * the result equals DevTools' Lengauer–Tarjan. It works in DFS-number space, which keeps the main
 * loop's memory accesses close together, and needs fewer node-sized arrays (no buckets).
 *
 * <p>Memory is what limits the size of snapshot that fits, so the predecessor lists leave out the
 * DFS tree edges (a node's tree parent seeds its semidominator instead, which gives the same
 * minimum), the DFS counts the other predecessors as it goes, and the results are written into
 * arrays whose first use is over. Nodes with no essential edge of their own (leaves) get no DFS
 * number: their dominator is the nearest common ancestor of their predecessors in the finished
 * tree (the immediate dominator of any node is that of its predecessors; a leaf lies on no path
 * to another node, so it takes no part in the rest). The order it returns lists only the inner
 * nodes: a leaf dominates no other node.
 *
 * <p>One case is not a flowgraph: a cycle of nodes that hold only each other, which nothing reaches.
 * DevTools numbers those nodes one by one under the root and lets Lengauer–Tarjan assign whatever
 * its buckets produce. To stay identical there, {@link #compute} returns null and the caller runs
 * {@link LengauerTarjan}, the exact port.
 */
public final class SemiNca {
    private SemiNca() {
    }

    /** Dominators, or null when some nodes are unreachable even through weak-only roots. */
    public static LengauerTarjan.Result compute(HeapGraph graph, EdgeBits essential, ProgressListener progress) {
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();

        // DFS numbers from 0 (the root) for the inner nodes; UNVISITED or UNVISITED_LEAF, or
        // leafOf(a predecessor's number) for a leaf. Arrays named by DFS number below are indexed by
        // these numbers, not by node ordinals.
        int[] number = new int[nodeCount];
        int innerNodes = SemiNcaDfs.markUnvisited(firstEdge, essential, graph.rootOrdinal(), number);
        int[] parent = new int[innerNodes];
        // Per DFS number, first the count of its predecessors other than its tree parent; later the
        // bounds of its block in preds.
        int[] firstPred = new int[innerNodes + 1];
        EdgeBits treeEdges = new EdgeBits(typeAndTarget.length);
        // The semidominator phase's two arrays by DFS number hold the DFS's path first: a path has at
        // most one node per DFS number, and that phase needs no initial values in them.
        int[] semi = new int[innerNodes];
        int[] ancestor = new int[innerNodes];
        progress.onProgress("Dominators: depth-first search", 0, nodeCount);
        SemiNcaDfs dfs = new SemiNcaDfs(firstEdge, typeAndTarget, essential, number, parent, firstPred, treeEdges,
                semi, ancestor);
        int n = dfs.run(graph.rootOrdinal(), -1, 0);
        int reachedFromRoot = n + dfs.leaves;
        if (reachedFromRoot < nodeCount) {
            n = dfs.runUnderRoot(n);
        }
        if (n + dfs.leaves < nodeCount) {
            return null;
        }
        int innerCount = n;
        EdgeBits sharedLeaves = dfs.sharedLeaves;
        dfs = null;

        int[] preds = predecessors(firstEdge, typeAndTarget, essential, treeEdges, number, firstPred, innerCount);
        treeEdges = null;
        // firstPred now holds each block's start; label[w] moves into it below.
        semidominators(preds, firstPred, parent, semi, ancestor, innerCount, progress);
        preds = null;
        firstPred = null;
        int[] idom = ancestor;
        immediateDominators(parent, semi, idom, innerCount);
        semi = null;
        if (sharedLeaves != null) {
            resolveSharedLeaves(firstEdge, typeAndTarget, essential, sharedLeaves, number, idom);
        }

        // Back to ordinals, into arrays whose first use is over: the inner nodes in DFS order, then
        // the dominators in place of the numbers.
        int[] order = parent;
        int[] dominators = number;
        toOrdinals(number, order, idom, innerCount);
        return new LengauerTarjan.Result(dominators, order, nodeCount - reachedFromRoot, 0);
    }

    // Each pass below is a method of its own: the JIT compiles a loop that runs once together with
    // its whole method, and then again for the next loop of the same method when the first one
    // ends. Apart, each compilation covers one loop.

    /**
     * The predecessor lists by DFS number, other than the tree parent, with the leaves left out:
     * nothing is computed for them until the inner nodes' dominators are known. {@code firstPred}
     * holds the counts on entry and each block's start on return (prefix sums to block ends, then
     * each block filled from its end, which needs no separate cursor array).
     */
    private static int[] predecessors(int[] firstEdge, int[] typeAndTarget, EdgeBits essential, EdgeBits treeEdges,
                                      int[] number, int[] firstPred, int innerCount) {
        int total = 0;
        for (int v = 0; v < innerCount; v++) {
            total += firstPred[v];
            firstPred[v] = total;
        }
        firstPred[innerCount] = total;
        int[] preds = new int[total];
        for (int source = 0; source < number.length; source++) {
            int sourceNumber = number[source];
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e) && !treeEdges.get(e)) {
                    int targetNumber = number[typeAndTarget[e] & HeapGraph.TARGET_MASK];
                    if (targetNumber >= 0) {
                        preds[--firstPred[targetNumber]] = sourceNumber;
                    }
                }
            }
        }
        return preds;
    }

    /**
     * Semidominators in decreasing DFS order. A vertex is linked into the forest once processed,
     * so "v > w" is what Lengauer–Tarjan tests as "ancestor[v] != 0", and semi and label need no
     * initial values (semi and ancestor still hold the DFS's last path): they are read only for
     * linked vertices. Once w is processed, its block end firstPred[w + 1] is never read again,
     * so label[w] is kept there: one array fewer.
     */
    private static void semidominators(int[] preds, int[] firstPred, int[] parent, int[] semi, int[] ancestor,
                                       int innerCount, ProgressListener progress) {
        int[] labels = firstPred;
        int[] compressStack = new int[1024];
        progress.onProgress("Dominators: semidominators", 0, innerCount);
        for (int w = innerCount - 1; w >= 1; w--) {
            int s = parent[w];
            for (int k = firstPred[w], to = firstPred[w + 1]; k < to; k++) {
                int v = preds[k];
                int candidate;
                if (v < w) {
                    candidate = v;
                } else {
                    if (ancestor[v] > w) {
                        compressStack = compress(v, w, ancestor, labels, semi, compressStack);
                    }
                    candidate = semi[labels[v + 1]];
                }
                if (candidate < s) {
                    s = candidate;
                }
            }
            semi[w] = s;
            labels[w + 1] = w;
            ancestor[w] = parent[w];
        }
    }

    /** Nearest common ancestor of parent and semidominator, in increasing DFS order, into {@code idom}. */
    private static void immediateDominators(int[] parent, int[] semi, int[] idom, int innerCount) {
        idom[0] = 0;
        for (int w = 1; w < innerCount; w++) {
            int d = parent[w];
            while (d > semi[w]) {
                d = idom[d];
            }
            idom[w] = d;
        }
    }

    /**
     * A leaf's dominator is the nearest common ancestor of its predecessors. The DFS kept the first
     * in number[leaf] and marked the leaves that have more: few, but a few of those (the undefined
     * value, the empty string) are held by millions of objects, too many to list. One pass over the
     * essential edges finds their other predecessors.
     */
    private static void resolveSharedLeaves(int[] firstEdge, int[] typeAndTarget, EdgeBits essential,
                                            EdgeBits sharedLeaves, int[] number, int[] idom) {
        for (int source = 0; source < number.length; source++) {
            int sourceNumber = number[source];
            if (sourceNumber < 0) {
                continue;
            }
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (essential.get(e) && sharedLeaves.get(target)) {
                    int dominator = SemiNcaDfs.predOf(number[target]);
                    if (dominator != 0) {
                        number[target] = SemiNcaDfs.leafOf(nearestCommonAncestor(dominator, sourceNumber, idom));
                    }
                }
            }
        }
    }

    /**
     * Fills {@code order} with the inner nodes in DFS order, then turns {@code number} into the
     * dominators by ordinal: the leaves' first (their entries hold the number of their dominator,
     * the inner nodes' entries their own).
     */
    private static void toOrdinals(int[] number, int[] order, int[] idom, int innerCount) {
        for (int ordinal = 0; ordinal < number.length; ordinal++) {
            int v = number[ordinal];
            if (v >= 0) {
                order[v] = ordinal;
            }
        }
        int[] dominators = number;
        for (int ordinal = 0; ordinal < number.length; ordinal++) {
            int v = number[ordinal];
            if (v < 0) {
                dominators[ordinal] = order[SemiNcaDfs.predOf(v)];
            }
        }
        for (int w = 0; w < innerCount; w++) {
            dominators[order[w]] = order[idom[w]];
        }
    }

    /** In DFS numbers, where a dominator's number is below the numbers of all it dominates. */
    private static int nearestCommonAncestor(int a, int b, int[] idom) {
        while (a != b) {
            if (a > b) {
                a = idom[a];
            } else {
                b = idom[b];
            }
        }
        return a;
    }

    /**
     * Path compression with an explicit stack while processing {@code w}; returns the (possibly
     * grown) stack. A vertex is linked when its number is above {@code w}; the label of vertex x is
     * {@code labels[x + 1]}.
     */
    private static int[] compress(int v, int w, int[] ancestor, int[] labels, int[] semi, int[] stack) {
        int top = 0;
        while (ancestor[v] > w) {
            if (++top == stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top] = v;
            v = ancestor[v];
        }
        while (top > 0) {
            int x = stack[top--];
            int a = ancestor[x];
            if (semi[labels[a + 1]] < semi[labels[x + 1]]) {
                labels[x + 1] = labels[a + 1];
            }
            ancestor[x] = ancestor[a];
        }
        return stack;
    }
}
