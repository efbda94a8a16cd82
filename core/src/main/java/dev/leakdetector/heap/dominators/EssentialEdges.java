package dev.leakdetector.heap.dominators;

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
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int root = graph.rootOrdinal();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int[] names = graph.rawEdgeNameOrIndex();
        int[] ids = graph.rawNodeIds();
        WeakMapEdgeNames weakMapNames = new WeakMapEdgeNames(graph.strings());
        EdgeBits essential = new EdgeBits(typeAndTarget.length);

        for (int source = 0; source < nodeCount; source++) {
            boolean sourceIsPage = pageObjects.get(source);
            for (int e = firstEdge[source], end = firstEdge[source + 1]; e < end; e++) {
                int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (type == t.edgeInternal) {
                    WeakMapEdgeNames.Match match = weakMapNames.parse(names[e]);
                    if (match != null && Integer.toUnsignedLong(ids[source]) == match.tableId()) {
                        continue;
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
        return essential;
    }
}
