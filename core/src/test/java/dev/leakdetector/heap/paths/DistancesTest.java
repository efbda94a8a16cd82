package dev.leakdetector.heap.paths;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Distances from the GC roots, on graphs where DevTools' edge filter decides the answer. */
class DistancesTest {

    @TempDir
    Path dir;

    /**
     * Of the two internal edges V8 writes to a WeakMap value, the first one the search meets is not
     * followed (crbug.com/1290800): here the table's, at distance 2, so the value is at 5 through its
     * key at 4, not at 3 through the table.
     */
    @Test
    void weakMapValueTakesTheDistanceOfTheLaterOfKeyAndTable() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int global = s.node("object", "Window", 10);
        int table = s.node("array", "", 10);
        int a = s.node("object", "A", 10);
        int b = s.node("object", "B", 10);
        int key = s.node("object", "Key", 10);
        int value = s.node("object", "Value", 10);
        int plain = s.node("object", "Plain", 10);
        s.edge(root, "element", "0", global);
        s.edge(global, "property", "map", table);
        s.edge(global, "property", "a", a);
        s.edge(a, "property", "b", b);
        s.edge(b, "property", "key", key);
        s.weakMapEntry(table, key, value);
        // Any other internal edge is followed as usual.
        s.edge(table, "internal", "elements", plain);
        HeapSnapshot snapshot = new HeapSnapshotLoader().load(s.write(dir.resolve("weakmap.heapsnapshot")));

        assertThat(snapshot.distance(global)).isEqualTo(1);
        assertThat(snapshot.distance(table)).isEqualTo(2);
        assertThat(snapshot.distance(key)).isEqualTo(4);
        assertThat(snapshot.distance(value)).isEqualTo(5);
        assertThat(snapshot.distance(plain)).isEqualTo(3);
    }
}
