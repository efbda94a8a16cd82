package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Broken input gets a {@link SnapshotFormatException} whose one-line message names the file and
 * says what is wrong, and where: never another exception, a hang or an OutOfMemoryError.
 */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void emptyFile() throws Exception {
        assertRejected(write("empty.heapsnapshot", ""), "the file is empty");
    }

    @Test
    void notJson() throws Exception {
        assertRejected(write("text.heapsnapshot", "hello, world\n"), "not a V8 heap snapshot: expected '{'");
    }

    @Test
    void jsonThatIsNotASnapshot() throws Exception {
        assertRejected(write("other.json", "{\"name\": \"package\", \"version\": 1}"), "the first key is 'name'");
    }

    @Test
    void javaHprofDump() throws Exception {
        Path file = dir.resolve("java.hprof");
        Files.write(file, "JAVA PROFILE 1.0.2\0\0\0\4binary".getBytes(StandardCharsets.ISO_8859_1));
        assertRejected(file, "Java HPROF heap dump");
    }

    @Test
    void gzipGarbage() throws Exception {
        Path file = dir.resolve("broken.heapsnapshot.gz");
        byte[] bytes = gzip(Files.readAllBytes(NodeFixtures.fixture().first()));
        for (int i = 200; i < 400; i++) {
            bytes[i] ^= 0x5A;
        }
        Files.write(file, bytes);
        assertRejected(file, "");
    }

    @Test
    void truncatedGzip() throws Exception {
        byte[] bytes = gzip(Files.readAllBytes(NodeFixtures.fixture().first()));
        Path file = dir.resolve("short.heapsnapshot.gz");
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRejected(file, "");
    }

    /** Cutting a real snapshot anywhere must be detected, whichever section the cut lands in. */
    @Test
    void truncationAtManyPoints() throws Exception {
        byte[] bytes = Files.readAllBytes(NodeFixtures.fixture().first());
        int[] cuts = {1, 10, 100, 700, 2000, bytes.length / 7, bytes.length / 3, bytes.length / 2,
            bytes.length * 2 / 3, bytes.length * 9 / 10, bytes.length - 100, bytes.length - 3, bytes.length - 2};
        for (int cut : cuts) {
            Path file = dir.resolve("cut-" + cut + ".heapsnapshot");
            Files.write(file, java.util.Arrays.copyOf(bytes, cut));
            assertRejected(file, "");
        }
    }

    @Test
    void nodeCountDisagreesWithTheNodesArray() throws Exception {
        String snapshot = minimal().replace("\"node_count\":3", "\"node_count\":4");
        assertRejected(write("count.heapsnapshot", snapshot), "header promises");
    }

    @Test
    void edgeCountsDisagree() throws Exception {
        String snapshot = minimal().replace("\"edge_count\":2", "\"edge_count\":3");
        assertRejected(write("edges.heapsnapshot", snapshot), "");
    }

    @Test
    void toNodeOutOfRange() throws Exception {
        String snapshot = minimal().replace("2,2,14]", "2,2,700]");
        assertRejected(write("to.heapsnapshot", snapshot), "beyond the last node");
    }

    @Test
    void toNodeNotAMultipleOfTheFieldCount() throws Exception {
        String snapshot = minimal().replace("2,2,14]", "2,2,15]");
        assertRejected(write("to.heapsnapshot", snapshot), "not a multiple of 7");
    }

    @Test
    void nameOutsideTheStringTable() throws Exception {
        String snapshot = minimal().replace("[9,0,1,0,1,0,0", "[9,42,1,0,1,0,0");
        assertRejected(write("name.heapsnapshot", snapshot), "string table holds");
    }

    @Test
    void missingStringsSection() throws Exception {
        String snapshot = minimal();
        snapshot = snapshot.substring(0, snapshot.indexOf(",\n\"strings\"")) + "}";
        assertRejected(write("nostrings.heapsnapshot", snapshot), "missing section 'strings'");
    }

    @Test
    void headerPromisingMoreThanTheFileCanHold() throws Exception {
        String snapshot = minimal().replace("\"node_count\":3", "\"node_count\":200000000");
        assertRejected(write("huge.heapsnapshot", snapshot), "more than a file of this size can hold");
    }

    @Test
    void aDirectoryIsNotASnapshot() throws Exception {
        assertRejected(Files.createDirectory(dir.resolve("dir.heapsnapshot")), "is a directory");
    }

    @Test
    void theMinimalSnapshotItselfLoads() throws Exception {
        var snapshot = new HeapSnapshotLoader().load(write("ok.heapsnapshot", minimal()));
        assertThat(snapshot.nodeCount()).isEqualTo(3);
        assertThat(snapshot.totalSize()).isEqualTo(30);
    }

    /** Three nodes: root → A → B, A with a self size of 10 and B of 20. */
    static String minimal() {
        return "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
                + "\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
                + "\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\"],\"string\",\"number\","
                + "\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\","
                + "\"to_node\"],\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\","
                + "\"shortcut\",\"weak\"],\"string_or_number\",\"node\"]},\"node_count\":3,\"edge_count\":2,"
                + "\"trace_function_count\":0},\n\"nodes\":[9,0,1,0,1,0,0\n,3,1,3,10,1,0,0\n,3,2,5,20,0,0,0],\n"
                + "\"edges\":[1,0,7\n,2,2,14],\n\"strings\":[\"\",\"A\",\"B\"]}";
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static byte[] gzip(byte[] data) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static void assertRejected(Path file, String expectedText) {
        assertThatThrownBy(() -> new HeapSnapshotLoader().load(file))
                .isInstanceOf(SnapshotFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expectedText)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
