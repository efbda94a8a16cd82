package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.HeapGraph;

/**
 * User roots, as DevTools defines them: the root's children that are not synthetic (the global
 * objects) plus Chrome's {@code (Document DOM trees)}. Snapshots taken with
 * {@code exposeInternals} have none.
 */
public final class UserRoots {
    private UserRoots() {
    }

    public static boolean isUserRoot(HeapGraph graph, int nodeOrdinal) {
        return graph.nodeType(nodeOrdinal) != graph.types().nodeSynthetic
                || PageObjects.isDocumentDomTreesRoot(graph, nodeOrdinal);
    }

    public static boolean exist(HeapGraph graph) {
        int root = graph.rootOrdinal();
        for (int e = graph.firstEdge(root); e < graph.firstEdge(root + 1); e++) {
            if (isUserRoot(graph, graph.edgeTarget(e))) {
                return true;
            }
        }
        return false;
    }
}
