package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The shortest retainer paths, searched beside the dominators as the analysis does. */
class RetainerPathFinderTest {

    @TempDir
    Path dir;

    /**
     * A WeakMap value is held by its key, not its table: the path goes through the key although the
     * table is nearer to the root.
     */
    @Test
    void weakMapValueIsReachedThroughItsKey() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int global = s.node("object", "Window", 10);
        int table = s.node("array", "", 10);
        int holder = s.node("object", "Holder", 10);
        int key = s.node("object", "Key", 10);
        int value = s.node("object", "Value", 10);
        s.edge(root, "element", "0", global);
        s.edge(global, "property", "map", table);
        s.edge(global, "property", "holder", holder);
        s.edge(holder, "property", "key", key);
        s.weakMapEntry(table, key, value);
        AtomicReference<int[]> parentEdges = new AtomicReference<>();
        HeapSnapshot snapshot = new HeapSnapshotLoader().loadWithoutDistances(
                s.write(dir.resolve("weakmap.heapsnapshot")), null, "retainer paths",
                (graph, keys, ephemeronEdges) -> parentEdges.set(RetainerPathFinder.search(graph, ephemeronEdges)));
        HeapGraph graph = snapshot.graph();

        int parent = parentEdges.get()[value];
        assertThat(graph.edgeTarget(parent)).isEqualTo(value);
        assertThat(parent).isBetween(graph.firstEdge(key), graph.firstEdge(key + 1) - 1);
        assertThat(RetainerPathFinder.of(snapshot, parentEdges.get()).pathTo(value).render())
                .contains("holder").contains("Key");
    }
}
