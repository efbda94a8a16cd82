package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonListsEveryClassWithTheDocumentedFields() throws Exception {
        Path snapshot = NodeFixtures.fixture().first();
        CliRunner.Result result = CliRunner.run("summary", snapshot.toString(), "--format", "json");

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("nodeCount").asLong()).isPositive();
        assertThat(json.get("edgeCount").asLong()).isGreaterThan(json.get("nodeCount").asLong());
        long selfTotal = 0;
        for (JsonNode c : json.get("classes")) {
            assertThat(c.has("name") && c.has("count") && c.has("selfSize") && c.has("retainedSize")).isTrue();
            selfTotal += c.get("selfSize").asLong();
        }
        // Every class is listed: their self sizes add up to the total.
        assertThat(selfTotal).isEqualTo(json.get("totalSize").asLong());
        JsonNode session = find(json, "Session");
        assertThat(session.get("count").asInt()).isEqualTo(NodeFixtures.fixture().manifest().get("counts").get("Session").asInt());
        // The fixture makes 2000 {a, b} objects; Node's own heap may add a few of the same shape.
        assertThat(find(json, "{a, b}").get("count").asInt()).isBetween(2000, 2010);
    }

    @Test
    void outputFileIsPrivateAndComplete() throws Exception {
        Path out = dir.resolve("summary.json");
        CliRunner.Result result = CliRunner.run("summary", NodeFixtures.fixture().first().toString(),
                "--format", "json", "--output", out.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEmpty();
        assertThat(JSON.readTree(out.toFile()).get("classes").size()).isGreaterThan(50);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void textTableShowsTheTopClasses() {
        CliRunner.Result result = CliRunner.run("summary", NodeFixtures.fixture().first().toString(), "--top", "5");
        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Top 5 classes by retained size").contains("Retained size");
        assertThat(result.out().lines().filter(l -> l.matches("^  \\S.*\\d%$")).count()).isEqualTo(5);
    }

    @Test
    void corruptSnapshotIsOneLineAndExitCode2() throws Exception {
        Path broken = dir.resolve("broken.heapsnapshot");
        byte[] bytes = Files.readAllBytes(NodeFixtures.fixture().first());
        Files.write(broken, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRunner.Result result = CliRunner.run("summary", broken.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().lines().count()).isEqualTo(1);
        assertThat(result.err()).contains(broken.toString()).contains("truncated").doesNotContain("Exception");
    }

    @Test
    void debugShowsTheStackTrace() throws Exception {
        Path broken = dir.resolve("broken.heapsnapshot");
        Files.writeString(broken, "{\"snapshot\":");
        CliRunner.Result result = CliRunner.run(Map.of("DEBUG", "leak-detector:*"), "summary", broken.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("SnapshotFormatException").contains("\tat ");
    }

    @Test
    void missingFileAndBadOptionsAreUsageErrors() {
        CliRunner.Result missing = CliRunner.run("summary", dir.resolve("nope.heapsnapshot").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("nope.heapsnapshot: no such file");

        CliRunner.Result badOption = CliRunner.run("summary", "--format", "xml", "x.heapsnapshot");
        assertThat(badOption.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badOption.err()).contains("--format");
    }

    private static JsonNode find(JsonNode json, String name) {
        for (JsonNode c : json.get("classes")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no class " + name);
    }
}
