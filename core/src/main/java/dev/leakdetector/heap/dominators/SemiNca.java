package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;
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
 * arrays whose first use is over.
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

        // DFS numbers from 0 (the root); -1 means not visited yet. Arrays named by DFS number below
        // are indexed by these numbers, not by node ordinals.
        int[] number = new int[nodeCount];
        java.util.Arrays.fill(number, -1);
        int[] parent = new int[nodeCount];
        // Per DFS number, first the count of its predecessors other than its tree parent; later the
        // bounds of its block in preds.
        int[] firstPred = new int[nodeCount + 1];
        EdgeBits treeEdges = new EdgeBits(typeAndTarget.length);
        progress.onProgress("Dominators: depth-first search", 0, nodeCount);
        Dfs dfs = new Dfs(firstEdge, typeAndTarget, essential, number, parent, firstPred, treeEdges);
        int n = dfs.run(graph.rootOrdinal(), -1, 0);
        int reachedFromRoot = n;
        if (n < nodeCount) {
            EdgeBits retained = retainedByUnvisited(graph, essential, number);
            for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
                if (number[ordinal] < 0 && !retained.get(ordinal)) {
                    // Held only weakly: DevTools makes it a DFS root under the root.
                    n = dfs.run(ordinal, 0, n);
                }
            }
        }
        if (n < nodeCount) {
            return null;
        }
        dfs = null;

        // Prefix sums to block ends, then fill each block from its end: blocks end up starting at
        // firstPred[v], without a separate cursor array.
        int total = 0;
        for (int v = 0; v < nodeCount; v++) {
            total += firstPred[v];
            firstPred[v] = total;
        }
        firstPred[nodeCount] = total;
        int[] preds = new int[total];
        for (int source = 0; source < nodeCount; source++) {
            int sourceNumber = number[source];
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e) && !treeEdges.get(e)) {
                    preds[--firstPred[number[typeAndTarget[e] & HeapGraph.TARGET_MASK]]] = sourceNumber;
                }
            }
        }
        treeEdges = null;

        // Semidominators in decreasing DFS order. A vertex is linked into the forest once processed,
        // so "v > w" is what Lengauer–Tarjan tests as "ancestor[v] != 0", and semi and label need no
        // initial values: they are read only for linked vertices. Once w is processed, its block
        // end firstPred[w + 1] is never read again, so label[w] is kept there: one array fewer.
        int[] semi = new int[nodeCount];
        int[] ancestor = new int[nodeCount];
        int[] labels = firstPred;
        int[] compressStack = new int[1024];
        progress.onProgress("Dominators: semidominators", 0, n);
        for (int w = n - 1; w >= 1; w--) {
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
        preds = null;
        firstPred = null;
        labels = null;

        // Nearest common ancestor of parent and semidominator, in increasing DFS order.
        int[] idom = ancestor;
        idom[0] = 0;
        for (int w = 1; w < n; w++) {
            int d = parent[w];
            while (d > semi[w]) {
                d = idom[d];
            }
            idom[w] = d;
        }
        parent = null;

        // Back to ordinals, into arrays whose first use is over.
        int[] dfsOrder = semi;
        for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
            dfsOrder[number[ordinal]] = ordinal;
        }
        int[] dominators = number;
        for (int w = 0; w < n; w++) {
            dominators[dfsOrder[w]] = dfsOrder[idom[w]];
        }
        return new LengauerTarjan.Result(dominators, dfsOrder, nodeCount - reachedFromRoot, 0);
    }

    /**
     * Iterative preorder DFS over essential edges, visiting each node's edges in order and
     * descending into the first unvisited target, exactly as DevTools' DFS does. It scans every
     * essential edge of a visited node once: the edge it descends through is marked as a tree edge,
     * every other one counted as a predecessor of its target.
     */
    private static final class Dfs {
        private final int[] firstEdge;
        private final int[] typeAndTarget;
        private final EdgeBits essential;
        private final int[] number;
        private final int[] parent;
        private final int[] predCounts;
        private final EdgeBits treeEdges;
        /** (node, next edge) pairs for the nodes on the current path. */
        private final IntStack stack = new IntStack(1 << 16);

        Dfs(int[] firstEdge, int[] typeAndTarget, EdgeBits essential, int[] number, int[] parent, int[] predCounts,
            EdgeBits treeEdges) {
            this.firstEdge = firstEdge;
            this.typeAndTarget = typeAndTarget;
            this.essential = essential;
            this.number = number;
            this.parent = parent;
            this.predCounts = predCounts;
            this.treeEdges = treeEdges;
        }

        /** Numbers the nodes reachable from {@code start} from {@code n} on; returns the new count. */
        int run(int start, int startParent, int n) {
            number[start] = n;
            parent[n] = startParent;
            n++;
            stack.push(start);
            stack.push(firstEdge[start]);
            while (!stack.isEmpty()) {
                int cursor = stack.pop();
                int node = stack.peek();
                int end = firstEdge[node + 1];
                int e = cursor;
                int next = -1;
                for (; e < end; e++) {
                    if (!essential.get(e)) {
                        continue;
                    }
                    int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                    int targetNumber = number[target];
                    if (targetNumber < 0) {
                        treeEdges.set(e);
                        next = target;
                        break;
                    }
                    predCounts[targetNumber]++;
                }
                if (next < 0) {
                    stack.pop();
                    continue;
                }
                stack.push(e + 1);
                number[next] = n;
                parent[n] = number[node];
                n++;
                stack.push(next);
                stack.push(firstEdge[next]);
            }
            return n;
        }
    }

    /** Nodes that an essential edge from a node not yet visited points at. */
    private static EdgeBits retainedByUnvisited(HeapGraph graph, EdgeBits essential, int[] number) {
        EdgeBits retained = new EdgeBits(graph.nodeCount());
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        for (int source = 0; source < graph.nodeCount(); source++) {
            if (number[source] >= 0) {
                continue;
            }
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e)) {
                    retained.set(typeAndTarget[e] & HeapGraph.TARGET_MASK);
                }
            }
        }
        return retained;
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
