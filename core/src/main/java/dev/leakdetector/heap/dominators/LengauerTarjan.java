package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.ReverseEdges;
import dev.leakdetector.heap.parse.ProgressListener;

/**
 * Immediate dominators by the algorithm of Lengauer and Tarjan, with simple eval/link and path
 * compression: T. Lengauer, R. E. Tarjan, "A fast algorithm for finding dominators in a
 * flowgraph", ACM TOPLAS 1(1), 1979, pp. 121–141.
 *
 * <p>It follows DevTools' {@code calculateDominatorsAndRetainedSizes} ({@code HeapSnapshot.ts})
 * step by step so that results match it node for node, including for nodes the root cannot
 * reach: after the DFS from the root, every unvisited node with no essential retainer becomes a
 * DFS root under the root (a node held only weakly), and any node still unvisited (a cycle that
 * only holds itself) is numbered alone under the root. Every node thus gets a dominator.
 *
 * <p>Vertices are ordinal + 1, so that 0 means "none". Both the DFS and path compression use
 * explicit stacks. To save memory, the bucket links share their array with the dominators: a
 * vertex's bucket link is dead by the time its dominator is written.
 */
public final class LengauerTarjan {

    /**
     * The dominator tree.
     *
     * @param dominators the immediate dominator's ordinal per node ordinal (the root dominates itself)
     * @param dfsOrder   node ordinals in DFS preorder, so each after its dominator: every node here;
     *                   {@link SemiNca} leaves out the nodes with no essential edge, which dominate
     *                   no other node
     * @param unreachableFromRoot how many nodes the DFS from the root did not reach
     * @param stillUnreachable    how many of those not even a weakly held node reached (cycles that
     *                            only hold themselves)
     */
    public record Result(int[] dominators, int[] dfsOrder, int unreachableFromRoot, int stillUnreachable) {
    }

    private LengauerTarjan() {
    }

    public static Result compute(HeapGraph graph, EdgeBits essential, ReverseEdges essentialRetainers,
                                 ProgressListener progress) {
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int[] firstRetainer = essentialRetainers.rawFirstRetainer();
        int[] retainingNodes = essentialRetainers.rawRetainingNodes();
        int length = nodeCount + 1;

        int[] semi = new int[length];
        int[] vertex = new int[length];
        int[] parent = new int[length];
        int[] label = new int[length];
        int[] nextEdge = new int[length];
        int r = graph.rootOrdinal() + 1;

        progress.onProgress("Dominators: depth-first search", 0, nodeCount);
        int n = dfs(r, 0, firstEdge, typeAndTarget, essential, semi, vertex, parent, label, nextEdge);
        int reachedFromRoot = n;
        if (n < nodeCount) {
            for (int v = 1; v <= nodeCount; v++) {
                int ordinal = v - 1;
                if (semi[v] == 0 && firstRetainer[ordinal] == firstRetainer[ordinal + 1]) {
                    parent[v] = r;
                    n = dfs(v, n, firstEdge, typeAndTarget, essential, semi, vertex, parent, label, nextEdge);
                }
            }
        }
        int reachedThroughWeakRoots = n;
        if (n < nodeCount) {
            for (int v = 1; v <= nodeCount; v++) {
                if (semi[v] == 0) {
                    parent[v] = r;
                    semi[v] = ++n;
                    vertex[n] = v;
                    label[v] = v;
                }
            }
        }

        // The DFS cursor array is free now; it becomes the bucket links, and later the dominators.
        int[] bucketNextAndDom = nextEdge;
        java.util.Arrays.fill(bucketNextAndDom, 0);
        int[] bucketHead = new int[length];
        int[] ancestor = new int[length];
        Compressor compressor = new Compressor(ancestor, label, semi);

        progress.onProgress("Dominators: semidominators", 0, n);
        for (int i = n; i >= 2; i--) {
            int w = vertex[i];
            int wOrdinal = w - 1;
            int from = firstRetainer[wOrdinal];
            int to = firstRetainer[wOrdinal + 1];
            if (from == to) {
                // A node held only weakly: treat the root as its single predecessor.
                semi[w] = semi[r];
            }
            for (int k = from; k < to; k++) {
                int v = retainingNodes[k] + 1;
                int u = compressor.eval(v);
                if (semi[u] < semi[w]) {
                    semi[w] = semi[u];
                }
            }
            int s = vertex[semi[w]];
            bucketNextAndDom[w] = bucketHead[s];
            bucketHead[s] = w;
            int p = parent[w];
            ancestor[w] = p;
            int v = bucketHead[p];
            bucketHead[p] = 0;
            while (v != 0) {
                int next = bucketNextAndDom[v];
                int u = compressor.eval(v);
                bucketNextAndDom[v] = semi[u] < semi[v] ? u : p;
                v = next;
            }
            if ((i & 0xFFFFF) == 0) {
                progress.onProgress("Dominators: semidominators", n - i, n);
            }
        }
        // Vertices left in a bucket never got a dominator; DevTools leaves them at 0, which the
        // final pass turns into the root.
        for (int x = 1; x <= nodeCount; x++) {
            int v = bucketHead[x];
            while (v != 0) {
                int next = bucketNextAndDom[v];
                bucketNextAndDom[v] = 0;
                v = next;
            }
        }
        bucketHead = null;
        ancestor = null;
        compressor = null;
        label = null;
        parent = null;

        int[] dom = bucketNextAndDom;
        dom[0] = r;
        dom[r] = r;
        for (int i = 2; i <= n; i++) {
            int w = vertex[i];
            if (dom[w] != vertex[semi[w]]) {
                dom[w] = dom[dom[w]];
            }
        }
        semi = null;

        // Shift both arrays from vertex numbers to ordinals, in place.
        for (int ordinal = 0; ordinal < nodeCount; ordinal++) {
            dom[ordinal] = dom[ordinal + 1] - 1;
        }
        for (int k = 0; k < nodeCount; k++) {
            vertex[k] = vertex[k + 1] - 1;
        }
        return new Result(java.util.Arrays.copyOf(dom, nodeCount), java.util.Arrays.copyOf(vertex, nodeCount),
                nodeCount - reachedFromRoot, nodeCount - reachedThroughWeakRoots);
    }

    /** Iterative DFS over essential edges, numbering vertices in preorder; returns the new count. */
    private static int dfs(int root, int n, int[] firstEdge, int[] typeAndTarget, EdgeBits essential,
                           int[] semi, int[] vertex, int[] parent, int[] label, int[] nextEdge) {
        nextEdge[root] = firstEdge[root - 1];
        int v = root;
        while (v != 0) {
            if (semi[v] == 0) {
                semi[v] = ++n;
                vertex[n] = v;
                label[v] = v;
            }
            int vNext = parent[v];
            int end = firstEdge[v];
            int e = nextEdge[v];
            for (; e < end; e++) {
                if (!essential.get(e)) {
                    continue;
                }
                int w = (typeAndTarget[e] & HeapGraph.TARGET_MASK) + 1;
                if (semi[w] == 0) {
                    parent[w] = v;
                    nextEdge[w] = firstEdge[w - 1];
                    vNext = w;
                    break;
                }
            }
            // On return to v, the scan resumes at the edge that led to w, as in DevTools.
            nextEdge[v] = e;
            v = vNext;
        }
        return n;
    }

    /** eval() with path compression over the link forest, using an explicit, growable stack. */
    private static final class Compressor {
        private final int[] ancestor;
        private final int[] label;
        private final int[] semi;
        private int[] stack = new int[1024];

        Compressor(int[] ancestor, int[] label, int[] semi) {
            this.ancestor = ancestor;
            this.label = label;
            this.semi = semi;
        }

        int eval(int v) {
            if (ancestor[v] == 0) {
                return v;
            }
            compress(v);
            return label[v];
        }

        private void compress(int v) {
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
                if (semi[label[ancestor[w]]] < semi[label[w]]) {
                    label[w] = label[ancestor[w]];
                }
                ancestor[w] = ancestor[ancestor[w]];
            }
        }
    }
}
