package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;

import java.util.HashMap;
import java.util.Map;

/**
 * Propagates embedder "attached/detached" state through native nodes and renames detached ones
 * {@code "Detached " + name}, as DevTools' {@code propagateDOMState} does.
 *
 * <p>Only {@code native} nodes take part: every entry point into embedder code knows its own state.
 * A node reachable from an attached node is attached; one reachable only from detached nodes is
 * detached. Edges of type hidden and weak do not propagate. Snapshots without the
 * {@code detachedness} field instead treat native nodes already named {@code Detached …} as detached.
 * In Node.js heaps the detached natives are internal binding objects, not leaks.
 */
public final class DomStatePropagation {
    public static final int UNKNOWN = 0;
    public static final int ATTACHED = 1;
    public static final int DETACHED = 2;

    private DomStatePropagation() {
    }

    /**
     * Without a detachedness column: natives named "Detached …" are detached, the rest unknown; null
     * when there are none. A method of its own, so that its loop is compiled apart from the rest.
     */
    private static byte[] detachedByName(HeapGraph graph) {
        int nativeType = graph.types().nodeNative;
        byte[] state = null;
        for (int i = 0; i < graph.nodeCount(); i++) {
            if (graph.nodeType(i) == nativeType && graph.nodeName(i).startsWith("Detached ")) {
                if (state == null) {
                    state = new byte[graph.nodeCount()];
                }
                state[i] = DETACHED;
            }
        }
        return state;
    }

    /**
     * Returns the per-node state after propagation, or null when every node's state is unknown (as
     * in Node.js heaps, where an array of zeros would cost a byte per node); renames detached nodes
     * in the graph.
     */
    public static byte[] apply(HeapGraph graph) {
        int nodeCount = graph.nodeCount();
        GraphTypes t = graph.types();
        byte[] state = null;
        if (!graph.hasDetachedness()) {
            return detachedByName(graph);
        }
        for (int i = 0; i < nodeCount; i++) {
            int known = graph.detachedness(i);
            if (known != UNKNOWN) {
                if (state == null) {
                    state = new byte[nodeCount];
                }
                state[i] = (byte) known;
            }
        }
        if (state == null) {
            return null;
        }
        EdgeBits visited = new EdgeBits(nodeCount);
        IntStack attached = new IntStack(64);
        IntStack detached = new IntStack(64);
        Map<Integer, Integer> renamed = new HashMap<>();
        for (int i = 0; i < nodeCount; i++) {
            if (state[i] != UNKNOWN) {
                process(graph, i, state[i], state, visited, attached, detached, renamed);
            }
        }
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        while (!attached.isEmpty()) {
            int node = attached.pop();
            for (int e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
                if (propagates(t, typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT)) {
                    process(graph, typeAndTarget[e] & HeapGraph.TARGET_MASK, ATTACHED, state, visited, attached,
                            detached, renamed);
                }
            }
        }
        while (!detached.isEmpty()) {
            int node = detached.pop();
            if (state[node] == ATTACHED) {
                continue;
            }
            for (int e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
                if (propagates(t, typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT)) {
                    process(graph, typeAndTarget[e] & HeapGraph.TARGET_MASK, DETACHED, state, visited, attached,
                            detached, renamed);
                }
            }
        }
        return state;
    }

    private static boolean propagates(GraphTypes t, int edgeType) {
        return edgeType != t.edgeHidden && edgeType != t.edgeWeak;
    }

    private static void process(HeapGraph graph, int node, int newState, byte[] state, EdgeBits visited,
                                IntStack attached, IntStack detached, Map<Integer, Integer> renamed) {
        if (visited.get(node)) {
            return;
        }
        visited.set(node);
        if (graph.nodeType(node) != graph.types().nodeNative) {
            return;
        }
        state[node] = (byte) newState;
        if (newState == ATTACHED) {
            attached.push(node);
        } else if (newState == DETACHED) {
            int oldName = graph.nodeNameIndex(node);
            int newName = renamed.computeIfAbsent(oldName, k -> graph.strings().add("Detached " + graph.strings().get(k)));
            graph.setNodeNameIndex(node, newName);
            detached.push(node);
        }
    }
}
