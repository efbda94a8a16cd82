package dev.leakdetector.heap;

import dev.leakdetector.heap.classes.ClassAggregates;
import dev.leakdetector.heap.classes.ClassKeys;
import dev.leakdetector.heap.classes.DomStatePropagation;
import dev.leakdetector.heap.classes.HeapClass;
import dev.leakdetector.heap.classes.InterfaceInference;
import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A loaded and analysed heap snapshot: the graph, its dominator tree, retained sizes, distances
 * from the GC roots and the class of every node, all as DevTools computes them.
 *
 * <p>Produced by {@link HeapSnapshotLoader}. Arrays are indexed by node ordinal.
 */
public final class HeapSnapshot {
    private final Path file;
    private final HeapGraph graph;
    private final byte[] domStates;
    private final DominatorTree dominatorTree;
    private final NodeSizes retainedSizes;
    private final int[] distances;
    private final ClassKeys classKeys;
    private final ClassAggregates aggregates;
    private final List<InterfaceInference.Definition> interfaceDefinitions;
    private final int unreachableFromRoot;
    private final Map<String, Long> stepMillis;

    HeapSnapshot(Path file, HeapGraph graph, byte[] domStates, DominatorTree dominatorTree, NodeSizes retainedSizes,
                 int[] distances, ClassKeys classKeys, ClassAggregates aggregates,
                 List<InterfaceInference.Definition> interfaceDefinitions, int unreachableFromRoot,
                 Map<String, Long> stepMillis) {
        this.file = file;
        this.graph = graph;
        this.domStates = domStates;
        this.dominatorTree = dominatorTree;
        this.retainedSizes = retainedSizes;
        this.distances = distances;
        this.classKeys = classKeys;
        this.aggregates = aggregates;
        this.interfaceDefinitions = List.copyOf(interfaceDefinitions);
        this.unreachableFromRoot = unreachableFromRoot;
        this.stepMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stepMillis));
    }

    public Path file() {
        return file;
    }

    public HeapGraph graph() {
        return graph;
    }

    public int nodeCount() {
        return graph.nodeCount();
    }

    public int edgeCount() {
        return graph.edgeCount();
    }

    /** What DevTools calls the total size: the root's retained size plus {@code extra_native_bytes}. */
    public long totalSize() {
        return retainedSizes.get(graph.rootOrdinal()) + graph.header().extraNativeBytes();
    }

    public long retainedSize(int nodeOrdinal) {
        return retainedSizes.get(nodeOrdinal);
    }

    /** Self size after DevTools' re-attribution of internal arrays to their owners. */
    public long selfSize(int nodeOrdinal) {
        return graph.selfSize(nodeOrdinal);
    }

    public int dominator(int nodeOrdinal) {
        return dominatorTree.dominator(nodeOrdinal);
    }

    public DominatorTree dominatorTree() {
        return dominatorTree;
    }

    /**
     * Distance from the GC roots; see {@link dev.leakdetector.heap.paths.Distances}.
     *
     * @throws IllegalStateException when the snapshot was loaded without distances
     */
    public int distance(int nodeOrdinal) {
        if (distances == null) {
            throw new IllegalStateException("loaded without distances: " + file);
        }
        return distances[nodeOrdinal];
    }

    /** 0 unknown, 1 attached, 2 detached, after propagation. */
    public int domState(int nodeOrdinal) {
        return domStates == null ? DomStatePropagation.UNKNOWN : domStates[nodeOrdinal];
    }

    public int classOf(int nodeOrdinal) {
        return classKeys.classOf(nodeOrdinal);
    }

    public HeapClass heapClass(int classId) {
        return classKeys.heapClass(classId);
    }

    public String className(int nodeOrdinal) {
        return classKeys.heapClass(classKeys.classOf(nodeOrdinal)).name();
    }

    public ClassKeys classKeys() {
        return classKeys;
    }

    public ClassAggregates aggregates() {
        return aggregates;
    }

    /** The plain-object shapes inferred for this snapshot, for comparing other snapshots by them. */
    public List<InterfaceInference.Definition> interfaceDefinitions() {
        return interfaceDefinitions;
    }

    public int unreachableFromRoot() {
        return unreachableFromRoot;
    }

    /** Wall time per loading step, in milliseconds, in step order. */
    public Map<String, Long> stepMillis() {
        return stepMillis;
    }

    /** Classes with at least one counted instance, largest retained size first. */
    public List<ClassSummary> classSummaries() {
        List<ClassSummary> result = new ArrayList<>();
        for (int c = 0; c < aggregates.classCount(); c++) {
            if (aggregates.count(c) == 0) {
                continue;
            }
            HeapClass heapClass = classKeys.heapClass(c);
            result.add(new ClassSummary(c, heapClass, aggregates.count(c), aggregates.selfSize(c),
                    aggregates.retainedSize(c), aggregates.distance(c)));
        }
        result.sort(Comparator.comparingLong(ClassSummary::retainedSize).reversed()
                .thenComparing(s -> s.heapClass().key()));
        return result;
    }

    /** One row of the Summary view. */
    public record ClassSummary(int classId, HeapClass heapClass, int count, long selfSize, long retainedSize,
                               int distance) {
        public String name() {
            return heapClass.name();
        }
    }
}
