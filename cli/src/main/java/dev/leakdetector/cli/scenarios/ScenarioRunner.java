package dev.leakdetector.cli.scenarios;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.analysis.LeakAnalyzer;
import dev.leakdetector.capture.CaptureException;
import dev.leakdetector.capture.CaptureSession;
import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.capture.InspectorOpener;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.LeakReport;
import dev.leakdetector.report.ReportFiles;
import dev.leakdetector.report.ReportFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one built-in scenario for real: starts the bundled workload as an ordinary Node.js process,
 * opens its inspector from outside with SIGUSR1, takes a before and an after snapshot in one
 * inspector session, analyses them and checks the verdict against the expected one.
 */
public final class ScenarioRunner {

    /** Settings of a run. */
    public record Settings(Path outputDirectory, Duration window, String node, AnalysisOptions analysis) {
    }

    /** What happened. */
    public record Outcome(Scenario scenario, boolean passed, String explanation, LeakReport report, Path reports) {
    }

    private static final Duration WARM_UP = Duration.ofSeconds(2);

    private final Settings settings;
    private final PrintWriter log;
    private final ProgressListener progress;

    public ScenarioRunner(Settings settings, PrintWriter log, ProgressListener progress) {
        this.settings = settings;
        this.log = log;
        this.progress = progress;
    }

    public Outcome run(Scenario scenario) throws IOException, CaptureException,
            dev.leakdetector.heap.parse.SnapshotFormatException, dev.leakdetector.heap.parse.HeapTooLargeException {
        Path dir = ReportFiles.prepareDirectory(settings.outputDirectory().resolve("test-" + scenario.id()));
        Path work = Files.createTempDirectory("leak-detector-scenario",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process workload = null;
        try {
            extract("workload.js", work);
            extract("simulator.js", work);
            log.printf("[%s] starting the workload: %s%n", scenario.id(), scenario.description());
            // --inspect-port=0: when SIGUSR1 opens the inspector, it takes a free port, so the
            // scenario never collides with a debugger already on 9229.
            workload = new ProcessBuilder(settings.node(), "--inspect-port=0", work.resolve("workload.js").toString(),
                    scenario.id())
                    .redirectError(work.resolve("workload.log").toFile())
                    .start();
            Lines lines = new Lines(workload.getInputStream());
            lines.await("ready", Duration.ofSeconds(30), workload, work);
            // Let the service run a little first, as a real one has: the leak has begun and its
            // holders (the array, the listener list) exist before the first snapshot.
            sleep(WARM_UP);
            InspectorEndpoint endpoint = InspectorOpener.create().open(workload.pid());
            log.printf("[%s] inspector opened with SIGUSR1 at %s (pid %d)%n", scenario.id(), endpoint, workload.pid());
            try (CaptureSession session = CaptureSession.open(endpoint, workload.pid(), CaptureSession.Timeouts.defaults())) {
                Path before = dir.resolve("before.heapsnapshot");
                Path after = dir.resolve("after.heapsnapshot");
                long bytes = session.takeSnapshot(before, true, progress);
                log.printf("[%s] before: %,d bytes; waiting %d s while the service runs%n", scenario.id(), bytes,
                        settings.window().toSeconds());
                if (scenario == Scenario.CLEANUP) {
                    sleep(settings.window().dividedBy(2));
                    OutputStream stdin = workload.getOutputStream();
                    stdin.write("cleanup\n".getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    lines.await("cleaned", Duration.ofSeconds(10), workload, work);
                    sleep(settings.window().dividedBy(2));
                } else {
                    sleep(settings.window());
                }
                bytes = session.takeSnapshot(after, true, progress);
                log.printf("[%s] after: %,d bytes; analysing%n", scenario.id(), bytes);
                session.close();
                stop(workload);
                LeakReport report = new LeakAnalyzer(settings.analysis(), HeapSnapshotParser.Options.defaults()
                        .withProgress(progress), Clock.systemUTC())
                        .analyze(null, before, after, new LeakReport.Target("test-" + scenario.id(), null, "local",
                                settings.window().toMillis() / 60000.0, null));
                ReportFiles.write(report, dir, EnumSet.allOf(ReportFormat.class));
                return judge(scenario, report, dir);
            }
        } finally {
            if (workload != null) {
                stop(workload);
            }
            deleteQuietly(work);
        }
    }

    private static Outcome judge(Scenario scenario, LeakReport report, Path dir) {
        boolean leak = report.summary().leakFound();
        if (!scenario.expectLeak()) {
            return new Outcome(scenario, !leak, leak ? "a leak was reported in a healthy workload: "
                    + report.summary().likelyLeakSource() : "no leak, as expected", report, dir);
        }
        if (!leak) {
            return new Outcome(scenario, false, "the leak was not found (status " + report.summary().status() + ")",
                    report, dir);
        }
        LeakReport.Offender top = report.offenders().get(0);
        String pattern = top.patterns().isEmpty() ? "none" : top.patterns().get(0).id();
        boolean right = top.type().equals(scenario.expectedClass()) && pattern.equals(scenario.expectedPattern());
        return new Outcome(scenario, right, right
                ? "leak found: " + report.summary().likelyLeakSource()
                : "expected " + scenario.expectedClass() + " (" + scenario.expectedPattern() + ") but the top offender is "
                        + top.type() + " (" + pattern + ")", report, dir);
    }

    private static void extract(String name, Path directory) throws IOException {
        try (InputStream in = ScenarioRunner.class.getResourceAsStream("/scenarios/" + name)) {
            if (in == null) {
                throw new IOException("the jar lacks scenarios/" + name + " (rebuild with bin/build)");
            }
            Files.copy(in, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(Duration duration) throws CaptureException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted");
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.walk(directory)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A temp directory left behind is harmless; the OS cleans /tmp.
        }
    }

    /** The workload's stdout, line by line, on a reader thread. */
    private static final class Lines {
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();

        Lines(InputStream stdout) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // The workload ended.
                }
            }, "workload-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void await(String expected, Duration timeout, Process process, Path work) throws CaptureException, IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    String line = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (line != null && line.trim().equals(expected)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CaptureException("interrupted");
                }
                if (!process.isAlive()) {
                    List<String> err = Files.readAllLines(work.resolve("workload.log"));
                    throw new CaptureException("the workload exited (code " + process.exitValue() + "): "
                            + (err.isEmpty() ? "no output" : err.get(err.size() - 1)));
                }
            }
            throw new CaptureException("the workload did not print '" + expected + "' within " + timeout.toSeconds() + " s");
        }
    }
}
