package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.NodeApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code internal-snapshot} through the real wiring, against real Node.js services with and
 * without the agent. Each service keeps an object in its heap while it is in maintenance, so the
 * snapshot itself shows whether it was taken out of rotation.
 */
class InternalSnapshotCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void snapshotsAServiceWithTheAgentInMaintenanceAndFailsNoRequest() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 20_000, Map.of())) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = List.of(app.get("/slow?ms=1500"),
                    app.get("/slow?ms=1500"), app.get("/slow?ms=1500"));
            NodeApp.await("three requests in flight", Duration.ofSeconds(10), () -> inFlight(controlPort) == 3);
            ReadinessWatch readiness = ReadinessWatch.start(app);
            Path file = dir.resolve("heap/app.heapsnapshot");

            // No --pid: the target is the agent's process. The port comes from the environment, as in a container.
            CliRunner.Result result = CliRunner.run(Map.of("LEAK_DETECTOR_AGENT_PORT", Integer.toString(controlPort)),
                    "internal-snapshot", "--file", file.toString());
            List<Integer> seen = readiness.stop();

            assertThat(result.exitCode()).as(result.err()).isZero();
            JsonNode line = JSON.readTree(result.out());
            assertThat(line.get("file").asText()).isEqualTo(file.toString());
            assertThat(line.get("pid").asLong()).isEqualTo(app.pid());
            assertThat(line.get("method").asText()).isEqualTo("inspector");
            assertThat(line.get("maintenance").asText()).isEqualTo("agent");
            assertThat(line.get("drained").asBoolean()).isTrue();
            assertThat(line.get("bytes").asLong()).isEqualTo(Files.size(file));

            for (CompletableFuture<HttpResponse<String>> request : inFlight) {
                assertThat(request.join().statusCode()).isEqualTo(200);
                assertThat(request.join().body()).isEqualTo("done /slow");
            }
            assertThat(seen).as("readiness while the command ran").contains(503);
            assertThat(app.get("/ready").join().statusCode()).isEqualTo(200);
            assertThat(NodeApp.agentStatus(controlPort).path("maintenance").asBoolean()).isFalse();
            assertThat(app.events()).extracting(e -> e.get("maintenance").asBoolean()).containsExactly(true, false);

            HeapSnapshot heap = new HeapSnapshotLoader().load(file);
            assertThat(count(heap, "MaintenanceWasOn")).as("taken in maintenance").isEqualTo(1);
            assertThat(count(heap, "Payload")).isEqualTo(20_000);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        }
    }

    @Test
    void snapshotsAServiceWithoutTheAgentThroughTheMaintenanceFile() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        try (NodeApp app = NodeApp.plain(maintenanceFile, 20_000)) {
            Path file = dir.resolve("plain.heapsnapshot");

            CliRunner.Result result = CliRunner.run("internal-snapshot", "--file", file.toString(),
                    "--pid", Long.toString(app.pid()), "--agent-port", Integer.toString(NodeApp.freePort()),
                    "--maintenance-file", maintenanceFile.toString(), "--maintenance-grace", "300");

            assertThat(result.exitCode()).as(result.err()).isZero();
            JsonNode line = JSON.readTree(result.out());
            assertThat(line.get("maintenance").asText()).isEqualTo("file");
            assertThat(line.get("drained").isNull()).isTrue();
            assertThat(result.err()).contains("maintenance on via the file " + maintenanceFile);
            assertThat(maintenanceFile).doesNotExist();
            assertThat(count(new HeapSnapshotLoader().load(file), "MaintenanceFileSeen")).as("taken in maintenance")
                    .isEqualTo(1);
            NodeApp.await("the app to leave maintenance", Duration.ofSeconds(10), () -> app.events().size() == 2);
            assertThat(app.get("/ready").join().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMaintenanceFileThatExistedStaysInPlace() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        Files.writeString(maintenanceFile, "kept out of rotation by an operator\n");
        try (NodeApp app = NodeApp.plain(maintenanceFile, 100)) {
            CliRunner.Result result = CliRunner.run("internal-snapshot", "--file", dir.resolve("x.heapsnapshot").toString(),
                    "--pid", Long.toString(app.pid()), "--agent-port", "0",
                    "--maintenance-file", maintenanceFile.toString(), "--maintenance-grace", "100");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.err()).contains("existed already; it stays in place afterwards");
            assertThat(maintenanceFile).hasContent("kept out of rotation by an operator");
        }
    }

    @Test
    void anAgentThatWantsATokenIsAnEnvironmentErrorUntilItIsGiven() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 100, Map.of("LEAK_DETECTOR_AGENT_TOKEN", "s3cret"))) {
            String[] args = {"internal-snapshot", "--file", dir.resolve("t.heapsnapshot").toString(),
                    "--agent-port", Integer.toString(controlPort), "--maintenance-grace", "0"};
            CliRunner.Result refused = CliRunner.run(args);
            assertThat(refused.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
            assertThat(refused.err()).contains("requires a token: set LEAK_DETECTOR_AGENT_TOKEN");

            CliRunner.Result result = CliRunner.run(Map.of("LEAK_DETECTOR_AGENT_TOKEN", "s3cret"), args);
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(JSON.readTree(result.out()).get("maintenance").asText()).isEqualTo("agent");
        }
    }

    @Test
    void badOptionsAndWrongTargetsAreUsageErrorsThatTouchNothing() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        String file = dir.resolve("x.heapsnapshot").toString();
        String noMaintenance = maintenanceFile.toString();

        assertUsageError(CliRunner.run("internal-snapshot"), "Missing required option: '--file=PATH'");
        assertUsageError(CliRunner.run("internal-snapshot", "--file", file, "--maintenance-grace", "-1"),
                "--maintenance-grace must be between 0 and 600000 ms");
        assertUsageError(CliRunner.run("internal-snapshot", "--file", file, "--agent-port", "70000"),
                "--agent-port must be a port number");
        assertUsageError(CliRunner.run("internal-snapshot", "--file", file, "--pid", "3999999999", "--agent-port", "0",
                "--maintenance-file", noMaintenance), "no process with pid 3999999999");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertUsageError(CliRunner.run("internal-snapshot", "--file", file, "--pid", Long.toString(sleeper.pid()),
                    "--agent-port", "0", "--maintenance-file", noMaintenance), "is not a Node.js process and starts none");
        } finally {
            sleeper.destroyForcibly();
        }
        assertThat(maintenanceFile).doesNotExist();
    }

    private static void assertUsageError(CliRunner.Result result, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains(message);
        assertThat(result.out()).isEmpty();
    }

    private static int inFlight(int controlPort) {
        try {
            return NodeApp.agentStatus(controlPort).path("inFlight").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int count(HeapSnapshot heap, String className) {
        int count = 0;
        for (int node = 0; node < heap.nodeCount(); node++) {
            if (heap.className(node).equals(className)) {
                count++;
            }
        }
        return count;
    }

    /** Asks the service's readiness probe over and over, as a load balancer does, and records the answers. */
    private static final class ReadinessWatch {
        private final List<Integer> statuses = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private ReadinessWatch(NodeApp app) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        statuses.add(app.get("/ready").join().statusCode());
                        Thread.sleep(25);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        statuses.add(-1);
                    }
                }
            }, "readiness-watch");
        }

        static ReadinessWatch start(NodeApp app) {
            ReadinessWatch watch = new ReadinessWatch(app);
            watch.thread.start();
            return watch;
        }

        List<Integer> stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            return List.copyOf(statuses);
        }
    }
}
