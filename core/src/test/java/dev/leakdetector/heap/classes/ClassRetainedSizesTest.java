package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.graph.NodeSizes;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On two threads the dominator tree is cut into subtrees, each walked with the classes counted on
 * the path above it; the sums must equal one walk from the root (which the DevTools oracle test
 * checks against DevTools itself), on a real snapshot.
 */
class ClassRetainedSizesTest {

    @Test
    void cuttingTheTreeGivesTheSameSumsAsOneWalk() throws Exception {
        HeapSnapshot snapshot = new HeapSnapshotLoader(new HeapSnapshotParser.Options(1, ProgressListener.NONE, true))
                .load(NodeFixtures.fixture().first());
        int[] classOf = snapshot.classKeys().rawClassOf();
        int classCount = snapshot.classKeys().classes().size();
        NodeSizes retained = new NodeSizes(snapshot.nodeCount());
        for (int node = 0; node < retained.size(); node++) {
            retained.set(node, snapshot.retainedSize(node));
        }

        long[] oneWalk = ClassRetainedSizes.compute(snapshot.graph(), classOf, classCount, retained,
                snapshot.dominatorTree(), null);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long[] cut = ClassRetainedSizes.compute(snapshot.graph(), classOf, classCount, retained,
                    snapshot.dominatorTree(), pool);
            assertThat(cut).isEqualTo(oneWalk);
        } finally {
            pool.shutdownNow();
        }
        for (int c = 0; c < classCount; c++) {
            assertThat(oneWalk[c]).isEqualTo(snapshot.aggregates().retainedSize(c));
        }
    }
}
