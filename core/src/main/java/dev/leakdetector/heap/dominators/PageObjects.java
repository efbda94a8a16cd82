package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;

/**
 * Marks the nodes owned by the page (in Node: by the global object), following DevTools'
 * {@code markPageOwnedNodes}: everything reachable over non-weak edges from the root's shortcut
 * targets (the user globals) and from {@code (Document DOM trees)}.
 *
 * <p>The dominator computation ignores edges from unmarked nodes into marked ones, so that a
 * debugger's or the engine's reference to a user object does not change who dominates it.
 */
public final class PageObjects {
    private PageObjects() {
    }

    public static EdgeBits mark(HeapGraph graph) {
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        EdgeBits page = new EdgeBits(nodeCount);
        // Growable: the marked set can be most of the heap, but the stack of nodes marked and not
        // yet expanded stays far smaller.
        IntStack stack = new IntStack(1 << 16);

        int root = graph.rootOrdinal();
        for (int e = firstEdge[root]; e < firstEdge[root + 1]; e++) {
            int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
            int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
            if (type == t.edgeElement) {
                if (!isDocumentDomTreesRoot(graph, target)) {
                    continue;
                }
            } else if (type != t.edgeShortcut) {
                continue;
            }
            stack.push(target);
            page.set(target);
        }
        while (!stack.isEmpty()) {
            int node = stack.pop();
            for (int e = firstEdge[node], end = firstEdge[node + 1]; e < end; e++) {
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (page.get(target) || (typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT) == t.edgeWeak) {
                    continue;
                }
                stack.push(target);
                page.set(target);
            }
        }
        return page;
    }

    static boolean isDocumentDomTreesRoot(HeapGraph graph, int nodeOrdinal) {
        return graph.nodeType(nodeOrdinal) == graph.types().nodeSynthetic
                && graph.nodeName(nodeOrdinal).equals("(Document DOM trees)");
    }
}
