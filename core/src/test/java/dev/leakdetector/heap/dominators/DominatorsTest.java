package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Dominators and retained sizes on small hand-built graphs whose answers are known. */
class DominatorsTest {

    @TempDir
    Path dir;

    /**
     * The example flowgraph of Lengauer and Tarjan (1979), Figure 1, with the immediate dominators
     * the paper gives for it.
     */
    @Test
    void lengauerTarjanPaperExample() throws Exception {
        TestSnapshot s = new TestSnapshot();
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put("R", s.node("synthetic", "", 0));
        for (String name : "ABCDEFGHIJKL".split("")) {
            v.put(name, s.node("object", name, 10));
        }
        String[][] edges = {{"R", "ABC"}, {"A", "D"}, {"B", "ADE"}, {"C", "FG"}, {"D", "L"}, {"E", "H"}, {"F", "I"},
            {"G", "IJ"}, {"H", "EK"}, {"I", "K"}, {"J", "I"}, {"K", "IR"}, {"L", "H"}};
        int slot = 0;
        for (String[] e : edges) {
            for (String to : e[1].split("")) {
                String type = e[0].equals("R") ? "element" : "property";
                s.edge(v.get(e[0]), type, type.equals("element") ? Integer.toString(slot++) : "to" + to, v.get(to));
            }
        }
        HeapSnapshot snapshot = load(s);

        Map<String, String> expected = Map.ofEntries(Map.entry("A", "R"), Map.entry("B", "R"), Map.entry("C", "R"),
                Map.entry("D", "R"), Map.entry("E", "R"), Map.entry("F", "C"), Map.entry("G", "C"),
                Map.entry("H", "R"), Map.entry("I", "R"), Map.entry("J", "G"), Map.entry("K", "R"),
                Map.entry("L", "D"));
        expected.forEach((node, idom) ->
                assertThat(snapshot.dominator(v.get(node))).as("idom(%s)", node).isEqualTo(v.get(idom)));
        // C dominates F and G, and G dominates J.
        assertThat(snapshot.retainedSize(v.get("C"))).isEqualTo(40);
        assertThat(snapshot.retainedSize(v.get("G"))).isEqualTo(20);
        assertThat(snapshot.retainedSize(v.get("R"))).isEqualTo(120);
        assertThat(snapshot.totalSize()).isEqualTo(120);
    }

    @Test
    void weakEdgesNeverRetain() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int a = s.node("object", "A", 10);
        int b = s.node("object", "B", 100);
        int c = s.node("object", "C", 10);
        int onlyWeak = s.node("object", "OnlyWeak", 7);
        s.edge(root, "element", "0", a);
        s.edge(root, "element", "1", c);
        s.edge(a, "property", "b", b);
        s.edge(c, "weak", "b", b);
        s.edge(c, "weak", "w", onlyWeak);
        HeapSnapshot snapshot = load(s);

        assertThat(snapshot.dominator(b)).isEqualTo(a);
        assertThat(snapshot.retainedSize(a)).isEqualTo(110);
        assertThat(snapshot.retainedSize(c)).isEqualTo(10);
        // Held only weakly: attached to the root, as DevTools does, so the root still retains everything.
        assertThat(snapshot.dominator(onlyWeak)).isEqualTo(root);
        assertThat(snapshot.totalSize()).isEqualTo(127);
    }

    @Test
    void shortcutEdgesRetainOnlyFromTheRoot() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int global = s.node("object", "global", 10);
        int a = s.node("object", "A", 10);
        int b = s.node("object", "B", 10);
        s.edge(root, "shortcut", "1", global);
        s.edge(global, "property", "a", a);
        s.edge(global, "property", "b", b);
        s.edge(a, "shortcut", "b", b);
        HeapSnapshot snapshot = load(s);

        assertThat(snapshot.dominator(global)).isEqualTo(root);
        assertThat(snapshot.dominator(b)).isEqualTo(global);
    }

    /** V8 writes two internal edges to a WeakMap value; DevTools keeps the key's and drops the table's. */
    @Test
    void weakMapValueIsRetainedByItsKeyNotItsTable() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int holder = s.node("object", "Holder", 10);
        int key = s.node("object", "Key", 10);
        int table = s.node("array", "", 10);
        int value = s.node("object", "Value", 50);
        s.edge(root, "element", "0", holder);
        s.edge(holder, "property", "key", key);
        s.edge(holder, "property", "map", table);
        s.weakMapEntry(table, key, value);
        HeapSnapshot snapshot = load(s);

        assertThat(snapshot.dominator(value)).isEqualTo(key);
        assertThat(snapshot.retainedSize(key)).isEqualTo(60);
    }

    @Test
    void cyclesNobodyHoldsAreAttachedToTheRoot() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int a = s.node("object", "A", 10);
        int x = s.node("object", "X", 5);
        int y = s.node("object", "Y", 6);
        s.edge(root, "element", "0", a);
        s.edge(x, "property", "y", y);
        s.edge(y, "property", "x", x);
        HeapSnapshot snapshot = load(s);

        assertThat(snapshot.unreachableFromRoot()).isEqualTo(2);
        assertThat(snapshot.dominator(x)).isEqualTo(root);
        assertThat(snapshot.retainedSize(root)).isEqualTo(21);
    }

    @Test
    void retainedSizesAreLongs() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int holder = s.node("object", "ArrayBuffer", 80);
        int store = s.node("native", "system / JSArrayBufferData", 5L << 30);
        int other = s.node("native", "system / JSArrayBufferData", 3L << 30);
        s.edge(root, "element", "0", holder);
        s.edge(holder, "internal", "backing_store", store);
        s.edge(holder, "internal", "other", other);
        HeapSnapshot snapshot = load(s);

        assertThat(snapshot.selfSize(store)).isEqualTo(5L << 30);
        assertThat(snapshot.retainedSize(holder)).isEqualTo((8L << 30) + 80);
        assertThat(snapshot.retainedSize(root)).isEqualTo((8L << 30) + 80);
        assertThat(snapshot.retainedSize(other)).isEqualTo(3L << 30);
    }

    private HeapSnapshot load(TestSnapshot s) throws Exception {
        return new HeapSnapshotLoader().load(s.write(dir.resolve("graph.heapsnapshot")));
    }
}
