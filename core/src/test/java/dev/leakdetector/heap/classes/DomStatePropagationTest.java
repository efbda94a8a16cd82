package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedder's attached/detached states, propagated through native nodes as DevTools does. */
class DomStatePropagationTest {

    @TempDir
    Path dir;

    @Test
    void propagatesThroughNativeNodesAndRenamesTheDetachedOnes() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int window = s.node("object", "Window", 10);
        int document = s.node("native", "HTMLDocument", 10, DomStatePropagation.ATTACHED);
        int shown = s.node("native", "HTMLSpanElement", 10, DomStatePropagation.UNKNOWN);
        int holder = s.node("object", "Holder", 10);
        int removed = s.node("native", "HTMLDivElement", 10, DomStatePropagation.DETACHED);
        int removedChild = s.node("native", "HTMLSpanElement", 10, DomStatePropagation.UNKNOWN);
        int hiddenOnly = s.node("native", "HTMLParagraphElement", 10, DomStatePropagation.UNKNOWN);
        s.edge(root, "element", "0", window);
        s.edge(window, "property", "document", document);
        s.edge(window, "property", "holder", holder);
        s.edge(document, "element", "0", shown);
        s.edge(holder, "property", "div", removed);
        s.edge(removed, "element", "0", removedChild);
        // Hidden edges do not carry a state.
        s.edge(removed, "hidden", "1", hiddenOnly);
        HeapSnapshot snapshot = load(s, "dom.heapsnapshot");

        assertThat(snapshot.domState(document)).isEqualTo(DomStatePropagation.ATTACHED);
        assertThat(snapshot.domState(shown)).isEqualTo(DomStatePropagation.ATTACHED);
        assertThat(snapshot.domState(removed)).isEqualTo(DomStatePropagation.DETACHED);
        assertThat(snapshot.domState(removedChild)).isEqualTo(DomStatePropagation.DETACHED);
        assertThat(snapshot.domState(hiddenOnly)).isEqualTo(DomStatePropagation.UNKNOWN);
        assertThat(snapshot.domState(window)).isEqualTo(DomStatePropagation.UNKNOWN);
        assertThat(snapshot.graph().nodeName(removedChild)).isEqualTo("Detached HTMLSpanElement");
        assertThat(snapshot.graph().nodeName(shown)).isEqualTo("HTMLSpanElement");
    }

    /** A Node.js heap carries the field with every value 0: all states stay unknown, nothing renamed. */
    @Test
    void aHeapWithoutStatesKeepsThemAllUnknown() throws Exception {
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        int global = s.node("object", "global", 10);
        int binding = s.node("native", "Detached TCPWrap", 10, DomStatePropagation.UNKNOWN);
        s.edge(root, "element", "0", global);
        s.edge(global, "property", "handle", binding);
        HeapSnapshot snapshot = load(s, "node.heapsnapshot");

        assertThat(snapshot.graph().hasDetachedness()).isTrue();
        assertThat(snapshot.domState(global)).isEqualTo(DomStatePropagation.UNKNOWN);
        assertThat(snapshot.domState(binding)).isEqualTo(DomStatePropagation.UNKNOWN);
        assertThat(snapshot.graph().nodeName(binding)).isEqualTo("Detached TCPWrap");
    }

    private HeapSnapshot load(TestSnapshot s, String name) throws Exception {
        return new HeapSnapshotLoader().load(s.write(dir.resolve(name)));
    }
}
