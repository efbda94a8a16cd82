package dev.leakdetector.heap.graph;

import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.testing.TestSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte-level substring test must answer as {@link String#contains} does, however the string is stored. */
class StringTableTest {

    @TempDir
    Path dir;

    @Test
    void containsAsciiAgreesWithStringContains() throws Exception {
        List<String> names = List.of("8 / part of key (A @1) -> value", " / part of key (", "x / part of key",
                "/ part of key (", "é / part of key (é", "☃ / part of key (☃", "☃ / part of kei (", "", "elements",
                "ends with / part of key (");
        TestSnapshot s = new TestSnapshot();
        int root = s.node("synthetic", "", 0);
        for (int i = 0; i < names.size(); i++) {
            s.edge(root, "element", Integer.toString(i), s.node("object", names.get(i), 1));
        }
        StringTable strings = new HeapSnapshotParser().parse(s.write(dir.resolve("names.heapsnapshot"))).strings();
        int added = strings.add("appended / part of key (");
        byte[] marker = " / part of key (".getBytes(StandardCharsets.US_ASCII);
        int found = 0;
        for (int index = 0; index < strings.size(); index++) {
            boolean expected = strings.get(index).contains(" / part of key (");
            assertThat(strings.containsAscii(index, marker)).as("string %d: %s", index, strings.get(index))
                    .isEqualTo(expected);
            found += expected ? 1 : 0;
        }
        assertThat(found).isEqualTo(6);
        assertThat(strings.containsAscii(added, marker)).isTrue();
    }
}
