package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.classes.ClassKeys;
import dev.leakdetector.heap.classes.HeapClass;
import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a comparison needs from a snapshot that is not the latest one: per class, the count, sizes
 * and the sorted ids of its instances, as DevTools' Comparison view keeps them; and the set of all
 * object ids. Small next to the snapshot itself, so the full graph can be dropped once digested.
 *
 * <p>Instances are the nodes DevTools counts: those with a non-zero self size.
 */
public final class SnapshotDigest {

    /** One class: totals, and where its instances sit in the shared id and size arrays. */
    public record ClassEntry(String key, String name, int count, long selfSize, long retainedSize, int from, int to) {
    }

    private final String file;
    private final long nodeCount;
    private final long totalSize;
    private final Map<String, ClassEntry> classes;
    private final int[] ids;
    private final NodeSizes sizes;
    private final IdSet allIds;

    private SnapshotDigest(String file, long nodeCount, long totalSize, Map<String, ClassEntry> classes, int[] ids,
                           NodeSizes sizes, IdSet allIds) {
        this.file = file;
        this.nodeCount = nodeCount;
        this.totalSize = totalSize;
        this.classes = classes;
        this.ids = ids;
        this.sizes = sizes;
        this.allIds = allIds;
    }

    /**
     * The instances' ids and sizes grouped by class and sorted by id, and the set of all ids: the
     * bulk of a digest, which needs only the parsed graph, its final self sizes and its class ids.
     * A load can make it while its dominators are still being computed (see {@link #of(HeapSnapshot,
     * Instances)}). Sizes take an {@code int} per instance, as the graph's do ({@link NodeSizes}).
     */
    public record Instances(int[] start, int[] ids, NodeSizes sizes, IdSet allIds) {
        public static Instances of(HeapGraph graph, ClassKeys keys) {
            int nodeCount = graph.nodeCount();
            int classCount = keys.classes().size();
            int[] classOf = keys.rawClassOf();
            int[] nodeIds = graph.rawNodeIds();
            int[] start = new int[classCount + 1];
            IdSet allIds = IdSet.of(nodeIds, nodeCount);
            Blocks.ascending(nodeCount, (from, to) -> {
                for (int node = from; node < to; node++) {
                    if (graph.selfSize(node) != 0) {
                        start[classOf[node] + 1]++;
                    }
                }
            });
            for (int c = 0; c < classCount; c++) {
                start[c + 1] += start[c];
            }
            int[] ids = new int[start[classCount]];
            NodeSizes sizes = new NodeSizes(ids.length);
            int[] fill = Arrays.copyOf(start, classCount);
            Blocks.ascending(nodeCount, (from, to) -> {
                for (int node = from; node < to; node++) {
                    long size = graph.selfSize(node);
                    if (size != 0) {
                        int slot = fill[classOf[node]]++;
                        // Flipping the sign bit makes signed order equal unsigned order for sorting.
                        ids[slot] = nodeIds[node] ^ Integer.MIN_VALUE;
                        sizes.set(slot, size);
                    }
                }
            });
            for (int c = 0; c < classCount; c++) {
                sortPairs(ids, sizes, start[c], start[c + 1]);
            }
            return new Instances(start, ids, sizes, allIds);
        }
    }

    public static SnapshotDigest of(HeapSnapshot snapshot) {
        return of(snapshot, Instances.of(snapshot.graph(), snapshot.classKeys()));
    }

    /** The digest of a loaded snapshot whose instances are already grouped. */
    public static SnapshotDigest of(HeapSnapshot snapshot, Instances instances) {
        int classCount = snapshot.aggregates().classCount();
        int[] start = instances.start();
        if (start.length != classCount + 1) {
            throw new IllegalArgumentException("instances of another snapshot");
        }
        Map<String, ClassEntry> classes = new LinkedHashMap<>();
        for (int c = 0; c < classCount; c++) {
            int from = start[c];
            int to = start[c + 1];
            if (from == to) {
                continue;
            }
            HeapClass heapClass = snapshot.heapClass(c);
            classes.put(heapClass.key(), new ClassEntry(heapClass.key(), heapClass.name(),
                    snapshot.aggregates().count(c), snapshot.aggregates().selfSize(c),
                    snapshot.aggregates().retainedSize(c), from, to));
        }
        return new SnapshotDigest(snapshot.file().toString(), snapshot.nodeCount(), snapshot.totalSize(),
                Collections.unmodifiableMap(classes), instances.ids(), instances.sizes(), instances.allIds());
    }

    /**
     * Sorts ids[from, to) with their sizes. An earlier snapshot's ids are almost always in order
     * already; a later one's interleave old and new objects.
     */
    private static void sortPairs(int[] ids, NodeSizes sizes, int from, int to) {
        boolean sorted = true;
        for (int i = from + 1; i < to && sorted; i++) {
            sorted = ids[i - 1] <= ids[i];
        }
        if (!sorted) {
            long[] packed = new long[to - from];
            for (int i = from; i < to; i++) {
                packed[i - from] = ((long) ids[i] << 32) | (i - from);
            }
            RadixSort.sortByHighInt(packed);
            long[] sizeCopy = new long[to - from];
            for (int i = from; i < to; i++) {
                sizeCopy[i - from] = sizes.get(i);
            }
            for (int k = 0; k < packed.length; k++) {
                ids[from + k] = (int) (packed[k] >> 32);
                sizes.set(from + k, sizeCopy[(int) packed[k]]);
            }
        }
    }

    public String file() {
        return file;
    }

    public long nodeCount() {
        return nodeCount;
    }

    public long totalSize() {
        return totalSize;
    }

    public Map<String, ClassEntry> classes() {
        return classes;
    }

    /** The id at a position of the shared array, as V8's unsigned value. */
    public long id(int position) {
        return Integer.toUnsignedLong(ids[position] ^ Integer.MIN_VALUE);
    }

    /** The id at a position, in the sign-flipped form that sorts like the unsigned value. */
    int sortableId(int position) {
        return ids[position];
    }

    public long size(int position) {
        return sizes.get(position);
    }

    /** Every node id of the snapshot, counted or not. */
    public IdSet allIds() {
        return allIds;
    }
}
