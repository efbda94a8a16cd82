package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leakdetector.testing.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code analyze} through the real command-line wiring: exit codes, report files, errors. */
class AnalyzeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aLeakExitsWithOneAndWritesEveryReportPrivately() throws Exception {
        Scenarios.Files3 files = Scenarios.get("map-cache-leak");
        Path out = dir.resolve("reports");
        CliRunner.Result result = CliRunner.run("analyze", "--baseline", files.baseline().toString(),
                "--before", files.before().toString(), "--after", files.after().toString(), "--output", out.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.LEAK);
        assertThat(result.out()).contains("STATUS: LEAK DETECTED").contains("CachedResponse");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        for (String name : new String[] {"analysis.json", "summary.txt", "junit.xml", "report.html"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(name))))
                    .as(name).isEqualTo("rw-------");
        }
        try (var listing = Files.list(out)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".partial"))).isEmpty();
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("analysis.json").toFile());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("offenders").get(0).get("type").asText()).isEqualTo("CachedResponse");
        assertThat(json.get("summary").get("likelyLeakSource").asText()).contains("responseCache");
    }

    @Test
    void aHealthyServiceExitsWithZero() {
        Scenarios.Files3 files = Scenarios.get("healthy-lru");
        CliRunner.Result result = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--format", "json");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("NO LEAK DETECTED");
    }

    @Test
    void failOnCriticalTurnsAMediumLeakIntoAWarning() {
        Scenarios.Files3 files = Scenarios.get("map-cache-leak");
        CliRunner.Result result = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--fail-on", "critical");
        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("SUSPICIOUS GROWTH");
    }

    @Test
    void aFailingWebhookIsAWarningAndNeverChangesTheExitCode() {
        Scenarios.Files3 files = Scenarios.get("map-cache-leak");
        CliRunner.Result result = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--webhook", "http://127.0.0.1:1/hooks/secret",
                "--allow-insecure-webhook");
        assertThat(result.exitCode()).isEqualTo(ExitCode.LEAK);
        assertThat(result.err()).contains("warning: webhook http://127.0.0.1:1/***").doesNotContain("secret");
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        Scenarios.Files3 files = Scenarios.get("map-cache-leak");
        CliRunner.Result missing = CliRunner.run("analyze", "--before", dir.resolve("nope.heapsnapshot").toString(),
                "--after", files.after().toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("nope.heapsnapshot: no such file");

        CliRunner.Result insecure = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--webhook", "http://hooks.example/x");
        assertThat(insecure.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(insecure.err()).contains("must use https");

        CliRunner.Result severity = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--fail-on", "urgent");
        assertThat(severity.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(severity.err()).contains("--fail-on");

        Path corrupt = dir.resolve("corrupt.heapsnapshot");
        Files.writeString(corrupt, "{\"snapshot\":{\"meta\":");
        CliRunner.Result broken = CliRunner.run("analyze", "--before", corrupt.toString(),
                "--after", files.after().toString());
        assertThat(broken.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(broken.err().lines().count()).isEqualTo(1);

        Path readOnly = Files.createDirectory(dir.resolve("ro"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("r-x------")));
        CliRunner.Result unwritable = CliRunner.run("analyze", "--before", files.before().toString(),
                "--after", files.after().toString(), "--output", readOnly.resolve("sub").toString());
        // Root may write anywhere; then the run succeeds. Otherwise the error must be clear.
        if (unwritable.exitCode() != ExitCode.LEAK) {
            assertThat(unwritable.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(unwritable.err()).contains("cannot use output directory");
        }
    }
}
