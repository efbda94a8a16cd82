package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;
import dev.leakdetector.heap.graph.SelfSizes;

/**
 * Moves the shallow size of engine-internal {@code hidden} and {@code array} nodes (and external
 * string data) to the one JS object that owns them, as DevTools' {@code calculateShallowSizes} does:
 * a JS array then shows the size of its elements store, and {@code (system)} shrinks accordingly.
 *
 * <p>Ownership flows along non-weak edges from every other node into internal nodes; an internal
 * node reached from two owners keeps its own size. Nothing is moved onto the root or synthetic
 * nodes. Snapshots taken with {@code exposeInternals} have no user roots and are left untouched,
 * as DevTools leaves them. Totals never change.
 */
public final class ShallowSizeAttribution {
    private static final int UNVISITED = -1;
    private static final int MULTIPLE_OWNERS = -2;

    private ShallowSizeAttribution() {
    }

    /** Re-attributes sizes in place; returns false when the snapshot has no user roots. */
    public static boolean apply(HeapGraph graph) {
        if (!UserRoots.exist(graph)) {
            return false;
        }
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int externalStringData = graph.strings().indexOf("system / ExternalStringData");
        int[] owners = new int[nodeCount];
        // Each node enters the worklist at most twice: when it gets an owner, and when it turns
        // out to have several.
        IntStack worklist = new IntStack(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            int type = graph.nodeType(i);
            boolean internal = type == t.nodeHidden || type == t.nodeArray
                    || (type == t.nodeNative && externalStringData >= 0
                        && graph.nodeName(i).equals("system / ExternalStringData"));
            if (internal) {
                owners[i] = UNVISITED;
            } else {
                owners[i] = i;
                worklist.push(i);
            }
        }
        while (!worklist.isEmpty()) {
            int id = worklist.pop();
            int owner = owners[id];
            for (int e = firstEdge[id], end = firstEdge[id + 1]; e < end; e++) {
                if ((typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT) == t.edgeWeak) {
                    continue;
                }
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                int targetOwner = owners[target];
                if (targetOwner == UNVISITED) {
                    owners[target] = owner;
                    worklist.push(target);
                } else if (targetOwner != target && targetOwner != owner && targetOwner != MULTIPLE_OWNERS) {
                    owners[target] = MULTIPLE_OWNERS;
                    worklist.push(target);
                }
            }
        }
        SelfSizes sizes = graph.selfSizes();
        int root = graph.rootOrdinal();
        for (int i = 0; i < nodeCount; i++) {
            int owner = owners[i];
            if (owner < 0 || owner == i) {
                continue;
            }
            if (graph.nodeType(owner) == t.nodeSynthetic || owner == root) {
                continue;
            }
            sizes.set(owner, sizes.get(owner) + sizes.get(i));
            sizes.set(i, 0);
        }
        return true;
    }

}
