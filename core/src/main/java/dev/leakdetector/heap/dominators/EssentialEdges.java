package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;

/**
 * Decides which edges count for retention, with the rules of DevTools' {@code computeIsEssentialEdge}
 * ({@code HeapSnapshot.ts}), in its order:
 * <ol>
 *   <li>Of the two internal edges V8 writes to a WeakMap value, the one from the table does not
 *       count: the value is held by its key and table together, and attributing it to the key is
 *       the more useful answer.</li>
 *   <li>Weak edges never retain.</li>
 *   <li>Self edges do not matter for dominance.</li>
 *   <li>Shortcut edges count only from the root, where they mark the user globals.</li>
 *   <li>Edges from non-page objects into page objects ({@link PageObjects}) do not count, so that
 *       references held by the debugger or the engine do not re-parent user objects.</li>
 * </ol>
 */
public final class EssentialEdges {
    private EssentialEdges() {
    }

    public static EdgeBits compute(HeapGraph graph, EdgeBits pageObjects) {
        EdgeBits essential = new EdgeBits(graph.edgeCount());
        computeRange(graph, pageObjects, essential, null, 0, graph.edgeCount());
        return essential;
    }

    /**
     * Decides the edges {@code fromEdge … toEdge-1} into {@code essential}. Ranges that start at
     * multiples of 64 share no word of the bit set, so threads may decide disjoint ranges at once.
     *
     * @param ephemerons if not null, receives both internal edges of each WeakMap key/value pair, found
     *                   on the way: the distances need them too, and their names are read here anyway
     */
    public static void computeRange(HeapGraph graph, EdgeBits pageObjects, EdgeBits essential, EdgeBits ephemerons,
                                    int fromEdge, int toEdge) {
        WeakMapEdgeNames weakMapNames = new WeakMapEdgeNames(graph.strings());
        Blocks.ascending(toEdge - fromEdge, (from, to) -> decide(graph, pageObjects, essential, ephemerons,
                weakMapNames, fromEdge + from, fromEdge + to));
    }

    private static void decide(HeapGraph graph, EdgeBits pageObjects, EdgeBits essential, EdgeBits ephemerons,
                               WeakMapEdgeNames weakMapNames, int fromEdge, int toEdge) {
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int root = graph.rootOrdinal();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int[] names = graph.rawEdgeNameOrIndex();
        int[] ids = graph.rawNodeIds();
        for (int source = sourceOf(firstEdge, nodeCount, fromEdge); source < nodeCount; source++) {
            if (firstEdge[source] >= toEdge) {
                break;
            }
            boolean sourceIsPage = pageObjects.get(source);
            int end = Math.min(firstEdge[source + 1], toEdge);
            for (int e = Math.max(firstEdge[source], fromEdge); e < end; e++) {
                int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (type == t.edgeInternal) {
                    WeakMapEdgeNames.Match match = weakMapNames.parse(names[e]);
                    if (match != null) {
                        if (ephemerons != null) {
                            ephemerons.set(e);
                        }
                        if (Integer.toUnsignedLong(ids[source]) == match.tableId()) {
                            continue;
                        }
                    }
                }
                if (type == t.edgeWeak || source == target) {
                    continue;
                }
                if (source != root) {
                    if (type == t.edgeShortcut) {
                        continue;
                    }
                    if (pageObjects.get(target) && !sourceIsPage) {
                        continue;
                    }
                }
                essential.set(e);
            }
        }
    }

    /** The node whose edges include {@code edge}, or the first node with edges after it. */
    private static int sourceOf(int[] firstEdge, int nodeCount, int edge) {
        int low = 0;
        int high = nodeCount - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (firstEdge[mid] <= edge) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }
}
