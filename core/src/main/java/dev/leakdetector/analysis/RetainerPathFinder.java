package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.dominators.UserRoots;
import dev.leakdetector.heap.dominators.WeakMapEdgeNames;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntQueue;

import java.util.ArrayList;
import java.util.List;

/**
 * Shortest retainer paths from the GC roots, for every node at once: one breadth-first search
 * that records, for each node, the edge it was first reached by.
 *
 * <p>The search follows DevTools' distance rules, so a path always moves through retainers of
 * decreasing distance, as the Retainers pane does: user roots (the globals) first, then the
 * engine's roots for what is left; weak edges are never followed, and neither is the edge from a
 * WeakMap's table to a value (the key's edge holds it).
 */
public final class RetainerPathFinder {
    /** Paths are trees' branches, so they end; the cap only bounds hostile inputs. */
    private static final int MAX_STEPS = 10_000_000;

    private final HeapSnapshot snapshot;
    private final HeapGraph graph;
    private final int[] parentEdge;

    private RetainerPathFinder(HeapSnapshot snapshot, int[] parentEdge) {
        this.snapshot = snapshot;
        this.graph = snapshot.graph();
        this.parentEdge = parentEdge;
    }

    /**
     * The finder for a snapshot whose graph was searched already (see {@link #search}): the
     * analysis searches while the snapshot's dominators are still being computed.
     */
    public static RetainerPathFinder of(HeapSnapshot snapshot, int[] parentEdges) {
        if (parentEdges.length != snapshot.nodeCount()) {
            throw new IllegalArgumentException("parent edges of another graph: " + parentEdges.length + " for "
                    + snapshot.nodeCount() + " nodes");
        }
        return new RetainerPathFinder(snapshot, parentEdges);
    }

    /**
     * The breadth-first search: per node, the edge it was first reached by, -1 for the root and -2
     * for nodes no root reaches. Needs only the parsed graph's edges and ids, which loading does
     * not change afterwards.
     *
     * @param ephemeronEdges the internal edges whose names mark a WeakMap key/value pair: only
     *                       their names are read, not those of all internal edges (a cache miss per
     *                       node on a large snapshot's name column)
     */
    public static int[] search(HeapGraph graph, EdgeBits ephemeronEdges) {
        int nodeCount = graph.nodeCount();
        int[] parentEdge = new int[nodeCount];
        java.util.Arrays.fill(parentEdge, -2);
        IntQueue queue = new IntQueue(1 << 16);
        int root = graph.rootOrdinal();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        Bfs bfs = new Bfs(graph, ephemeronEdges, parentEdge, queue);

        for (int e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
            int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
            if (UserRoots.isUserRoot(graph, target) && parentEdge[target] == -2) {
                parentEdge[target] = e;
                queue.add(target);
            }
        }
        parentEdge[root] = -1;
        // User roots first, then whatever only the engine's roots reach.
        bfs.run();
        queue.add(root);
        bfs.run();
        return parentEdge;
    }

    private static final class Bfs {
        private final int[] firstEdge;
        private final int[] typeAndTarget;
        private final int[] names;
        private final int[] ids;
        private final int weak;
        private final EdgeBits ephemeronEdges;
        private final WeakMapEdgeNames weakMaps;
        private final int[] parentEdge;
        private final IntQueue queue;

        Bfs(HeapGraph graph, EdgeBits ephemeronEdges, int[] parentEdge, IntQueue queue) {
            this.firstEdge = graph.rawFirstEdge();
            this.typeAndTarget = graph.rawEdgeTypeAndTarget();
            this.names = graph.rawEdgeNameOrIndex();
            this.ids = graph.rawNodeIds();
            this.weak = graph.types().edgeWeak;
            this.ephemeronEdges = ephemeronEdges;
            this.weakMaps = new WeakMapEdgeNames(graph.strings());
            this.parentEdge = parentEdge;
            this.queue = queue;
        }

        void run() {
            while (!queue.isEmpty()) {
                int node = queue.poll();
                for (int e = firstEdge[node], end = firstEdge[node + 1]; e < end; e++) {
                    int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
                    int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                    if (type == weak || parentEdge[target] != -2) {
                        continue;
                    }
                    if (ephemeronEdges.get(e)) {
                        WeakMapEdgeNames.Match match = weakMaps.parse(names[e]);
                        if (match != null && Integer.toUnsignedLong(ids[node]) == match.tableId()) {
                            continue;
                        }
                    }
                    parentEdge[target] = e;
                    queue.add(target);
                }
            }
        }
    }

    /** True when the node has a path from a root (over non-weak edges). */
    public boolean reachable(int nodeOrdinal) {
        return parentEdge[nodeOrdinal] != -2;
    }

    /**
     * The shortest path to a node, root first, with runs of the same step folded; an unreachable
     * node gets a one-step path.
     */
    public RetainerPath pathTo(int nodeOrdinal) {
        java.util.ArrayDeque<RetainerPath.Step> steps = new java.util.ArrayDeque<>();
        steps.addFirst(step(nodeOrdinal, -1, 1));
        int node = nodeOrdinal;
        int runNode = -1;
        int runEdge = -1;
        int run = 0;
        for (int guard = 0; guard < MAX_STEPS && parentEdge[node] >= 0; guard++) {
            int edge = parentEdge[node];
            int source = sourceOf(edge);
            if (source == graph.rootOrdinal()) {
                // The synthetic root says nothing to a reader; paths start at the global or a GC root.
                break;
            }
            if (run > 0 && sameStep(source, edge, runNode, runEdge)) {
                run++;
                runNode = source;
                runEdge = edge;
            } else {
                if (run > 0) {
                    steps.addFirst(step(runNode, runEdge, run));
                }
                runNode = source;
                runEdge = edge;
                run = 1;
            }
            node = source;
        }
        if (run > 0) {
            steps.addFirst(step(runNode, runEdge, run));
        }
        return new RetainerPath(new ArrayList<>(steps));
    }

    /** Two steps look the same: same class, same edge type, same name (any index for elements). */
    private boolean sameStep(int nodeA, int edgeA, int nodeB, int edgeB) {
        if (snapshot.classOf(nodeA) != snapshot.classOf(nodeB) || graph.edgeType(edgeA) != graph.edgeType(edgeB)) {
            return false;
        }
        if (!graph.edgeHasStringName(edgeA)) {
            return true;
        }
        return graph.edgeNameOrIndex(edgeA) == graph.edgeNameOrIndex(edgeB);
    }

    /**
     * The ordinals of the holders of a node, nearest first, along its shortest path; at most
     * {@code count} of them. Cheaper than {@link #pathTo} when only identities are needed.
     */
    public int[] holders(int nodeOrdinal, int count) {
        int[] result = new int[count];
        int n = 0;
        int node = nodeOrdinal;
        while (n < count && parentEdge[node] >= 0) {
            node = sourceOf(parentEdge[node]);
            result[n++] = node;
        }
        return java.util.Arrays.copyOf(result, n);
    }

    /** The edge by which the node was reached, or -1 for the roots and unreachable nodes. */
    public int parentEdge(int nodeOrdinal) {
        return Math.max(-1, parentEdge[nodeOrdinal]);
    }

    /** The node an edge starts from: the node whose edge range holds it. */
    public int sourceOf(int edgeOrdinal) {
        int[] firstEdge = graph.rawFirstEdge();
        int low = 0;
        int high = graph.nodeCount() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (firstEdge[mid] <= edgeOrdinal) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        // Nodes without edges share a first-edge value with their successor; the binary search
        // lands on the last of them, which is the one that owns the edge.
        return low;
    }

    private RetainerPath.Step step(int node, int edge, int repeat) {
        String type = graph.nodeTypeName(node);
        // Synthetic nodes all share the class "(synthetic)"; their own names ("(GC roots)",
        // "(Handle scope)") are what tells a reader where a path starts.
        String className = graph.nodeType(node) == graph.types().nodeSynthetic && !graph.nodeName(node).isEmpty()
                ? graph.nodeName(node) : snapshot.className(node);
        if (edge < 0) {
            return new RetainerPath.Step(className, type, graph.nodeId(node), null, null, repeat);
        }
        return new RetainerPath.Step(className, type, graph.nodeId(node), graph.types().edgeTypeName(graph.edgeType(edge)),
                graph.edgeName(edge), repeat);
    }
}
