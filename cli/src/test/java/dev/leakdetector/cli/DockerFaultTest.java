package dev.leakdetector.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection on a real daemon: a step fails, the target dies, the detector itself is killed.
 * Each time the target must serve again and nothing of the run may be left, either at once or
 * after {@code leak-detector cleanup}.
 */
class DockerFaultTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final DockerCli cli = new DockerCli(() -> dir);

    @Test
    void replacementThatExitsAtOnceFailsTheRunAndLeavesNothing() {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-image", List.of(), List.of());
        CliRunner.Result result = cli.run(target.name(), "--image", DockerTestEnv.BROKEN_IMAGE);
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("exited with code 3").contains("broken on purpose");
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void failingDrainHookStillRestoresAndRemovesTheReplacement() throws IOException {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-hook", List.of(), List.of());
        Path calls = dir.resolve("calls.txt");
        String script = "echo \"$LD_ACTION\" >> " + calls + "; [ \"$LD_ACTION\" = restore ] || { echo 'lb refused' >&2;"
                + " exit 7; }";
        CliRunner.Result result = cli.run(target.name(), "--drain-method", "command", "--traffic-hook", script);
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("exited with 7");
        // The restore was registered before the drain was tried, so the balancer hears it anyway.
        assertThat(Files.readAllLines(calls)).containsExactly("drain", "restore");
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void execThatFailsInTheTargetFailsTheRunAndLeavesNothing() {
        // A read-only root file system: the file drain's exec cannot create /tmp/maintenance.
        DockerTestEnv.Started target = cli.docker().start("ld-fault-exec", List.of("--read-only"), List.of());
        CliRunner.Result result = cli.run(target.name());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("cannot create /tmp/maintenance").contains("Read-only file system");
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void targetKilledWhileDrainedIsRepairedByCleanupWhenItRunsAgain() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-kill", List.of(), List.of());
        CompletableFuture<CliRunner.Result> running = CompletableFuture.supplyAsync(() -> CliRunner.run(
                cli.docker().environment(), cli.runArgs(target.name(), "0.25", "--drain-whole-delay").toArray(String[]::new)));
        Path run = DockerTestEnv.awaitStep(cli.output(), "delay", Duration.ofSeconds(60), null);
        cli.docker().run(List.of("docker", "kill", target.name()), 30);
        CliRunner.Result result = running.get(120, TimeUnit.SECONDS);
        String runId = run.getFileName().toString();
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.ENVIRONMENT);
        // The maintenance file survives the stop, and the run says it could not remove it.
        assertThat(result.err()).contains("undo failed: remove /tmp/maintenance").contains("is not running");
        assertThat(cli.docker().containers("leak-detector.run-id=" + runId)).as("replacement").isEmpty();

        cli.docker().run(List.of("docker", "start", target.name()), 30);
        DockerTestEnv.sleep(1000);
        assertThat(DockerTestEnv.get(target.port())).as("back in maintenance after the restart").isEqualTo(503);
        CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--run-id", runId, "--output-dir",
                cli.output().toString());
        assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
        assertThat(cleanup.out()).contains("remove /tmp/maintenance");
        cli.docker().assertRestored(target, runId);
    }

    @Test
    void detectorKilledWithSigkillIsRepairedFromTheJournal() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-sigkill", List.of(), List.of());
        Process detector = startDetector(cli.runArgs(target.name(), "2", "--drain-whole-delay"));
        try {
            Path run = DockerTestEnv.awaitStep(cli.output(), "delay", Duration.ofSeconds(90), detector);
            String runId = run.getFileName().toString();
            assertThat(DockerTestEnv.get(target.port())).as("drained").isEqualTo(503);
            detector.destroyForcibly();
            assertThat(detector.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // SIGKILL runs no shutdown hook: the file and the replacement are still there.
            assertThat(cli.docker().exec(target.name(), "test", "-e", "/tmp/maintenance").exitCode()).isZero();
            assertThat(cli.docker().containers("leak-detector.run-id=" + runId)).hasSize(1);

            CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--run-id", runId,
                    "--output-dir", cli.output().toString());
            assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
            assertThat(cleanup.out()).contains("remove /tmp/maintenance").contains("remove the replacement container");
            cli.docker().assertRestored(target, runId);

            CliRunner.Result again = CliRunner.run(cli.docker().environment(), "cleanup", "--all", "--output-dir",
                    cli.output().toString());
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).contains("0 change(s) undone");
        } finally {
            detector.destroyForcibly();
        }
    }

    @Test
    void detectorKilledWithSigkillIsRepairedByLabelsWhenTheJournalIsLost() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-labels", List.of(), List.of());
        Process detector = startDetector(cli.runArgs(target.name(), "2", "--drain-whole-delay", "--drain-method", "agent"));
        try {
            Path run = DockerTestEnv.awaitStep(cli.output(), "delay", Duration.ofSeconds(90), detector);
            String runId = run.getFileName().toString();
            detector.destroyForcibly();
            assertThat(detector.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(DockerTestEnv.get(target.port())).as("still drained by the agent").isEqualTo(503);
            Files.delete(run.resolve("journal.jsonl"));

            CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--all", "--output-dir",
                    dir.resolve("elsewhere").toString());
            assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
            assertThat(cleanup.out()).contains("out of maintenance").contains("remove the replacement container");
            cli.docker().assertRestored(target, runId);
        } finally {
            detector.destroyForcibly();
        }
    }

    @Test
    void detectorStoppedWithSigtermUndoesEverythingItself() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-fault-sigterm", List.of(), List.of());
        Process detector = startDetector(cli.runArgs(target.name(), "2", "--drain-whole-delay"));
        try {
            Path run = DockerTestEnv.awaitStep(cli.output(), "delay", Duration.ofSeconds(90), detector);
            detector.destroy();
            assertThat(detector.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(run.resolve("journal.jsonl"))).contains("\"event\":\"interrupted\"");
            cli.docker().assertRestored(target, run.getFileName().toString());
        } finally {
            detector.destroyForcibly();
        }
    }

    /** The CLI in a JVM of its own, with this test's class path and the daemon's DOCKER_HOST. */
    private Process startDetector(List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("detector.log").toFile());
        builder.environment().putAll(cli.docker().environment());
        return builder.start();
    }
}
