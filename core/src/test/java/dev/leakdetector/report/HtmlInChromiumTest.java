package dev.leakdetector.report;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.analysis.LeakAnalyzer;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.testing.NodeFixtures;
import dev.leakdetector.testing.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens a real report in headless Chromium (Debian's {@code chromium}, installed by .ci/run): the
 * page must render with both charts and its evidence, log no console errors, and load nothing
 * from the network.
 */
class HtmlInChromiumTest {

    @TempDir
    Path dir;

    @Test
    void rendersWithChartsAndNoConsoleErrors() throws Exception {
        Scenarios.Files3 files = Scenarios.get("listener-leak");
        LeakReport report = new LeakAnalyzer(AnalysisOptions.defaults(), HeapSnapshotParser.Options.defaults(),
                Clock.systemUTC()).analyze(null, files.before(), files.after(), LeakReport.Target.none());
        Path html = ReportFiles.write(report, dir.resolve("out"), Set.of(ReportFormat.HTML)).get(0);
        String source = Files.readString(html);
        // Self-contained: no script, stylesheet, image or font from anywhere.
        assertThat(source).doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(source).doesNotContain("<script");

        Chromium.Result dom = Chromium.run(dir, "--dump-dom", html.toUri().toString());
        assertThat(dom.stdout()).contains("id=\"offender-chart\"").contains("id=\"class-chart\"");
        assertThat(count(dom.stdout(), "<rect class=\"(own|delta)\"")).isGreaterThanOrEqualTo(2);
        assertThat(count(dom.stdout(), "<rect class=\"(before|after)\"")).isGreaterThanOrEqualTo(4);
        assertThat(dom.stdout()).contains("EventEmitter listeners").contains("_events");
        assertThat(dom.consoleErrors()).isEmpty();

        Path png = dir.resolve("report.png");
        Chromium.Result shot = Chromium.run(dir, "--screenshot=" + png, "--window-size=1200,1400", html.toUri().toString());
        assertThat(shot.consoleErrors()).isEmpty();
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Headless Chromium with the flags that keep it off the network, as test-platforms.md prescribes. */
    static final class Chromium {
        record Result(String stdout, List<String> consoleErrors) {
        }

        static Result run(Path work, String... args) throws IOException, InterruptedException {
            Path binary = Paths.get("/usr/bin/chromium");
            assertThat(binary).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").exists();
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-quic", "--enable-logging=stderr",
                    "--v=0", "--user-data-dir=" + Files.createTempDirectory(work, "chromium-profile")));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(work, "chromium", ".out");
            Path err = Files.createTempFile(work, "chromium", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish in 90 s");
            }
            List<String> errors = new ArrayList<>();
            for (String line : Files.readAllLines(err)) {
                // Console messages are logged as ...:CONSOLE(line)] "message", source: ...
                if (line.contains(":CONSOLE(")) {
                    errors.add(line);
                }
            }
            return new Result(Files.readString(out), errors);
        }

        private Chromium() {
        }
    }
}
