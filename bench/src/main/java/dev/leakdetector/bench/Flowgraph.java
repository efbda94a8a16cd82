package dev.leakdetector.bench;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;

/**
 * Makes a heap graph a flowgraph for the dominator benchmark: every node that the root does not reach
 * over essential edges gets an element edge from the root, appended to the root's edges. Nothing
 * else changes, so the essential edges of the result are those of the input plus the new ones.
 */
final class Flowgraph {
    private Flowgraph() {
    }

    static HeapGraph rootEveryUnreachableNode(HeapGraph graph, EdgeBits essential) {
        int nodeCount = graph.nodeCount();
        int root = graph.rootOrdinal();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        EdgeBits reached = new EdgeBits(nodeCount);
        IntStack stack = new IntStack(1 << 16);
        reached.set(root);
        stack.push(root);
        while (!stack.isEmpty()) {
            int node = stack.pop();
            for (int e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
                int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
                if (essential.get(e) && !reached.get(target)) {
                    reached.set(target);
                    stack.push(target);
                }
            }
        }
        int added = nodeCount - reached.cardinality();
        int edgeCount = graph.edgeCount();
        int insertAt = firstEdge[root + 1];
        int[] newFirstEdge = new int[nodeCount + 1];
        for (int n = 0; n <= nodeCount; n++) {
            newFirstEdge[n] = firstEdge[n] + (n > root ? added : 0);
        }
        int[] newTypeAndTarget = new int[edgeCount + added];
        int[] newNameOrIndex = new int[edgeCount + added];
        int[] nameOrIndex = graph.rawEdgeNameOrIndex();
        System.arraycopy(typeAndTarget, 0, newTypeAndTarget, 0, insertAt);
        System.arraycopy(nameOrIndex, 0, newNameOrIndex, 0, insertAt);
        int element = graph.types().edgeElement << HeapGraph.TYPE_SHIFT;
        int slot = insertAt;
        for (int n = 0; n < nodeCount; n++) {
            if (!reached.get(n)) {
                newTypeAndTarget[slot] = element | n;
                newNameOrIndex[slot] = 1_000_000 + (slot - insertAt);
                slot++;
            }
        }
        System.arraycopy(typeAndTarget, insertAt, newTypeAndTarget, slot, edgeCount - insertAt);
        System.arraycopy(nameOrIndex, insertAt, newNameOrIndex, slot, edgeCount - insertAt);
        byte[] detachedness = null;
        if (graph.hasDetachedness()) {
            detachedness = new byte[nodeCount];
            for (int n = 0; n < nodeCount; n++) {
                detachedness[n] = (byte) graph.detachedness(n);
            }
        }
        return new HeapGraph(graph.header(), graph.rawNodeTypes(), graph.rawNodeNames(), graph.rawNodeIds(),
                graph.selfSizes(), detachedness, newFirstEdge, newTypeAndTarget, newNameOrIndex, graph.strings(),
                graph.locations(), root);
    }
}
