package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClassKeysTest {

    @TempDir
    Path dir;

    /**
     * Closures are named "Function" and hidden nodes "(system)" by the class naming, which adds
     * those strings to the table; objects the file itself names so must land in the same class, as
     * DevTools keys classes by their text.
     */
    @Test
    void namesTheFileAlreadyHasAndNamesAddedLaterMakeOneClass() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int object = s.node("object", "Function", 10);
        int closure = s.node("closure", "handler", 20);
        int systemObject = s.node("object", "(system)", 3);
        int hidden = s.node("hidden", "system / Foo", 7);
        int slot = 0;
        for (int node : new int[]{object, closure, systemObject, hidden}) {
            s.edge(root, "element", Integer.toString(slot++), node);
        }
        HeapSnapshot snapshot = new HeapSnapshotLoader().load(s.write(dir.resolve("names.heapsnapshot")));

        List<HeapSnapshot.ClassSummary> functions = snapshot.classSummaries().stream()
                .filter(c -> c.name().equals("Function")).toList();
        assertThat(functions).hasSize(1);
        assertThat(functions.get(0).count()).isEqualTo(2);
        assertThat(functions.get(0).selfSize()).isEqualTo(30);
        List<HeapSnapshot.ClassSummary> system = snapshot.classSummaries().stream()
                .filter(c -> c.name().equals("(system)")).toList();
        assertThat(system).hasSize(1);
        assertThat(system.get(0).count()).isEqualTo(2);
        assertThat(snapshot.classOf(object)).isEqualTo(snapshot.classOf(closure));
    }
}
