package dev.leakdetector.heap.graph;

/**
 * The reverse-edge index: for each node, the edges that point at it (its retainers).
 *
 * <p>Built in two passes over the forward edges, as DevTools and memlab do: count the edges per
 * target, prefix-sum the counts into {@code firstRetainer}, then fill. An optional edge filter
 * keeps only some edges (the dominator computation needs only the essential ones), and the edge
 * ordinals can be left out when only the retaining nodes matter, which halves the memory.
 */
public final class ReverseEdges {
    private final int[] firstRetainer;
    private final int[] retainingNodes;
    private final int[] retainingEdges;

    private ReverseEdges(int[] firstRetainer, int[] retainingNodes, int[] retainingEdges) {
        this.firstRetainer = firstRetainer;
        this.retainingNodes = retainingNodes;
        this.retainingEdges = retainingEdges;
    }

    /**
     * @param filter        edges to include, or null for all
     * @param withEdges     also record the retaining edge's ordinal
     */
    public static ReverseEdges build(HeapGraph graph, EdgeBits filter, boolean withEdges) {
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int edgeCount = typeAndTarget.length;
        int[] firstRetainer = new int[nodeCount + 1];

        for (int e = 0; e < edgeCount; e++) {
            if (filter == null || filter.get(e)) {
                firstRetainer[typeAndTarget[e] & HeapGraph.TARGET_MASK]++;
            }
        }
        int[] retainingNodes;
        int total = 0;
        for (int n = 0; n < nodeCount; n++) {
            total += firstRetainer[n];
        }
        retainingNodes = new int[total];
        // Prefix sums; each node's first slot temporarily holds its count, which the fill below
        // counts down, so no extra per-node cursor array is needed.
        int slot = 0;
        for (int n = 0; n < nodeCount; n++) {
            int count = firstRetainer[n];
            firstRetainer[n] = slot;
            if (count > 0) {
                retainingNodes[slot] = count;
            }
            slot += count;
        }
        firstRetainer[nodeCount] = total;

        int[] retainingEdges = withEdges ? new int[total] : null;
        for (int source = 0; source < nodeCount; source++) {
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (filter == null || filter.get(e)) {
                    int first = firstRetainer[typeAndTarget[e] & HeapGraph.TARGET_MASK];
                    int target = first + (--retainingNodes[first]);
                    retainingNodes[target] = source;
                    if (retainingEdges != null) {
                        retainingEdges[target] = e;
                    }
                }
            }
        }
        return new ReverseEdges(firstRetainer, retainingNodes, retainingEdges);
    }

    public int firstRetainer(int nodeOrdinal) {
        return firstRetainer[nodeOrdinal];
    }

    public int retainerCount(int nodeOrdinal) {
        return firstRetainer[nodeOrdinal + 1] - firstRetainer[nodeOrdinal];
    }

    /** The ordinal of the node holding retainer slot {@code retainerIndex}. */
    public int retainingNode(int retainerIndex) {
        return retainingNodes[retainerIndex];
    }

    /** The ordinal of the edge in retainer slot {@code retainerIndex}; only when built with edges. */
    public int retainingEdge(int retainerIndex) {
        return retainingEdges[retainerIndex];
    }

    public int[] rawFirstRetainer() {
        return firstRetainer;
    }

    public int[] rawRetainingNodes() {
        return retainingNodes;
    }
}
