package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.testing.Scenarios;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GrowthAttributionTest {

    /**
     * Holder counts come in a map whose iteration order is not stable (Map.copyOf's differs from
     * one JVM to the next); a tie must name the same holder whatever the order, or the same
     * snapshots give different reports.
     */
    @Test
    void aTieBetweenHoldersIsBrokenTheSameWayInAnyOrder() {
        assertThat(mainHolder(7, 3L, 4, 3L, -1, 3L, 2, 1L)).isEqualTo(4);
        assertThat(mainHolder(-1, 3L, 4, 3L, 7, 3L, 2, 1L)).isEqualTo(4);
        assertThat(mainHolder(4, 3L, -1, 3L)).isEqualTo(4);
        assertThat(mainHolder(-1, 2L, 9, 1L)).as("most are held by no class").isEqualTo(-1);
    }

    /**
     * The attribution resolves each new object once, climbing to its first resolved dominator; a
     * slow reference that climbs from every object to the root and applies the rule top-down must
     * find the same heads, with the same counts, sizes, samples and holders, on a real leak.
     */
    @Test
    void headsMatchAReferenceThatClimbsFromEveryObject() throws Exception {
        Scenarios.Files3 files = Scenarios.get("array-leak");
        HeapSnapshotLoader loader = new HeapSnapshotLoader();
        HeapSnapshot after = loader.load(files.after());
        SnapshotDigest before = SnapshotDigest.of(loader.load(files.before(), after.interfaceDefinitions()));

        GrowthAttribution attribution = GrowthAttribution.compute(after, before.allIds());

        HeapGraph graph = after.graph();
        GraphTypes t = graph.types();
        int root = graph.rootOrdinal();
        Map<Integer, List<Integer>> headsByClass = new HashMap<>();
        Map<Integer, Map<Integer, Long>> holdersByClass = new HashMap<>();
        long newObjects = 0;
        for (int node = 0; node < graph.nodeCount(); node++) {
            boolean isNew = node != root && !before.allIds().contains(graph.rawNodeIds()[node]);
            newObjects += isNew ? 1 : 0;
            if (isNew && referenceTop(after, before.allIds(), node) == node
                    && GrowthAttribution.visible(graph, t, node)) {
                assertThat(attribution.isHead(node)).as("head %d", node).isTrue();
                headsByClass.computeIfAbsent(after.classOf(node), c -> new ArrayList<>()).add(node);
                int holder = after.dominator(node);
                while (holder != root && (isNewObject(after, before.allIds(), holder)
                        || !GrowthAttribution.visible(graph, t, holder))) {
                    holder = after.dominator(holder);
                }
                holdersByClass.computeIfAbsent(after.classOf(node), c -> new HashMap<>())
                        .merge(holder == root ? -1 : after.classOf(holder), 1L, Long::sum);
            } else {
                assertThat(attribution.isHead(node)).as("not a head: %d", node).isFalse();
            }
        }
        assertThat(attribution.newObjectCount()).isEqualTo(newObjects);
        assertThat(attribution.groups()).hasSameSizeAs(headsByClass.keySet()).isNotEmpty();
        for (GrowthAttribution.Group group : attribution.groups()) {
            List<Integer> heads = headsByClass.get(group.classId());
            assertThat(group.count()).isEqualTo(heads.size());
            assertThat(group.retainedSize()).isEqualTo(heads.stream().mapToLong(after::retainedSize).sum());
            assertThat(group.holderClassCounts()).isEqualTo(holdersByClass.get(group.classId()));
            heads.sort((a, b) -> after.retainedSize(a) != after.retainedSize(b)
                    ? Long.compare(after.retainedSize(b), after.retainedSize(a)) : Integer.compare(a, b));
            assertThat(group.samples()).containsExactly(
                    heads.subList(0, Math.min(8, heads.size())).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The head of a new object's subtree by the rule, climbing from the object to the root every time. */
    private static int referenceTop(HeapSnapshot after, IdSet earlier, int node) {
        HeapGraph graph = after.graph();
        List<Integer> chain = new ArrayList<>();
        for (int v = node; isNewObject(after, earlier, v); v = after.dominator(v)) {
            chain.add(v);
        }
        int top = -1;
        for (int i = chain.size() - 1; i >= 0; i--) {
            int v = chain.get(i);
            boolean visible = GrowthAttribution.visible(graph, graph.types(), v);
            top = top < 0 || !GrowthAttribution.visible(graph, graph.types(), top) && visible ? v : top;
        }
        return top;
    }

    private static boolean isNewObject(HeapSnapshot after, IdSet earlier, int node) {
        return node != after.graph().rootOrdinal() && !earlier.contains(after.graph().rawNodeIds()[node]);
    }

    /** mainHolderClass over holder class → count pairs, in the given iteration order. */
    private static int mainHolder(long... pairs) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            counts.put((int) pairs[i], pairs[i + 1]);
        }
        return new GrowthAttribution.Group(0, "Leaked", 7, 700, new int[0], counts).mainHolderClass();
    }
}
