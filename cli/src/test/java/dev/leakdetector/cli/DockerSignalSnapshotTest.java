package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --heapsnapshot-signal} fallback of the Docker platform on a real daemon: Node writes
 * each snapshot inside its container when signalled, and the run copies it out and deletes it.
 * Node 20 has no {@code --disable-sigusr1}, so the inspector is made unusable the other way the
 * platform knows, {@code --inspect-port=0} (a random port), or the method is forced.
 */
class DockerSignalSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SIGNAL_NODE = List.of("/usr/bin/node", "--heapsnapshot-signal=SIGUSR2",
            "--inspect-port=0", "/app/server.js");

    @TempDir
    Path dir;

    @RegisterExtension
    final DockerCli cli = new DockerCli(() -> dir);

    private DockerTestEnv.Started startSignalled(String prefix, List<String> options) {
        DockerTestEnv.Started target = cli.docker().start(prefix, options, SIGNAL_NODE);
        DockerTestEnv.awaitServing(target.port(), Duration.ofSeconds(30));
        return target;
    }

    /** The heap snapshot files in the container's /app. */
    private List<String> heapFiles(DockerTestEnv.Started target) {
        return cli.docker().exec(target.name(), "ls", "/app").output().lines().filter(f -> f.startsWith("Heap."))
                .collect(Collectors.toList());
    }

    private String nodePid(DockerTestEnv.Started target) {
        return cli.docker().exec(target.name(), "pidof", "node").output().strip();
    }

    @Test
    void leakyServiceIsFoundLeakingObjectByObjectWithoutAnInspector() throws Exception {
        DockerTestEnv.Started target = startSignalled("ld-signal-leaky", List.of("-e", "LEAK=1"));
        CliRunner.Result result = cli.run(Map.of("DEBUG", "leak-detector:*"), target.name());
        String runId = DockerTestEnv.runId(result.err());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.LEAK);
        assertThat(result.err()).contains("snapshots by SIGUSR2 to pid " + nodePid(target))
                .doesNotContain("sent SIGUSR1").doesNotContain("exec relay");
        Path run = cli.output().resolve(runId);
        JsonNode report = JSON.readTree(run.resolve("analysis.json").toFile());
        assertThat(report.path("summary").path("leakFound").asBoolean()).isTrue();
        assertThat(report.path("offenders").get(0).path("type").asText()).isEqualTo("LeakedSession");
        // Two dumps of one process with no inspector session in between: V8 kept its object ids.
        assertThat(report.path("idLevel").path("comparable").asBoolean()).as(report.path("idLevel").toString()).isTrue();
        assertThat(result.out()).contains("Comparison: object by object");
        for (String name : List.of("before.heapsnapshot", "after.heapsnapshot")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve(name)))).isEqualTo("rw-------");
        }
        assertThat(heapFiles(target)).as("snapshots left in the container").isEmpty();
        cli.docker().assertRestored(target, runId);
    }

    @Test
    void readOnlyWorkingDirectoryIsRefusedBeforeAnythingChanges() {
        // Node 20 would die of the failed write (an uncaught EROFS), so this must never get as far as the signal.
        DockerTestEnv.Started target = startSignalled("ld-signal-ro", List.of("--read-only", "--tmpfs", "/tmp"));
        String pid = nodePid(target);
        CliRunner.Result result = cli.run(target.name());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("cannot create files in /app").contains("Read-only file system")
                .contains("--diagnostic-dir").doesNotContain("\tat ");
        assertThat(result.err()).doesNotContain("step: replacement");
        assertThat(nodePid(target)).as("the same Node process still runs").isEqualTo(pid);
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void targetWithNeitherAnInspectorNorTheSignalIsRefusedWithTheWayOut() {
        DockerTestEnv.Started target = cli.docker().start("ld-signal-neither", List.of(),
                List.of("/usr/bin/node", "--inspect-port=0", "/app/server.js"));
        DockerTestEnv.awaitServing(target.port(), Duration.ofSeconds(30));
        CliRunner.Result result = cli.run(target.name());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("was started with --inspect-port=0")
                .contains("start Node with --heapsnapshot-signal=SIGUSR2").doesNotContain("step: replacement");
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void snapshotThatNeverAppearsFailsTheRunAndCleanupReplaysTheDeletionFromTheJournal() throws Exception {
        // The app took SIGUSR2 for itself, so the signal writes nothing; the method is forced.
        DockerTestEnv.Started target = cli.docker().start("ld-signal-none", List.of("-e", "OWN_SIGUSR2=1"),
                List.of("/usr/bin/node", "--heapsnapshot-signal=SIGUSR2", "/app/server.js"));
        DockerTestEnv.awaitServing(target.port(), Duration.ofSeconds(30));
        String pid = nodePid(target);
        String operators = "Heap.20250101.000000." + pid + ".0.001.heapsnapshot";
        cli.docker().exec(target.name(), "touch", "/app/" + operators);

        CliRunner.Result result = cli.run(Map.of("LEAK_DETECTOR_SNAPSHOT_APPEAR_SECONDS", "3"), target.name(),
                "--snapshot-method", "signal");
        String runId = DockerTestEnv.runId(result.err());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("the snapshot file did not appear in /app of container " + target.name())
                .contains("within 3 s after SIGUSR2 to pid " + pid).doesNotContain("\tat ");
        cli.docker().assertRestored(target, runId);
        assertThat(heapFiles(target)).as("a file from before the run is not ours to delete").containsExactly(operators);

        // What a detector killed before its undo ran leaves: the deletion still open in the journal,
        // and a snapshot Node wrote late. cleanup deletes that one, and only that one.
        Path journal = cli.output().resolve(runId).resolve("journal.jsonl");
        List<String> lines = Files.readAllLines(journal).stream()
                .filter(l -> !(l.contains("\"undo-done\"") && l.contains("docker.remove-snapshot-files"))).toList();
        Files.write(journal, lines);
        String late = "Heap.20250101.000001." + pid + ".0.002.heapsnapshot";
        String otherProcess = "Heap.20250101.000001.99999.0.001.heapsnapshot";
        cli.docker().exec(target.name(), "touch", "/app/" + late, "/app/" + otherProcess);
        CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--run-id", runId, "--output-dir",
                cli.output().toString());
        assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
        assertThat(cleanup.out()).contains("remove the heap snapshot pid " + pid + " wrote into /app");
        assertThat(heapFiles(target)).containsExactlyInAnyOrder(operators, otherProcess);
    }
}
