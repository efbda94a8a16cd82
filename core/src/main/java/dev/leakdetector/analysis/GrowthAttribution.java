package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attributes the growth between two snapshots of one process to the objects that hold it.
 *
 * <p>An object of the later snapshot is <em>new</em> when its id is not in the earlier one. Walking
 * the dominator tree down from the root, a new user-visible object whose dominator is old (or an
 * engine-internal store such as a reallocated elements array) is the top of a new subtree: it and
 * everything it dominates came into being since the earlier snapshot and is still alive. Summing
 * the retained sizes of these tops gives the growth without counting anything twice, and their
 * classes name the accumulating objects — {@code RequestRecord} rather than the strings inside it.
 * The old object that dominates a top is its holder: the array, map or emitter that accumulates.
 */
public final class GrowthAttribution {
    private static final int SAMPLES = 8;

    /** New objects of one class that head new subtrees, with what they retain and who holds them. */
    public record Group(int classId, String className, long count, long retainedSize, int[] samples,
                        Map<Integer, Long> holderClassCounts) {

        /**
         * The class holding most of the group, or -1. Ties go to a real holder over none (-1), then
         * to the smaller class id: the counts' map has no stable order, and reports must not vary
         * from one run to the next.
         */
        public int mainHolderClass() {
            return holderClassCounts.entrySet().stream()
                    .max(Map.Entry.<Integer, Long>comparingByValue()
                            .thenComparing(e -> e.getKey() >= 0)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                    .map(Map.Entry::getKey).orElse(-1);
        }
    }

    private final List<Group> groups;
    private final long attributedSize;
    private final long newObjectCount;
    private final boolean[] isNewByClass;
    private final EdgeBits heads;

    private GrowthAttribution(List<Group> groups, long attributedSize, long newObjectCount, boolean[] isNewByClass,
                              EdgeBits heads) {
        this.groups = groups;
        this.attributedSize = attributedSize;
        this.newObjectCount = newObjectCount;
        this.isNewByClass = isNewByClass;
        this.heads = heads;
    }

    public static GrowthAttribution compute(HeapSnapshot after, IdSet earlierIds) {
        HeapGraph graph = after.graph();
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int[] ids = graph.rawNodeIds();
        DominatorTree tree = after.dominatorTree();
        int root = graph.rootOrdinal();
        // Asked in node order first: the dominator tree walk below visits nodes in an order that
        // would make every lookup a cache miss.
        EdgeBits old = new EdgeBits(nodeCount);
        for (int node = 0; node < nodeCount; node++) {
            if (earlierIds.contains(ids[node])) {
                old.set(node);
            }
        }
        // top[v]: the head of v's new subtree, or -1 when v is old.
        int[] top = new int[nodeCount];
        IntStack stack = new IntStack(1024);
        top[root] = -1;
        for (int k = tree.firstChild(root); k < tree.endChild(root); k++) {
            stack.push(tree.child(k));
        }
        Map<Integer, long[]> totals = new HashMap<>();
        Map<Integer, int[]> samples = new HashMap<>();
        Map<Integer, Map<Integer, Long>> holders = new HashMap<>();
        long attributed = 0;
        long newObjects = 0;
        EdgeBits heads = new EdgeBits(nodeCount);
        while (!stack.isEmpty()) {
            int v = stack.pop();
            int d = tree.dominator(v);
            if (old.get(v)) {
                top[v] = -1;
            } else {
                newObjects++;
                int dominatorTop = d == root ? -1 : top[d];
                if (dominatorTop < 0) {
                    top[v] = v;
                } else if (visible(graph, t, dominatorTop)) {
                    top[v] = dominatorTop;
                } else {
                    top[v] = visible(graph, t, v) ? v : dominatorTop;
                }
                if (top[v] == v && visible(graph, t, v)) {
                    heads.set(v);
                    int c = after.classOf(v);
                    long retained = after.retainedSize(v);
                    attributed += retained;
                    long[] total = totals.computeIfAbsent(c, k -> new long[2]);
                    total[0]++;
                    total[1] += retained;
                    addSample(samples.computeIfAbsent(c, k -> newSamples()), v, after);
                    int holder = holderOf(after, graph, t, top, v);
                    holders.computeIfAbsent(c, k -> new HashMap<>())
                            .merge(holder < 0 ? -1 : after.classOf(holder), 1L, Long::sum);
                }
            }
            for (int k = tree.firstChild(v); k < tree.endChild(v); k++) {
                stack.push(tree.child(k));
            }
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Integer, long[]> entry : totals.entrySet()) {
            int c = entry.getKey();
            int[] sample = samples.get(c);
            int n = 0;
            while (n < sample.length && sample[n] >= 0) {
                n++;
            }
            groups.add(new Group(c, after.heapClass(c).name(), entry.getValue()[0], entry.getValue()[1],
                    java.util.Arrays.copyOf(sample, n), Map.copyOf(holders.get(c))));
        }
        groups.sort(Comparator.comparingLong(Group::retainedSize).reversed().thenComparing(Group::className));
        boolean[] newByClass = new boolean[after.aggregates().classCount()];
        for (Group g : groups) {
            newByClass[g.classId()] = true;
        }
        return new GrowthAttribution(List.copyOf(groups), attributed, newObjects, newByClass, heads);
    }

    /**
     * Objects a reader can act on: not engine internals (hidden, arrays, code, maps), not empty.
     * An elements store reallocated as its array grew is new, but the array is the holder.
     */
    static boolean visible(HeapGraph graph, GraphTypes t, int node) {
        int type = graph.nodeType(node);
        return type != t.nodeHidden && type != t.nodeArray && type != t.nodeCode && type != t.nodeSynthetic
                && type != t.nodeObjectShape && graph.selfSize(node) > 0;
    }

    /** The nearest old, visible dominator of a new subtree's head, or -1 when that is the root. */
    private static int holderOf(HeapSnapshot after, HeapGraph graph, GraphTypes t, int[] top, int head) {
        int node = after.dominator(head);
        int root = graph.rootOrdinal();
        for (int steps = 0; steps < 256 && node != root; steps++) {
            if (top[node] < 0 && visible(graph, t, node)) {
                return node;
            }
            node = after.dominator(node);
        }
        return -1;
    }

    private static int[] newSamples() {
        int[] sample = new int[SAMPLES];
        java.util.Arrays.fill(sample, -1);
        return sample;
    }

    /** Keeps the heads with the largest retained sizes. */
    private static void addSample(int[] sample, int node, HeapSnapshot after) {
        long size = after.retainedSize(node);
        int smallest = 0;
        for (int i = 0; i < sample.length; i++) {
            if (sample[i] < 0) {
                sample[i] = node;
                return;
            }
            if (after.retainedSize(sample[i]) < after.retainedSize(sample[smallest])) {
                smallest = i;
            }
        }
        if (size > after.retainedSize(sample[smallest])) {
            sample[smallest] = node;
        }
    }

    /** Groups by class, largest retained growth first. */
    public List<Group> groups() {
        return groups;
    }

    /** Bytes retained by new objects, counted once. */
    public long attributedSize() {
        return attributedSize;
    }

    /** New objects of any kind, visible or not. */
    public long newObjectCount() {
        return newObjectCount;
    }

    /** True when the node is a new, visible object that heads a new subtree. */
    public boolean isHead(int nodeOrdinal) {
        return heads.get(nodeOrdinal);
    }

    /** True when some new subtree is headed by an instance of the class. */
    public boolean headsNewSubtrees(int classId) {
        return classId < isNewByClass.length && isNewByClass[classId];
    }
}
