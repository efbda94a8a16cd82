package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;

/**
 * Iterative preorder DFS over essential edges, visiting each node's edges in order and
 * descending into the first unvisited target, exactly as DevTools' DFS does. It scans every
 * essential edge of a visited node once: the edge it descends through is marked as a tree edge,
 * every other one counted as a predecessor of its target.
 *
 * <p>A target with no essential edge of its own (40 % of a V8 heap: strings, numbers, code) is a
 * leaf: it lies on no path to another node, so it changes no other node's dominator, and its
 * own is the nearest common ancestor of its predecessors. The DFS does not number it; it keeps
 * the predecessor it came from in {@code number} and marks the leaf if it meets it again. That
 * keeps four of the working arrays to the inner nodes, and the main loops shorter.
 *
 * <p>The numbering that {@link SemiNca} works on: {@code number} holds, per node ordinal, its DFS
 * number, {@link #UNVISITED} or {@link #UNVISITED_LEAF}, or {@link #leafOf} the number of a
 * predecessor for a leaf. Leaves are marked before the DFS, in one pass in ordinal order: the DFS
 * then knows a leaf by its entry in {@code number}, which it reads for every target anyway, instead
 * of reading the leaf's edges, two more cache misses per leaf.
 */
final class SemiNcaDfs {
    /**
     * Marks every node unvisited in {@code number}, the leaves as {@link #UNVISITED_LEAF}, so that the
     * DFS tells a leaf from the one value it reads anyway instead of looking up the leaf's edges, and
     * returns how many nodes get a DFS number when all are reached: the root, and every other node
     * with an essential edge (without one, a node is a leaf wherever the DFS meets it). So the arrays
     * by DFS number have a slot per inner node instead of one per node: 40 % less on a V8 heap.
     */
    static int markUnvisited(int[] firstEdge, EdgeBits essential, int root, int[] number) {
        int count = 0;
        for (int ordinal = 0; ordinal < number.length; ordinal++) {
            boolean inner = ordinal == root || firstEssentialEdge(firstEdge, essential, ordinal) >= 0;
            number[ordinal] = inner ? UNVISITED : UNVISITED_LEAF;
            count += inner ? 1 : 0;
        }
        return count;
    }

    /** The node's first essential edge, or -1 when it has none (a leaf). */
    static int firstEssentialEdge(int[] firstEdge, EdgeBits essential, int node) {
        for (int e = firstEdge[node], end = firstEdge[node + 1]; e < end; e++) {
            if (essential.get(e)) {
                return e;
            }
        }
        return -1;
    }

    /** {@code number} of a node the DFS has not reached. */
    static final int UNVISITED = -1;
    /** {@code number} of a leaf the DFS has not reached; below every {@link #leafOf} value. */
    static final int UNVISITED_LEAF = Integer.MIN_VALUE;

    static boolean unvisited(int number) {
        return number == UNVISITED || number == UNVISITED_LEAF;
    }

    /** {@code number} of a leaf, which keeps the DFS number of one predecessor. */
    static int leafOf(int predNumber) {
        return -2 - predNumber;
    }

    static int predOf(int leafNumber) {
        return -2 - leafNumber;
    }

    private final int[] firstEdge;
    private final int[] typeAndTarget;
    private final EdgeBits essential;
    private final int[] number;
    private final int[] parent;
    private final int[] predCounts;
    private final EdgeBits treeEdges;
    /** The current path, root first: each node, and the next of its edges to look at. */
    private final int[] pathNodes;
    private final int[] pathCursors;
    /** The leaves with more than one predecessor (by node ordinal), or null while there are none. */
    EdgeBits sharedLeaves;
    int leaves;

    SemiNcaDfs(int[] firstEdge, int[] typeAndTarget, EdgeBits essential, int[] number, int[] parent,
               int[] predCounts, EdgeBits treeEdges, int[] pathNodes, int[] pathCursors) {
        this.firstEdge = firstEdge;
        this.typeAndTarget = typeAndTarget;
        this.essential = essential;
        this.number = number;
        this.parent = parent;
        this.predCounts = predCounts;
        this.treeEdges = treeEdges;
        this.pathNodes = pathNodes;
        this.pathCursors = pathCursors;
    }

    /**
     * Numbers from {@code n} on what the root does not reach: each node held only weakly
     * (unvisited, and no essential edge from another unvisited node points at it) becomes a DFS
     * root under the root, as in DevTools.
     */
    int runUnderRoot(int n) {
        EdgeBits retained = retainedByUnvisited();
        for (int ordinal = 0; ordinal < number.length; ordinal++) {
            if (unvisited(number[ordinal]) && !retained.get(ordinal)) {
                n = runUnderRoot(ordinal, n);
            }
        }
        return n;
    }

    /** Nodes that an essential edge from a node not yet visited points at. */
    private EdgeBits retainedByUnvisited() {
        EdgeBits retained = new EdgeBits(number.length);
        for (int source = 0; source < number.length; source++) {
            if (number[source] != UNVISITED) {
                continue; // visited, or a leaf: it has no essential edge
            }
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                if (essential.get(e)) {
                    retained.set(typeAndTarget[e] & HeapGraph.TARGET_MASK);
                }
            }
        }
        return retained;
    }

    /** A node held only weakly, which DevTools makes a DFS root under the root (number 0). */
    private int runUnderRoot(int start, int n) {
        if (number[start] == UNVISITED_LEAF) {
            number[start] = leafOf(0);
            leaves++;
            return n;
        }
        return run(start, 0, n);
    }

    /**
     * Numbers the inner nodes reachable from {@code start} from {@code n} on, and marks the
     * leaves; returns the new count of inner nodes. The start itself is numbered even when it
     * has no essential edge.
     */
    int run(int start, int startParent, int n) {
        number[start] = n;
        parent[n] = startParent;
        n++;
        int depth = 0;
        pathNodes[0] = start;
        pathCursors[0] = firstEdge[start];
        while (depth >= 0) {
            int node = pathNodes[depth];
            int nodeNumber = number[node];
            int end = firstEdge[node + 1];
            int e = pathCursors[depth];
            int next = -1;
            int nextCursor = 0;
            for (; e < end; e++) {
                if (!essential.get(e)) {
                    continue;
                }
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                int targetNumber = number[target];
                if (targetNumber == UNVISITED) {
                    nextCursor = firstEssentialEdge(firstEdge, essential, target);
                    treeEdges.set(e);
                    next = target;
                    break;
                }
                if (targetNumber == UNVISITED_LEAF) {
                    number[target] = leafOf(nodeNumber);
                    leaves++;
                    continue;
                }
                if (targetNumber >= 0) {
                    predCounts[targetNumber]++;
                } else {
                    if (sharedLeaves == null) {
                        sharedLeaves = new EdgeBits(number.length);
                    }
                    sharedLeaves.set(target);
                }
            }
            if (next < 0) {
                depth--;
                continue;
            }
            pathCursors[depth] = e + 1;
            number[next] = n;
            parent[n] = nodeNumber;
            n++;
            depth++;
            pathNodes[depth] = next;
            pathCursors[depth] = nextCursor;
        }
        return n;
    }
}
