package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Per-class totals as DevTools' Summary view computes them ({@code buildAggregates}): only nodes
 * with a non-zero self size count; the retained sizes come from {@link ClassRetainedSizes}.
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

    /**
     * @param nodeDistances per node, or null when the snapshot was loaded without them
     * @param pool          a second thread for the retained sizes ({@link ClassRetainedSizes}), or null
     */
    public static ClassAggregates compute(HeapGraph graph, ClassKeys keys, NodeSizes retained, int[] nodeDistances,
                                          DominatorTree tree, ExecutorService pool) throws IOException {
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

        long[] retainedByClass = ClassRetainedSizes.compute(graph, classOf, classCount, retained, tree, pool);
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
