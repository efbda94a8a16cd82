package dev.leakdetector.heap.paths;

import dev.leakdetector.heap.dominators.EssentialEdges;
import dev.leakdetector.heap.dominators.UserRoots;
import dev.leakdetector.heap.dominators.WeakMapEdgeNames;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntQueue;

/**
 * Distances from the GC roots, as DevTools computes them ({@code calculateDistances}): breadth-first
 * over non-weak edges, first from the user roots (the globals, at distance 1), then from the root
 * for whatever is left, offset by {@link #SYSTEM_DISTANCE} so that objects reachable only through
 * engine roots stand apart. Unreached nodes get {@link #UNREACHABLE}.
 *
 * <p>The traversal skips the same edges DevTools skips: a native context's
 * {@code sloppy_function_map}, the descriptor links in {@code (map descriptors)} arrays
 * (crbug.com/413608), and the first of the two edges V8 writes to a WeakMap value, so the value's
 * distance comes from the later of its key and table (crbug.com/1290800).
 *
 * <p>The WeakMap edges come as a bit set found with the essential edges: looking at the name of
 * every internal edge here would cost a cache miss per node on the 160 MB name column of a 1 GB
 * snapshot.
 */
public final class Distances {
    public static final int SYSTEM_DISTANCE = 100_000_000;
    public static final int UNREACHABLE = -5;

    private Distances() {
    }

    /** @param ephemerons both internal edges of each WeakMap key/value pair, as {@link EssentialEdges} finds them */
    public static int[] compute(HeapGraph graph, EdgeBits ephemerons) {
        int nodeCount = graph.nodeCount();
        int[] distances = new int[nodeCount];
        java.util.Arrays.fill(distances, UNREACHABLE);
        IntQueue queue = new IntQueue(1 << 16);
        int root = graph.rootOrdinal();
        Filter filter = new Filter(graph, ephemerons);

        int userRoots = 0;
        for (int e = graph.firstEdge(root); e < graph.firstEdge(root + 1); e++) {
            int target = graph.edgeTarget(e);
            if (UserRoots.isUserRoot(graph, target) && userRoots < nodeCount) {
                distances[target] = 1;
                queue.add(target);
                userRoots++;
            }
        }
        bfs(graph, queue, distances, filter);

        distances[root] = userRoots > 0 ? SYSTEM_DISTANCE : 0;
        queue.add(root);
        bfs(graph, queue, distances, filter);
        return distances;
    }

    private static void bfs(HeapGraph graph, IntQueue queue, int[] distances, Filter filter) {
        int weak = graph.types().edgeWeak;
        int internal = graph.types().edgeInternal;
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        while (!queue.isEmpty()) {
            int node = queue.poll();
            int distance = distances[node] + 1;
            // The filter looks at the node for only two kinds of node, and otherwise at WeakMap
            // edges alone: ask it only then.
            boolean filtered = filter.filtersNode(node);
            for (int e = firstEdge[node], end = firstEdge[node + 1]; e < end; e++) {
                int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
                if (type == weak) {
                    continue;
                }
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (distances[target] != UNREACHABLE
                        || (filtered || type == internal && filter.ephemerons.get(e)) && !filter.follow(node, e)) {
                    continue;
                }
                distances[target] = distance;
                queue.add(target);
            }
        }
    }

    /** DevTools' JS-specific edge filter for distances. Stateful: it pairs WeakMap edges. */
    private static final class Filter {
        private final HeapGraph graph;
        private final GraphTypes t;
        private final int nativeContextName;
        private final int mapDescriptorsName;
        private final WeakMapEdgeNames weakMapNames;
        private final EdgeBits ephemerons;
        private final java.util.Set<String> pendingEphemerons = new java.util.HashSet<>();

        Filter(HeapGraph graph, EdgeBits ephemerons) {
            this.ephemerons = ephemerons;
            this.graph = graph;
            this.t = graph.types();
            this.nativeContextName = graph.strings().indexOf("system / NativeContext");
            this.mapDescriptorsName = graph.strings().indexOf("(map descriptors)");
            this.weakMapNames = new WeakMapEdgeNames(graph.strings());
        }

        /** Whether {@link #follow} may turn down a non-internal edge of this node. */
        boolean filtersNode(int node) {
            int nodeType = graph.nodeType(node);
            int nameIndex = graph.nodeNameIndex(node);
            return nodeType == t.nodeHidden && nameIndex == nativeContextName && nativeContextName >= 0
                    || nodeType == t.nodeArray && nameIndex == mapDescriptorsName && mapDescriptorsName >= 0;
        }

        boolean follow(int node, int edge) {
            int nodeType = graph.nodeType(node);
            int nameIndex = graph.nodeNameIndex(node);
            if (nodeType == t.nodeHidden && nameIndex == nativeContextName && nativeContextName >= 0
                    && graph.edgeName(edge).equals("sloppy_function_map")) {
                return false;
            }
            if (nodeType == t.nodeArray && nameIndex == mapDescriptorsName && mapDescriptorsName >= 0) {
                double index = JsNumbers.parseInt(graph.edgeName(edge));
                return index < 2 || (index % 3) != 1;
            }
            if (ephemerons.get(edge)) {
                WeakMapEdgeNames.Match match = weakMapNames.parse(graph.edgeNameOrIndex(edge));
                if (match != null && !pendingEphemerons.remove(match.duplicatedPart())) {
                    pendingEphemerons.add(match.duplicatedPart());
                    return false;
                }
            }
            return true;
        }
    }
}
