package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;

/**
 * Per-class totals as DevTools' Summary view computes them ({@code buildAggregates} and
 * {@code calculateClassesRetainedSize}): only nodes with a non-zero self size count, and a class's
 * retained size adds up its instances that no other instance of the same class dominates, so objects
 * holding each other are not counted twice.
 */
public final class ClassAggregates {
    private final int[] counts;
    private final long[] selfSizes;
    private final long[] retainedSizes;
    private final int[] distances;

    private ClassAggregates(int[] counts, long[] selfSizes, long[] retainedSizes, int[] distances) {
        this.counts = counts;
        this.selfSizes = selfSizes;
        this.retainedSizes = retainedSizes;
        this.distances = distances;
    }

    /** @param nodeDistances per node, or null when the snapshot was loaded without them */
    public static ClassAggregates compute(HeapGraph graph, ClassKeys keys, long[] retained, int[] nodeDistances,
                                          DominatorTree tree) {
        int classCount = keys.classes().size();
        int[] counts = new int[classCount];
        long[] self = new long[classCount];
        // Null when the snapshot was loaded without node distances.
        int[] distances = nodeDistances == null ? null : new int[classCount];
        if (distances != null) {
            java.util.Arrays.fill(distances, Integer.MAX_VALUE);
        }
        int[] classOf = keys.rawClassOf();
        for (int node = 0; node < graph.nodeCount(); node++) {
            long size = graph.selfSize(node);
            if (size == 0) {
                continue;
            }
            int c = classOf[node];
            counts[c]++;
            self[c] += size;
            if (distances != null) {
                distances[c] = Math.min(distances[c], nodeDistances[node]);
            }
        }

        // Depth-first over the dominator tree; active[c] counts the counted instances of class c
        // among the current node's dominators. A marker (-1 - node) on the stack closes a subtree.
        long[] retainedByClass = new long[classCount];
        int[] active = new int[classCount];
        IntStack stack = new IntStack(1024);
        stack.push(tree.root());
        while (!stack.isEmpty()) {
            int item = stack.pop();
            if (item < 0) {
                active[classOf[-1 - item]]--;
                continue;
            }
            int c = classOf[item];
            boolean counts0 = active[c] == 0 && graph.selfSize(item) != 0;
            if (counts0) {
                retainedByClass[c] += retained[item];
            }
            int from = tree.firstChild(item);
            int to = tree.endChild(item);
            if (from == to) {
                continue;
            }
            if (counts0) {
                active[c]++;
                stack.push(-1 - item);
            }
            for (int k = from; k < to; k++) {
                stack.push(tree.child(k));
            }
        }
        return new ClassAggregates(counts, self, retainedByClass, distances);
    }

    public int classCount() {
        return counts.length;
    }

    /** Instances with a non-zero self size. */
    public int count(int classId) {
        return counts[classId];
    }

    public long selfSize(int classId) {
        return selfSizes[classId];
    }

    public long retainedSize(int classId) {
        return retainedSizes[classId];
    }

    /**
     * The smallest distance from the GC roots among the instances (see {@code Distances}).
     *
     * @throws IllegalStateException when the snapshot was loaded without distances
     */
    public int distance(int classId) {
        if (distances == null) {
            throw new IllegalStateException("loaded without distances");
        }
        return distances[classId];
    }
}
