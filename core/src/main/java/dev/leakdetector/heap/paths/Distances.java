package dev.leakdetector.heap.paths;

import dev.leakdetector.heap.dominators.UserRoots;
import dev.leakdetector.heap.dominators.WeakMapEdgeNames;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;

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
 */
public final class Distances {
    public static final int SYSTEM_DISTANCE = 100_000_000;
    public static final int UNREACHABLE = -5;

    private Distances() {
    }

    public static int[] compute(HeapGraph graph) {
        int nodeCount = graph.nodeCount();
        int[] distances = new int[nodeCount];
        java.util.Arrays.fill(distances, UNREACHABLE);
        int[] queue = new int[nodeCount];
        int root = graph.rootOrdinal();
        Filter filter = new Filter(graph);

        int length = 0;
        for (int e = graph.firstEdge(root); e < graph.firstEdge(root + 1); e++) {
            int target = graph.edgeTarget(e);
            if (UserRoots.isUserRoot(graph, target) && length < nodeCount) {
                distances[target] = 1;
                queue[length++] = target;
            }
        }
        bfs(graph, queue, length, distances, filter);

        distances[root] = length > 0 ? SYSTEM_DISTANCE : 0;
        queue[0] = root;
        bfs(graph, queue, 1, distances, filter);
        return distances;
    }

    private static void bfs(HeapGraph graph, int[] queue, int length, int[] distances, Filter filter) {
        int weak = graph.types().edgeWeak;
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int head = 0;
        while (head < length) {
            int node = queue[head++];
            int distance = distances[node] + 1;
            for (int e = firstEdge[node], end = firstEdge[node + 1]; e < end; e++) {
                if ((typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT) == weak) {
                    continue;
                }
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (distances[target] != UNREACHABLE || !filter.follow(node, e)) {
                    continue;
                }
                distances[target] = distance;
                queue[length++] = target;
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
        private final java.util.Set<String> pendingEphemerons = new java.util.HashSet<>();

        Filter(HeapGraph graph) {
            this.graph = graph;
            this.t = graph.types();
            this.nativeContextName = graph.strings().indexOf("system / NativeContext");
            this.mapDescriptorsName = graph.strings().indexOf("(map descriptors)");
            this.weakMapNames = new WeakMapEdgeNames(graph.strings());
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
            if (graph.edgeType(edge) == t.edgeInternal) {
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
