package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.Blocks;
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
 * <p>An object of the later snapshot is <em>new</em> when its id is not in the earlier one. In the
 * dominator tree, a new user-visible object whose dominator is old (or an engine-internal store
 * such as a reallocated elements array) is the top of a new subtree: it and
 * everything it dominates came into being since the earlier snapshot and is still alive. Summing
 * the retained sizes of these tops gives the growth without counting anything twice, and their
 * classes name the accumulating objects — {@code RequestRecord} rather than the strings inside it.
 * The old object that dominates a top is its holder: the array, map or emitter that accumulates.
 */
public final class GrowthAttribution {
    private static final int SAMPLES = 8;
    /** {@code top} of an old node or the root. */
    private static final int OLD = -1;
    /** {@code top} of a new node not resolved yet. */
    private static final int UNRESOLVED = -2;
    /** {@code top} of a new node on the chain being resolved. */
    private static final int CLIMBING = -3;

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
        // top[v]: the head of v's new subtree; OLD when v is old (or the root), and UNRESOLVED for a
        // new node not reached yet. Only new nodes are resolved, each once: in node order, a new
        // node's chain of new dominators is climbed to the first resolved one and resolved on the
        // way back down, so dominators always come first. Old objects, most of a heap, are never
        // visited, and the ids are asked in node order, which keeps those lookups in the cache.
        int[] top = new int[nodeCount];
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int node = from; node < to; node++) {
                top[node] = node == root || earlierIds.contains(ids[node]) ? OLD : UNRESOLVED;
            }
        });
        Map<Integer, long[]> totals = new HashMap<>();
        Map<Integer, int[]> samples = new HashMap<>();
        Map<Integer, Map<Integer, Long>> holders = new HashMap<>();
        long[] newObjects = new long[1];
        EdgeBits heads = new EdgeBits(nodeCount);
        IntStack chain = new IntStack(1024);
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int node = from; node < to; node++) {
                for (int v = node; top[v] == UNRESOLVED; v = tree.dominator(v)) {
                    top[v] = CLIMBING;
                    chain.push(v);
                }
                while (!chain.isEmpty()) {
                    int v = chain.pop();
                    int d = tree.dominator(v);
                    int dominatorTop = top[d];
                    if (dominatorTop == CLIMBING) {
                        // A cycle of dominators, which a dominator tree never has: leave it all out.
                        top[v] = OLD;
                        while (!chain.isEmpty()) {
                            top[chain.pop()] = OLD;
                        }
                        continue;
                    }
                    newObjects[0]++;
                    if (dominatorTop < 0) {
                        top[v] = v;
                    } else if (visible(graph, t, dominatorTop)) {
                        top[v] = dominatorTop;
                    } else {
                        top[v] = visible(graph, t, v) ? v : dominatorTop;
                    }
                    if (top[v] == v && visible(graph, t, v)) {
                        heads.set(v);
                        addHead(after, graph, t, top, v, totals, samples, holders);
                    }
                }
            }
        });
        // Every head's retained size went into its class's total.
        long attributed = 0;
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Integer, long[]> entry : totals.entrySet()) {
            int c = entry.getKey();
            attributed += entry.getValue()[1];
            // Best first: the largest retained size, then the smaller ordinal (see addSample).
            int[] sample = java.util.Arrays.stream(samples.get(c)).filter(node -> node >= 0).boxed()
                    .sorted(Comparator.comparingLong((Integer node) -> after.retainedSize(node)).reversed()
                            .thenComparingInt(node -> node))
                    .mapToInt(Integer::intValue).toArray();
            groups.add(new Group(c, after.heapClass(c).name(), entry.getValue()[0], entry.getValue()[1],
                    sample, Map.copyOf(holders.get(c))));
        }
        groups.sort(Comparator.comparingLong(Group::retainedSize).reversed().thenComparing(Group::className));
        boolean[] newByClass = new boolean[after.aggregates().classCount()];
        for (Group g : groups) {
            newByClass[g.classId()] = true;
        }
        return new GrowthAttribution(List.copyOf(groups), attributed, newObjects[0], newByClass, heads);
    }

    /** Counts a new subtree's head, and its retained size, for its class. */
    private static void addHead(HeapSnapshot after, HeapGraph graph, GraphTypes t, int[] top, int head,
                                Map<Integer, long[]> totals, Map<Integer, int[]> samples,
                                Map<Integer, Map<Integer, Long>> holders) {
        int c = after.classOf(head);
        long retained = after.retainedSize(head);
        long[] total = totals.computeIfAbsent(c, k -> new long[2]);
        total[0]++;
        total[1] += retained;
        addSample(samples.computeIfAbsent(c, k -> newSamples()), head, after);
        int holder = holderOf(after, graph, t, top, head);
        holders.computeIfAbsent(c, k -> new HashMap<>()).merge(holder < 0 ? -1 : after.classOf(holder), 1L, Long::sum);
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
            if (top[node] == OLD && visible(graph, t, node)) {
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

    /**
     * Keeps the heads with the largest retained sizes; among equal sizes (leaked records of one
     * shape often are), the smaller ordinals, so that the choice does not depend on the order in
     * which the heads are found.
     */
    private static void addSample(int[] sample, int node, HeapSnapshot after) {
        int worst = 0;
        for (int i = 0; i < sample.length; i++) {
            if (sample[i] < 0) {
                sample[i] = node;
                return;
            }
            if (ranksBelow(after, sample[i], sample[worst])) {
                worst = i;
            }
        }
        if (ranksBelow(after, sample[worst], node)) {
            sample[worst] = node;
        }
    }

    /** Whether node a is a worse sample than node b: it retains less, or as much with a larger ordinal. */
    private static boolean ranksBelow(HeapSnapshot after, int a, int b) {
        long sizeA = after.retainedSize(a);
        long sizeB = after.retainedSize(b);
        return sizeA < sizeB || sizeA == sizeB && a > b;
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
