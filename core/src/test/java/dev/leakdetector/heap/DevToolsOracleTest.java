package dev.leakdetector.heap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leakdetector.report.SnapshotSummary;
import dev.leakdetector.testing.DevToolsOracle;
import dev.leakdetector.testing.NodeFixtures;
import dev.leakdetector.testing.SnapshotRewriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our engine against Chrome DevTools' own heap snapshot code, on snapshots written by real Node.js
 * processes: node and edge counts, total size and, for every class, count, self size, retained size
 * and distance must be identical.
 */
class DevToolsOracleTest {

    @TempDir
    Path dir;

    @Test
    void matchesDevToolsOnBothFixtureSnapshots() throws Exception {
        NodeFixtures.Fixture fixture = NodeFixtures.fixture();
        assertIdentical(fixture.first());
        assertIdentical(fixture.second());
    }

    @Test
    void matchesDevToolsOnALargerHeap() throws Exception {
        NodeFixtures.Fixture fixture = NodeFixtures.generate(dir.resolve("scale-20"), 20);
        assertIdentical(fixture.second());
    }

    /** Node 24 dropped trace_node_id, old V8 had no detachedness, very old V8 had five fields. */
    @Test
    void matchesDevToolsOnEveryNodeFieldLayout() throws Exception {
        Path source = NodeFixtures.fixture().first();
        List<List<String>> layouts = List.of(
                List.of("type", "name", "id", "self_size", "edge_count", "detachedness"),
                List.of("type", "name", "id", "self_size", "edge_count", "trace_node_id"),
                List.of("type", "name", "id", "self_size", "edge_count"),
                List.of("id", "edge_count", "name", "detachedness", "type", "self_size"));
        int n = 0;
        for (List<String> layout : layouts) {
            Path file = SnapshotRewriter.withNodeFields(source, dir.resolve("layout-" + n++ + ".heapsnapshot"), layout);
            assertIdentical(file);
        }
    }

    @Test
    void gzipInputGivesTheSameSummaryAsThePlainFile() throws Exception {
        Path plain = NodeFixtures.fixture().first();
        Path gz = SnapshotRewriter.gzip(plain, dir.resolve("fixture.heapsnapshot.gz"));
        SnapshotSummary fromPlain = SnapshotSummary.of(new HeapSnapshotLoader().load(plain));
        SnapshotSummary fromGzip = SnapshotSummary.of(new HeapSnapshotLoader().load(gz));
        assertThat(fromGzip.classes()).isEqualTo(fromPlain.classes());
        assertThat(fromGzip.totalSize()).isEqualTo(fromPlain.totalSize());
    }

    private static void assertIdentical(Path file) throws Exception {
        HeapSnapshot ours = new HeapSnapshotLoader().load(file);
        JsonNode devtools = DevToolsOracle.summary(file);

        assertThat(ours.nodeCount()).as("nodeCount of %s", file).isEqualTo(devtools.get("nodeCount").asLong());
        assertThat(ours.edgeCount()).as("edgeCount of %s", file).isEqualTo(devtools.get("edgeCount").asLong());
        assertThat(ours.totalSize()).as("totalSize of %s", file).isEqualTo(devtools.get("totalSize").asLong());

        Map<String, SnapshotSummary.ClassRow> ourClasses = new HashMap<>();
        for (SnapshotSummary.ClassRow row : SnapshotSummary.of(ours).classes()) {
            ourClasses.put(row.key(), row);
        }
        Map<String, JsonNode> theirClasses = new HashMap<>();
        devtools.get("classes").forEach(c -> theirClasses.put(c.get("key").asText(), c));
        assertThat(ourClasses.keySet()).as("class keys of %s", file).isEqualTo(theirClasses.keySet());
        for (Map.Entry<String, JsonNode> entry : theirClasses.entrySet()) {
            SnapshotSummary.ClassRow row = ourClasses.get(entry.getKey());
            JsonNode expected = entry.getValue();
            String what = "class " + entry.getKey() + " in " + file;
            assertThat(row.name()).as(what).isEqualTo(expected.get("name").asText());
            assertThat(row.count()).as(what + " count").isEqualTo(expected.get("count").asLong());
            assertThat(row.selfSize()).as(what + " selfSize").isEqualTo(expected.get("selfSize").asLong());
            assertThat(row.retainedSize()).as(what + " retainedSize").isEqualTo(expected.get("retainedSize").asLong());
            assertThat(row.distance()).as(what + " distance").isEqualTo(expected.get("distance").asInt());
        }
    }
}
