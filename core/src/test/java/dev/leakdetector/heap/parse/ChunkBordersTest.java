package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.testing.NodeFixtures;
import dev.leakdetector.testing.SnapshotRewriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parallel scanners cut sections at arbitrary byte offsets (numbers) or line breaks (strings).
 * With tiny chunks, every node, edge and string of a real snapshot lands next to some chunk border;
 * the graph must still equal the one read sequentially from the gzip stream, value for value.
 */
class ChunkBordersTest {

    @TempDir
    Path dir;

    @Test
    void tinyChunksGiveTheSameGraphAsTheSequentialReader() throws Exception {
        Path plain = NodeFixtures.fixture().first();
        HeapGraph sequential = parse(SnapshotRewriter.gzip(plain, dir.resolve("fixture.heapsnapshot.gz")), 1,
                HeapSnapshotParser.CHUNK_BYTES);
        for (int chunk : new int[] {61, 1_000, 65_537}) {
            for (int threads : new int[] {2, 3}) {
                assertSameGraph(parse(plain, threads, chunk), sequential);
            }
        }
    }

    @Test
    void stringsOfEveryKindSurviveTheCuts() throws Exception {
        String strings = "\"\",\n\"A\",\n\"caf\\u00e9 \\u2603 \\ud83d\\ude00 \\ude00 lone\",\n\"tab\\there \\\"quoted\\\" \\\\\","
                + "\n  \"raw café ☃\"  \n,\n\"\\/\\b\\f\\n\\r\",\"two on\", \"one line\"\n,\n\"B\"";
        Path plain = dir.resolve("strings.heapsnapshot");
        Files.writeString(plain, BadInputTest.minimal().replace("\"strings\":[\"\",\"A\",\"B\"]",
                "\"strings\":[" + strings + "]"), StandardCharsets.UTF_8);
        HeapGraph sequential = parse(SnapshotRewriter.gzip(plain, dir.resolve("strings.heapsnapshot.gz")), 1,
                HeapSnapshotParser.CHUNK_BYTES);
        assertThat(sequential.strings().get(2)).isEqualTo("caf\u00e9 \u2603 \ud83d\ude00 \ude00 lone");
        assertThat(sequential.strings().get(4)).isEqualTo("raw café ☃");
        assertThat(sequential.strings().indexOf("one line")).isEqualTo(7);
        for (int chunk = 1; chunk < 120; chunk += 7) {
            assertSameGraph(parse(plain, 2, chunk), sequential);
        }
        // Not the last section: the regions past its closing bracket see other sections, and must not care.
        String text = Files.readString(plain, StandardCharsets.UTF_8);
        String section = text.substring(text.indexOf(",\n\"strings\""), text.lastIndexOf(']') + 1);
        Path early = dir.resolve("strings-first.heapsnapshot");
        Files.writeString(early, text.replace(section, "").replace(",\n\"nodes\"", section + ",\n\"nodes\""),
                StandardCharsets.UTF_8);
        for (int chunk = 1; chunk < 120; chunk += 7) {
            assertSameGraph(parse(early, 2, chunk), sequential);
        }
    }

    @Test
    void aLineBreakInsideAStringIsRejectedWhateverTheChunks() throws Exception {
        Path plain = dir.resolve("broken.heapsnapshot");
        Files.writeString(plain, BadInputTest.minimal().replace("\"A\"", "\"first\nsecond\""));
        for (int chunk : new int[] {1, 5, 13, HeapSnapshotParser.CHUNK_BYTES}) {
            assertThatThrownBy(() -> parse(plain, 2, chunk))
                    .isInstanceOf(SnapshotFormatException.class)
                    .hasMessageContaining("line break inside a string");
        }
    }

    /**
     * The workers count and parse each chunk in one go, handing counts on in chunk order: a section
     * cut short, or holding more or fewer values than the header promises, must still be reported as
     * such (not as whatever a half-read number turns into), wherever the chunk borders fall.
     */
    @Test
    void cutsAndWrongCountsAreReportedWhateverTheChunks() throws Exception {
        String text = Files.readString(NodeFixtures.fixture().first(), StandardCharsets.ISO_8859_1);
        int edges = text.indexOf("\"edges\":[");
        int edgesEnd = text.indexOf("]", edges);
        int nodeCount = Integer.parseInt(text.replaceFirst("(?s).*?\"node_count\":(\\d+).*", "$1"));
        java.util.Map<String, String> expectedErrors = new java.util.LinkedHashMap<>();
        // Cuts in the edges, where the file is still long enough for the header's counts (an earlier
        // cut is caught by that check, before any section is read).
        for (int cut : new int[] {edges + 1_000_001, (edges + edgesEnd) / 2, edgesEnd - 3, edgesEnd}) {
            Path file = dir.resolve("cut-" + cut + ".heapsnapshot");
            Files.writeString(file, text.substring(0, cut), StandardCharsets.ISO_8859_1);
            expectedErrors.put(file.toString(), "the section is never closed");
        }
        for (int count : new int[] {nodeCount - 1, nodeCount + 1}) {
            Path file = dir.resolve("count-" + count + ".heapsnapshot");
            Files.writeString(file, text.replace("\"node_count\":" + nodeCount, "\"node_count\":" + count),
                    StandardCharsets.ISO_8859_1);
            expectedErrors.put(file.toString(), "the section holds " + nodeCount * 7L
                    + " values but the header promises " + count * 7L);
        }
        for (var expected : expectedErrors.entrySet()) {
            for (int chunk : new int[] {1_000, 65_537, HeapSnapshotParser.CHUNK_BYTES}) {
                for (int threads : new int[] {2, 3}) {
                    assertThatThrownBy(() -> parse(Path.of(expected.getKey()), threads, chunk))
                            .as("%s in chunks of %d bytes on %d threads", expected.getKey(), chunk, threads)
                            .isInstanceOf(SnapshotFormatException.class)
                            .hasMessageContaining(expected.getValue());
                }
            }
        }
    }

    /**
     * A file cut one digit after a chunk border, inside a number: the worker of the chunk before
     * reads on to finish that number and meets the end of the file. The piece it has is not a value
     * (here a {@code to_node} that is no multiple of 7), and the cut must be reported as such.
     */
    @Test
    void aNumberCutByTheEndOfTheFileIsNotAValue() throws Exception {
        String text = Files.readString(NodeFixtures.fixture().first(), StandardCharsets.ISO_8859_1);
        int start = text.indexOf("\"edges\":[") + "\"edges\":[".length();
        int end = text.indexOf("]", start);
        int chunk = 1_000;
        // The first to_node (every third value) after 1 MB of edges, where the file is still long
        // enough for the header's counts, that spans a chunk border with a first digit that is no
        // multiple of 7.
        int cut = -1;
        int value = 0;
        for (int i = start; i < end && cut < 0; ) {
            while (!Character.isDigit(text.charAt(i))) {
                i++;
            }
            int from = i;
            while (Character.isDigit(text.charAt(i))) {
                i++;
            }
            int border = start + ((from - start) / chunk + 1) * chunk;
            if (value % 3 == 2 && from > start + 1_000_000 && border < i
                    && Long.parseLong(text.substring(from, border + 1)) % 7 != 0) {
                cut = border + 1;
            }
            value++;
        }
        assertThat(cut).isPositive();
        Path file = dir.resolve("cut-in-a-number.heapsnapshot");
        Files.writeString(file, text.substring(0, cut), StandardCharsets.ISO_8859_1);
        for (int threads : new int[] {2, 3}) {
            for (int round = 0; round < 5; round++) {
                assertThatThrownBy(() -> parse(file, threads, chunk))
                        .isInstanceOf(SnapshotFormatException.class)
                        .hasMessageContaining("the section is never closed");
            }
        }
    }

    private static HeapGraph parse(Path file, int threads, int chunk) throws Exception {
        return new HeapSnapshotParser(new HeapSnapshotParser.Options(threads, ProgressListener.NONE, false), chunk)
                .parse(file);
    }

    private static void assertSameGraph(HeapGraph actual, HeapGraph expected) {
        assertThat(actual.nodeCount()).isEqualTo(expected.nodeCount());
        assertThat(actual.rawNodeTypes()).isEqualTo(expected.rawNodeTypes());
        assertThat(actual.rawNodeNames()).isEqualTo(expected.rawNodeNames());
        assertThat(actual.rawNodeIds()).isEqualTo(expected.rawNodeIds());
        assertThat(actual.rawFirstEdge()).isEqualTo(expected.rawFirstEdge());
        assertThat(actual.rawEdgeTypeAndTarget()).isEqualTo(expected.rawEdgeTypeAndTarget());
        assertThat(actual.rawEdgeNameOrIndex()).isEqualTo(expected.rawEdgeNameOrIndex());
        for (int n = 0; n < expected.nodeCount(); n++) {
            assertThat(actual.selfSize(n)).isEqualTo(expected.selfSize(n));
            assertThat(actual.detachedness(n)).isEqualTo(expected.detachedness(n));
        }
        assertThat(actual.strings().size()).isEqualTo(expected.strings().size());
        for (int i = 0; i < expected.strings().size(); i++) {
            assertThat(actual.strings().get(i)).isEqualTo(expected.strings().get(i));
        }
        assertThat(actual.locations().size()).isEqualTo(expected.locations().size());
        for (int i = 0; i < expected.locations().size(); i++) {
            assertThat(actual.locations().nodeOrdinal(i)).isEqualTo(expected.locations().nodeOrdinal(i));
            assertThat(actual.locations().scriptId(i)).isEqualTo(expected.locations().scriptId(i));
            assertThat(actual.locations().line(i)).isEqualTo(expected.locations().line(i));
            assertThat(actual.locations().column(i)).isEqualTo(expected.locations().column(i));
        }
    }
}
