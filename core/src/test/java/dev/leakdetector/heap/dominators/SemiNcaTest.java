package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;
import dev.leakdetector.heap.graph.ReverseEdges;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.testing.NodeFixtures;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Semi-NCA must give exactly the dominators of the Lengauer–Tarjan port wherever it answers. */
class SemiNcaTest {

    @TempDir
    Path dir;

    @Test
    void agreesWithLengauerTarjanOnARealHeap() throws Exception {
        assertSameDominators(new HeapSnapshotParser().parse(NodeFixtures.fixture().second()), true);
    }

    /**
     * Random graphs with weak edges and weakly held nodes. Where they contain cycles that nothing
     * reaches, semi-NCA must decline; everywhere else it must agree.
     */
    @Test
    void agreesWithLengauerTarjanOnRandomGraphs() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        int compared = 0;
        int declined = 0;
        for (int round = 0; round < 60; round++) {
            TestSnapshot s = new TestSnapshot();
            int nodes = 20 + random.nextInt(300);
            int root = s.node("synthetic", "", 0);
            for (int i = 1; i < nodes; i++) {
                s.node("object", "N" + (i % 7), 1 + random.nextInt(100));
            }
            // A spanning structure: each node is reached strongly or, sometimes, only weakly.
            for (int i = 1; i < nodes; i++) {
                int from = random.nextInt(i);
                s.edge(from, from == root ? "element" : random.nextInt(10) == 0 ? "weak" : "property",
                        from == root ? Integer.toString(i) : "p" + i, i);
            }
            for (int extra = 0; extra < nodes * 2; extra++) {
                int from = random.nextInt(nodes);
                int to = 1 + random.nextInt(nodes - 1);
                s.edge(from, from == root ? "element" : random.nextInt(6) == 0 ? "weak" : "property",
                        from == root ? Integer.toString(nodes + extra) : "q" + extra, to);
            }
            HeapGraph graph = new HeapSnapshotParser().parse(s.write(dir.resolve("g" + round + ".heapsnapshot")));
            if (assertSameDominators(graph, false)) {
                compared++;
            } else {
                declined++;
            }
        }
        assertThat(compared).isGreaterThan(10);
        assertThat(declined).isPositive();
    }

    @Test
    void leavesUnreachableCyclesToTheExactPort() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int a = s.node("object", "A", 10);
        int x = s.node("object", "X", 5);
        int y = s.node("object", "Y", 6);
        s.edge(root, "element", "0", a);
        s.edge(x, "property", "y", y);
        s.edge(y, "property", "x", x);
        HeapGraph graph = new HeapSnapshotParser().parse(s.write(dir.resolve("cycle.heapsnapshot")));
        EdgeBits essential = EssentialEdges.compute(graph, PageObjects.mark(graph));
        assertThat(SemiNca.compute(graph, essential, ProgressListener.NONE)).isNull();
    }

    /**
     * The order must list nodes once each, every one after its dominator, and may leave out only
     * nodes that dominate nothing: what the retained sizes rely on.
     */
    private static void assertDominatorsFirst(LengauerTarjan.Result result) {
        int[] order = result.dfsOrder();
        int[] dominators = result.dominators();
        int[] position = new int[dominators.length];
        java.util.Arrays.fill(position, -1);
        for (int k = 0; k < order.length; k++) {
            assertThat(position[order[k]]).as("node %d listed twice", order[k]).isEqualTo(-1);
            position[order[k]] = k;
        }
        for (int ordinal = 0; ordinal < dominators.length; ordinal++) {
            int dominator = dominators[ordinal];
            if (dominator == ordinal) {
                continue;
            }
            assertThat(position[dominator]).as("dominator of node %d", ordinal).isGreaterThanOrEqualTo(0);
            if (position[ordinal] >= 0) {
                assertThat(position[dominator]).as("dominator of node %d", ordinal).isLessThan(position[ordinal]);
            }
        }
    }

    /** Returns false when semi-NCA declined, which is right only if some cycle is unreachable. */
    private static boolean assertSameDominators(HeapGraph graph, boolean real) {
        EdgeBits essential = EssentialEdges.compute(graph, PageObjects.mark(graph));
        LengauerTarjan.Result fast = SemiNca.compute(graph, essential, ProgressListener.NONE);
        LengauerTarjan.Result exact = LengauerTarjan.compute(graph, essential,
                ReverseEdges.build(graph, essential, false), ProgressListener.NONE);
        if (fast == null) {
            assertThat(real).isFalse();
            assertThat(exact.stillUnreachable()).isPositive();
            return false;
        }
        assertThat(fast.dominators()).isEqualTo(exact.dominators());
        assertDominatorsFirst(fast);
        NodeSizes fastSizes = RetainedSizes.compute(graph, fast);
        NodeSizes exactSizes = RetainedSizes.compute(graph, exact);
        for (int ordinal = 0; ordinal < graph.nodeCount(); ordinal++) {
            assertThat(fastSizes.get(ordinal)).as("retained size of node %d", ordinal).isEqualTo(exactSizes.get(ordinal));
        }
        assertThat(fast.unreachableFromRoot()).isEqualTo(exact.unreachableFromRoot());
        if (real) {
            assertThat(fast.unreachableFromRoot()).isZero();
        }
        return true;
    }
}
