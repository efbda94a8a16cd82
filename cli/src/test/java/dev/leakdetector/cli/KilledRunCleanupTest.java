package dev.leakdetector.cli;

import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash path for real: a detector JVM is killed with SIGKILL in the middle of a run (the
 * target drained through the agent's maintenance file, a replacement running), then
 * {@code leak-detector cleanup} repairs it from the journal and by the replacement's marks.
 */
class KilledRunCleanupTest {

    @TempDir
    Path dir;

    @Test
    void cleanupAfterSigkillRestoresTrafficAndRemovesTheReplacement() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path maintenance = dir.resolve("maintenance");
        Path agent = NodeFixtures.repositoryRoot().resolve("agent/index.js");
        ProcessBuilder serviceBuilder = new ProcessBuilder("node", NodeFixtures.resource("node/service.js").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        serviceBuilder.environment().put("PORT", Integer.toString(port));
        serviceBuilder.environment().put("AGENT", agent.toString());
        serviceBuilder.environment().put("LEAK_DETECTOR_AGENT_PORT", "0");
        serviceBuilder.environment().put("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE", maintenance.toString());
        Process service = serviceBuilder.start();
        Process detector = null;
        try {
            awaitStatus(port, 200);
            Path output = dir.resolve("reports");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                    "--replace-strategy", "local", "--container-id", Long.toString(service.pid()),
                    "--drain-method", "file", "--drain-whole-delay", "--drain-grace-period", "1s", "--delay", "2",
                    "--output-dir", output.toString(), "--no-progress"));
            detector = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("detector.log").toFile()).start();
            Path journal = awaitJournalStep(output, "\"step\":\"delay\"", Duration.ofSeconds(60), detector);
            String runId = journal.getParent().getFileName().toString();

            // Mid-delay: drained (the agent answers 503) and a replacement is running.
            assertThat(Files.exists(maintenance)).isTrue();
            assertThat(status(port)).isEqualTo(503);
            assertThat(replacementsOf(runId)).isNotEmpty();

            detector.destroyForcibly();
            assertThat(detector.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // SIGKILL runs no shutdown hook: everything is still as the run left it.
            assertThat(Files.exists(maintenance)).isTrue();
            assertThat(replacementsOf(runId)).isNotEmpty();

            CliRunner.Result cleanup = CliRunner.run("cleanup", "--run-id", runId, "--output-dir", output.toString());
            assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
            assertThat(cleanup.out()).contains("remove " + maintenance).contains("stop the replacement");
            assertThat(Files.exists(maintenance)).isFalse();
            awaitStatus(port, 200);
            assertThat(replacementsOf(runId)).isEmpty();

            CliRunner.Result again = CliRunner.run("cleanup", "--all", "--output-dir", output.toString());
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).contains("0 change(s) undone");
        } finally {
            if (detector != null) {
                detector.destroyForcibly();
            }
            service.destroyForcibly();
            Files.deleteIfExists(maintenance);
        }
    }

    private static List<Long> replacementsOf(String runId) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                String environ = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"));
                if (environ.contains("LEAK_DETECTOR_RUN_ID=" + runId + "\0")
                        && environ.contains("LEAK_DETECTOR_ROLE=replacement")) {
                    pids.add(p.pid());
                }
            } catch (IOException | RuntimeException ignored) {
                // Gone or not ours to read.
            }
        });
        return pids;
    }

    private static Path awaitJournalStep(Path output, String marker, Duration timeout, Process detector)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(detector.isAlive()).as("the detector exited early").isTrue();
            if (Files.isDirectory(output)) {
                try (var runs = Files.list(output)) {
                    for (Path run : runs.toList()) {
                        Path journal = run.resolve("journal.jsonl");
                        if (Files.exists(journal) && Files.readString(journal).contains(marker)) {
                            return journal;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run never reached " + marker);
    }

    private static int status(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/items/x"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitStatus(int port, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = status(port);
                if (last == expected) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("port " + port + " answered " + last + ", expected " + expected);
    }
}
