package dev.leakdetector.cli;

import dev.leakdetector.testing.NodeTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code snapshot} and {@code test} through the real wiring, against real Node.js processes. */
class CaptureCommandsTest {
    @TempDir
    Path dir;

    @Test
    void snapshotOfALocalPid() throws Exception {
        try (NodeTarget target = NodeTarget.start(1000, "--inspect-port=0")) {
            Path file = dir.resolve("one.heapsnapshot");
            CliRunner.Result result = CliRunner.run("snapshot", "--pid", Long.toString(target.pid()), "--output",
                    file.toString(), "--gc");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("from pid " + target.pid());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            CliRunner.Result summary = CliRunner.run("summary", file.toString(), "--top", "3");
            assertThat(summary.exitCode()).isZero();
        }
    }

    @Test
    void snapshotOfAMissingPidIsAUsageError() {
        CliRunner.Result result = CliRunner.run("snapshot", "--pid", "3999999999");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("no process with pid 3999999999");
    }

    @Test
    void everyScenarioGivesItsExpectedVerdict() {
        CliRunner.Result result = CliRunner.run("test", "--output-dir", dir.toString(), "--window", "6");
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("PASS basic").contains("PASS leak").contains("PASS closure")
                .contains("PASS cleanup").contains("4 of 4 scenarios passed");
        assertThat(dir.resolve("test-leak/analysis.json")).exists();
        assertThat(dir.resolve("test-leak/after.heapsnapshot")).exists();
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        CliRunner.Result result = CliRunner.run("test", "--scenario", "nonsense");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("unknown scenario 'nonsense'");
    }
}
