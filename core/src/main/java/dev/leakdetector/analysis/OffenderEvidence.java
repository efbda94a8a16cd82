package dev.leakdetector.analysis;

import dev.leakdetector.analysis.patterns.PathCluster;
import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.IntStack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The evidence the analysis gathers on the after heap for each offender: which of its instances to
 * look at, the retainer paths that hold them, what they retain, and whether they are detached DOM
 * nodes. Reads the loaded snapshot only.
 */
final class OffenderEvidence {
    private static final int CLUSTERS = 3;
    private static final int TAIL = 5;

    private OffenderEvidence() {
    }

    /**
     * For each class, up to {@code pathSamples} of its instances in after, evenly spread:
     * with comparable ids the new ones that head new subtrees (those are the class's own growth;
     * its other new instances sit inside someone else's), else all of them.
     */
    static Map<Integer, int[]> samples(HeapSnapshot after, List<Integer> classIds, int pathSamples,
                                       SnapshotDigest before, boolean comparable, GrowthAttribution attribution) {
        // Arrays by class id: a map lookup per node, twice over every node, was most of the time.
        int classCount = after.aggregates().classCount();
        boolean[] wanted = new boolean[classCount];
        for (int classId : classIds) {
            wanted[classId] = true;
        }
        int[] ids = after.graph().rawNodeIds();
        long[] population = new long[classCount];
        Blocks.ascending(after.nodeCount(), (from, to) -> {
            for (int node = from; node < to; node++) {
                int c = after.classOf(node);
                if (wanted[c] && sampleable(after, node, ids, before, comparable, attribution)) {
                    population[c]++;
                }
            }
        });
        int[][] samples = new int[classCount][];
        for (int c = 0; c < classCount; c++) {
            if (wanted[c]) {
                samples[c] = new int[(int) Math.min(pathSamples, population[c])];
            }
        }
        int[] filled = new int[classCount];
        long[] seen = new long[classCount];
        Blocks.ascending(after.nodeCount(), (from, to) -> {
            for (int node = from; node < to; node++) {
                int c = after.classOf(node);
                if (!wanted[c] || !sampleable(after, node, ids, before, comparable, attribution)) {
                    continue;
                }
                int[] sample = samples[c];
                long k = seen[c]++;
                // Take instance k when it crosses the next multiple of total / sampleSize.
                if (filled[c] < sample.length && k * sample.length / population[c] == filled[c]) {
                    sample[filled[c]++] = node;
                }
            }
        });
        Map<Integer, int[]> byClass = new HashMap<>();
        for (int c = 0; c < classCount; c++) {
            if (wanted[c]) {
                byClass.put(c, samples[c]);
            }
        }
        return byClass;
    }

    private static boolean sampleable(HeapSnapshot after, int node, int[] ids, SnapshotDigest before,
                                      boolean comparable, GrowthAttribution attribution) {
        if (after.selfSize(node) == 0) {
            return false;
        }
        if (!comparable) {
            return true;
        }
        if (attribution.headsNewSubtrees(after.classOf(node))) {
            return attribution.isHead(node);
        }
        return !before.allIds().contains(ids[node]);
    }

    /**
     * The sample's retainer paths grouped by their last steps (the holders), largest first, each
     * count scaled from the sample to the population it stands for.
     */
    static List<PathCluster> clusters(RetainerPathFinder finder, int[] sample, long population, Redactor redactor) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, RetainerPath> examples = new HashMap<>();
        int used = 0;
        for (int node : sample) {
            if (!finder.reachable(node)) {
                continue;
            }
            RetainerPath path = redactor.path(finder.pathTo(node));
            String key = path.normalizedTail(TAIL + 1);
            counts.computeIfAbsent(key, k -> new long[1])[0]++;
            examples.putIfAbsent(key, path);
            used++;
        }
        List<PathCluster> clusters = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            long estimate = used == 0 ? 0 : Math.round((double) entry.getValue()[0] * Math.max(population, used) / used);
            clusters.add(new PathCluster(entry.getKey(), estimate, examples.get(entry.getKey())));
        }
        clusters.sort(Comparator.comparingLong(PathCluster::count).reversed().thenComparing(PathCluster::holders));
        return clusters.size() > CLUSTERS ? List.copyOf(clusters.subList(0, CLUSTERS)) : List.copyOf(clusters);
    }

    /**
     * The classes most often found in what sampled instances retain, excluding the class itself
     * and engine internals: "each listener keeps a ConnectionState alive".
     */
    static List<String> retainedClasses(HeapSnapshot after, int[] sample, Integer classId, Redactor redactor) {
        Map<Integer, long[]> counts = new HashMap<>();
        var tree = after.dominatorTree();
        var types = after.graph().types();
        IntStack stack = new IntStack(64);
        for (int i = 0; i < Math.min(sample.length, 50); i++) {
            stack.clear();
            stack.push(sample[i]);
            int visited = 0;
            while (!stack.isEmpty() && visited++ < 500) {
                int node = stack.pop();
                int c = after.classOf(node);
                if (node != sample[i] && (classId == null || c != classId)
                        && GrowthAttribution.visible(after.graph(), types, node)) {
                    counts.computeIfAbsent(c, k -> new long[1])[0]++;
                }
                for (int k = tree.firstChild(node); k < tree.endChild(node); k++) {
                    stack.push(tree.child(k));
                }
            }
        }
        return counts.entrySet().stream()
                .filter(e -> !after.heapClass(e.getKey()).name().startsWith("("))
                .sorted(Comparator.comparingLong((Map.Entry<Integer, long[]> e) -> e.getValue()[0]).reversed()
                        .thenComparing(e -> after.heapClass(e.getKey()).name()))
                .limit(4)
                .map(e -> redactor.className(after.heapClass(e.getKey()).name()))
                .toList();
    }

    /** Sampled instances that are detached DOM nodes (V8's native nodes marked detached). */
    static long detachedDomNodes(HeapSnapshot after, int[] sample) {
        long count = 0;
        int nativeType = after.graph().types().nodeNative;
        for (int node : sample) {
            if (after.graph().nodeType(node) == nativeType && after.domState(node) == 2
                    && !after.graph().nodeName(node).startsWith("Detached Node /")) {
                count++;
            }
        }
        return count;
    }
}
