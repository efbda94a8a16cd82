package dev.leakdetector.cli;

import dev.leakdetector.testing.NodeApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a real {@code leak-detector internal-snapshot} JVM: its shutdown hook must leave
 * maintenance and remove the partial snapshot, as {@code docker stop} or Ctrl-C would need.
 */
class InternalSnapshotInterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileWaitingForRequestsLeavesTheAgentsMaintenance() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 100, Map.of())) {
            // A request that outlasts the test keeps the command waiting in its grace period.
            CompletableFuture<HttpResponse<String>> busy = app.get("/slow?ms=60000");
            NodeApp.await("a request in flight", Duration.ofSeconds(10),
                    () -> status(controlPort, "inFlight").equals("1"));
            Process cli = startCli("internal-snapshot", "--file", dir.resolve("x.heapsnapshot").toString(),
                    "--agent-port", Integer.toString(controlPort), "--maintenance-grace", "120000");
            try {
                NodeApp.await("maintenance on", Duration.ofSeconds(30),
                        () -> status(controlPort, "maintenance").equals("true") || !cli.isAlive());
                assertThat(cli.isAlive()).as("the CLI runs; it said: %s", errors()).isTrue();

                cli.destroy();
                assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

                assertThat(status(controlPort, "maintenance")).isEqualTo("false");
                assertThat(errors()).contains("interrupted; everything was undone");
                assertThat(busy).isNotDone();
            } finally {
                cli.destroyForcibly();
            }
        }
    }

    @Test
    void sigtermMidSnapshotRemovesTheMaintenanceFileAndThePartialFile() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        Path file = dir.resolve("big.heapsnapshot");
        Path partial = dir.resolve("big.heapsnapshot.partial");
        // Big enough that V8 needs seconds to build the snapshot.
        try (NodeApp app = NodeApp.plain(maintenanceFile, 300_000)) {
            Process cli = startCli("internal-snapshot", "--file", file.toString(), "--pid", Long.toString(app.pid()),
                    "--agent-port", "0", "--maintenance-file", maintenanceFile.toString(), "--maintenance-grace", "100");
            try {
                NodeApp.await("the snapshot to start", Duration.ofSeconds(60), () -> Files.exists(partial) || !cli.isAlive());
                assertThat(cli.isAlive()).as("the CLI runs; it said: %s", errors()).isTrue();

                cli.destroy();
                assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

                assertThat(maintenanceFile).doesNotExist();
                assertThat(partial).doesNotExist();
                assertThat(file).doesNotExist();
                assertThat(app.alive()).isTrue();
            } finally {
                cli.destroyForcibly();
            }
        }
    }

    /** The CLI in a JVM of its own, with this test's class path; stdout and stderr go to files. */
    private Process startCli(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve("cli.out").toFile())
                .redirectError(dir.resolve("cli.err").toFile())
                .start();
    }

    private String errors() throws IOException {
        return Files.readString(dir.resolve("cli.err"));
    }

    private static String status(int controlPort, String field) {
        try {
            return NodeApp.agentStatus(controlPort).path(field).asText();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
