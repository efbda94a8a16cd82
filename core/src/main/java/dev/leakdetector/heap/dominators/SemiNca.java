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
 * loop's memory accesses close together, and needs two fewer node-sized arrays (no buckets).
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
        int root = graph.rootOrdinal();

        // Depth-first numbering from 1; dfnum[ordinal] == 0 means not visited yet.
        int[] dfnum = new int[nodeCount];
        int[] vertex = new int[nodeCount + 1];
        int[] parent = new int[nodeCount + 1];
        progress.onProgress("Dominators: depth-first search", 0, nodeCount);
        IntStack stack = new IntStack(1 << 16);
        int n = dfs(root, 0, 0, firstEdge, typeAndTarget, essential, dfnum, vertex, parent, stack);
        int reachedFromRoot = n;
        int[] essentialRetainers = null;
        if (n < nodeCount) {
            essentialRetainers = countEssentialRetainers(graph, essential);
            for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
                if (dfnum[ordinal] == 0 && essentialRetainers[ordinal] == 0) {
                    n = dfs(ordinal, 1, n, firstEdge, typeAndTarget, essential, dfnum, vertex, parent, stack);
                }
            }
        }
        if (n < nodeCount) {
            return null;
        }
        stack = null;
        essentialRetainers = null;

        // Predecessors over essential edges, in DFS-number space.
        int[] firstPred = new int[nodeCount + 2];
        for (int source = 0; source < nodeCount; source++) {
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e)) {
                    firstPred[dfnum[typeAndTarget[e] & HeapGraph.TARGET_MASK]]++;
                }
            }
        }
        // Prefix sums to block ends, then fill each block from its end: blocks end up starting at
        // firstPred[v], without a separate cursor array.
        int total = 0;
        for (int v = 1; v <= nodeCount; v++) {
            total += firstPred[v];
            firstPred[v] = total;
        }
        firstPred[nodeCount + 1] = total;
        int[] preds = new int[total];
        for (int source = 0; source < nodeCount; source++) {
            int sourceNumber = dfnum[source];
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e)) {
                    preds[--firstPred[dfnum[typeAndTarget[e] & HeapGraph.TARGET_MASK]]] = sourceNumber;
                }
            }
        }
        dfnum = null;

        int[] semi = new int[nodeCount + 1];
        int[] label = new int[nodeCount + 1];
        int[] ancestor = new int[nodeCount + 1];
        for (int v = 1; v <= n; v++) {
            semi[v] = v;
            label[v] = v;
        }
        int[] compressStack = new int[1024];
        progress.onProgress("Dominators: semidominators", 0, n);
        for (int w = n; w >= 2; w--) {
            int from = firstPred[w];
            int to = firstPred[w + 1];
            int s = semi[w];
            if (from == to) {
                s = 1;
            }
            for (int k = from; k < to; k++) {
                int v = preds[k];
                int u;
                if (ancestor[v] == 0) {
                    u = v;
                } else {
                    compressStack = compress(v, ancestor, label, semi, compressStack);
                    u = label[v];
                }
                if (semi[u] < s) {
                    s = semi[u];
                }
            }
            semi[w] = s;
            ancestor[w] = parent[w];
        }
        preds = null;
        firstPred = null;
        ancestor = null;

        // Nearest common ancestor of parent and semidominator, in increasing DFS order.
        int[] idom = label;
        idom[1] = 1;
        for (int w = 2; w <= n; w++) {
            int d = parent[w];
            while (d > semi[w]) {
                d = idom[d];
            }
            idom[w] = d;
        }
        // Back to ordinals: dominators into the semi array, DFS order into vertex, both shifted to 0.
        int[] dominators = semi;
        for (int w = 1; w <= n; w++) {
            dominators[vertex[w]] = vertex[idom[w]];
        }
        for (int w = 1; w <= n; w++) {
            vertex[w - 1] = vertex[w];
        }
        return new LengauerTarjan.Result(java.util.Arrays.copyOf(dominators, nodeCount),
                java.util.Arrays.copyOf(vertex, nodeCount), nodeCount - reachedFromRoot, 0);
    }

    /**
     * Iterative preorder DFS over essential edges, visiting each node's edges in order and
     * descending into the first unvisited target, exactly as DevTools' DFS does. The stack holds
     * (node, next edge) pairs for the nodes on the current path.
     */
    private static int dfs(int start, int startParent, int n, int[] firstEdge, int[] typeAndTarget,
                           EdgeBits essential, int[] dfnum, int[] vertex, int[] parent, IntStack stack) {
        n++;
        dfnum[start] = n;
        vertex[n] = start;
        parent[n] = startParent;
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
                if (dfnum[target] == 0) {
                    next = target;
                    break;
                }
            }
            if (next < 0) {
                stack.pop();
                continue;
            }
            stack.push(e + 1);
            n++;
            dfnum[next] = n;
            vertex[n] = next;
            parent[n] = dfnum[node];
            stack.push(next);
            stack.push(firstEdge[next]);
        }
        return n;
    }

    private static int[] countEssentialRetainers(HeapGraph graph, EdgeBits essential) {
        int[] counts = new int[graph.nodeCount()];
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        for (int e = 0; e < typeAndTarget.length; e++) {
            if (essential.get(e)) {
                counts[typeAndTarget[e] & HeapGraph.TARGET_MASK]++;
            }
        }
        return counts;
    }

    /** Path compression with an explicit stack; returns the (possibly grown) stack. */
    private static int[] compress(int v, int[] ancestor, int[] label, int[] semi, int[] stack) {
        int top = 0;
        while (ancestor[ancestor[v]] != 0) {
            if (++top == stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top] = v;
            v = ancestor[v];
        }
        while (top > 0) {
            int w = stack[top--];
            int a = ancestor[w];
            if (semi[label[a]] < semi[label[w]]) {
                label[w] = label[a];
            }
            ancestor[w] = ancestor[a];
        }
        return stack;
    }
}
