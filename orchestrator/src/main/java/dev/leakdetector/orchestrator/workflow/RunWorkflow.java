package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.analysis.LeakAnalyzer;
import dev.leakdetector.capture.CaptureException;
import dev.leakdetector.capture.SnapshotBudget;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.HeapTooLargeException;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.heap.parse.SnapshotFormatException;
import dev.leakdetector.report.LeakReport;
import dev.leakdetector.report.ReportFiles;
import dev.leakdetector.report.ReportFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@code run} workflow: discovery, pre-flight, inspector and memory check, replacement,
 * drain, grace, before snapshot, delay, after snapshot, restore, cleanup, analysis, reports.
 * When pre-flight chose the platform's own {@link SnapshotSource} (the inspector cannot be used),
 * that source replaces the inspector steps.
 *
 * <p>By default the target is drained only around each snapshot (a snapshot blocks its event loop
 * for seconds) and serves during the delay, because a leak that grows with requests cannot grow
 * while the target gets none. {@link RunRequest#drainWholeDelay()} keeps it drained throughout.
 *
 * <p>Traffic is given back before the (possibly long) analysis starts. Every change is undone in
 * {@code finally} and, through {@link ShutdownGuard}, on Ctrl-C and SIGTERM; the journal lets
 * {@code cleanup} finish the job after a SIGKILL.
 */
public final class RunWorkflow {

    /** Undo kinds that remove a replacement end with this; {@code --no-cleanup} skips them. */
    public static final String REMOVE_REPLACEMENT = "remove-replacement";

    /** The outcome of a run. */
    public record Result(String runId, Path directory, LeakReport report, List<String> undoFailures) {
    }

    private final Platform platform;
    private final Clock clock;
    private final Consumer<String> log;
    private final Consumer<String> warn;
    private final ProgressListener progress;

    public RunWorkflow(Platform platform, Clock clock, Consumer<String> log, Consumer<String> warn,
                       ProgressListener progress) {
        this.platform = platform;
        this.clock = clock;
        this.log = log;
        this.warn = warn;
        this.progress = progress;
    }

    public Result run(RunRequest request, String runId, Set<ReportFormat> formats)
            throws OrchestrationException, IOException, CaptureException, SnapshotFormatException,
            HeapTooLargeException {
        Path directory = ReportFiles.prepareDirectory(request.outputDirectory().resolve(runId));
        try (Journal journal = Journal.create(directory, runId, clock)) {
            UndoStack undo = new UndoStack(journal, log);
            RunContext context = new RunContext(runId, directory, undo, log, warn, progress);
            journal.event("run-start", Map.of("platform", platform.name(), "target", request.targetId(),
                    "delaySeconds", request.delay().toSeconds()));
            Steps steps = new Steps(journal, log);
            Path before = directory.resolve("before.heapsnapshot");
            Path after = directory.resolve("after.heapsnapshot");
            Target target;
            List<String> undoFailures;
            try (ShutdownGuard guard = ShutdownGuard.install(undo, journal, warn)) {
                target = steps.run("discovery", () -> platform.discover(request));
                log.accept("target: " + target.displayName() + " (" + target.image() + ")");
                steps.run("pre-flight", () -> {
                    platform.preflight(target, request);
                    return null;
                });
                try (SnapshotSource snapshots = openSnapshots(steps, target, request, context)) {
                    steps.run("memory check", () -> checkMemory(snapshots, request));
                    Replacement replacement = steps.run("replacement",
                            () -> platform.startReplacement(target, request, context));
                    drain(steps, target, replacement, request, context);
                    steps.run("before snapshot", () -> snapshots.take(before, request.gc(), progress));
                    if (!request.drainWholeDelay()) {
                        // The leak grows with traffic: give the target its traffic back while we wait.
                        steps.run("restore", undo::restoreTrafficNow).forEach(f -> warn.accept("restore failed: " + f));
                    }
                    steps.run("delay", () -> {
                        wait("Waiting before the second snapshot", request.delay());
                        return null;
                    });
                    if (!request.drainWholeDelay()) {
                        drain(steps, target, replacement, request, context);
                    }
                    steps.run("after snapshot", () -> snapshots.take(after, request.gc(), progress));
                }
                if (!request.cleanup()) {
                    undo.forget(REMOVE_REPLACEMENT);
                    warn.accept("--no-cleanup: the replacement stays; remove it later with leak-detector cleanup --all");
                }
                undoFailures = steps.run("restore and cleanup", undo::undoAll);
                guard.disarm();
            } finally {
                // Whatever happened above, give traffic back and remove what the run created.
                List<String> late = undo.undoAll();
                late.forEach(f -> warn.accept("undo failed: " + f));
            }
            undoFailures.forEach(f -> warn.accept("undo failed: " + f));
            LeakReport report = steps.run("analysis", () -> new LeakAnalyzer(request.analysis(),
                    HeapSnapshotParser.Options.defaults().withProgress(progress), clock)
                    .analyze(null, before, after, new LeakReport.Target(target.displayName(), target.image(),
                            platform.name(), request.delay().toMillis() / 60000.0, runId)));
            steps.run("reports", () -> ReportFiles.write(report, directory, formats));
            journal.event("run-end", Map.of("status", report.summary().status()));
            return new Result(runId, directory, report, undoFailures);
        }
    }

    /**
     * The platform's own snapshot source when pre-flight chose one for this target, else one
     * inspector session, opened through the platform's channel.
     */
    private SnapshotSource openSnapshots(Steps steps, Target target, RunRequest request, RunContext context)
            throws OrchestrationException, IOException, CaptureException, SnapshotFormatException,
            HeapTooLargeException {
        SnapshotSource own = platform.openSnapshots(target, request, context);
        if (own != null) {
            return own;
        }
        InspectorAccess access = steps.run("inspector", () -> {
            if (request.snapshotMethod() == SnapshotMethod.SIGNAL) {
                throw new OrchestrationException("--snapshot-method signal is not available on the " + platform.name()
                        + " platform; use auto or inspector");
            }
            return platform.openInspector(target, request, context);
        });
        return steps.run("inspector session", () -> InspectorSnapshots.open(access));
    }

    /** Refuses a snapshot that could push the target past its memory limit, unless forced. */
    private TargetMemory checkMemory(SnapshotSource snapshots, RunRequest request)
            throws OrchestrationException, CaptureException {
        TargetMemory memory = snapshots.memory();
        if (memory == null) {
            warn.accept("the target's memory cannot be known from here, so it was not checked; a snapshot needs about"
                    + " " + TargetMemory.SNAPSHOT_COST_FACTOR + " x its heap in use on top of what it has");
            return null;
        }
        log.accept(String.format("target memory: rss %d MiB, heap %d MiB, limit %s", memory.rss() >> 20,
                memory.heapUsed() >> 20, memory.constrained() > 0 ? (memory.constrained() >> 20) + " MiB" : "none"));
        String refusal = SnapshotBudget.refusal(memory,
                platform.name().equals("local") ? SnapshotBudget.hostAvailableMemory() : -1);
        if (refusal != null && !request.force()) {
            throw new OrchestrationException("memory check: " + refusal);
        }
        return memory;
    }

    private void drain(Steps steps, Target target, Replacement replacement, RunRequest request, RunContext context)
            throws OrchestrationException, IOException, CaptureException, SnapshotFormatException,
            HeapTooLargeException {
        steps.run("drain", () -> {
            platform.drain(target, replacement, request, context);
            return null;
        });
        steps.run("grace", () -> {
            wait("Drain grace period", request.drainGracePeriod());
            return null;
        });
    }

    private void wait(String phase, Duration duration) throws OrchestrationException {
        long end = System.nanoTime() + duration.toNanos();
        long total = Math.max(1, duration.toMillis());
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            progress.onProgress(phase + " (" + (left / 1_000_000_000L + 1) + " s left)", total - left / 1_000_000, total);
            try {
                Thread.sleep(Math.min(250, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OrchestrationException("interrupted during: " + phase);
            }
        }
    }

    /** Runs named steps, journaling start, end and failure. */
    private static final class Steps {
        private final Journal journal;
        private final Consumer<String> log;

        Steps(Journal journal, Consumer<String> log) {
            this.journal = journal;
            this.log = log;
        }

        <T> T run(String name, Step<T> step) throws OrchestrationException, IOException, CaptureException,
                SnapshotFormatException, HeapTooLargeException {
            long start = System.nanoTime();
            journal.event("step", Map.of("step", name, "status", "started"));
            log.accept("step: " + name);
            try {
                T result = step.run();
                journal.event("step", Map.of("step", name, "status", "done",
                        "millis", (System.nanoTime() - start) / 1_000_000));
                return result;
            } catch (CaptureException e) {
                journal.event("step", Map.of("step", name, "status", "failed", "error", String.valueOf(e.getMessage())));
                // Say which step of the run it was: a capture error alone does not tell.
                throw new OrchestrationException(name + ": " + e.getMessage(), e);
            } catch (OrchestrationException | IOException | SnapshotFormatException
                     | HeapTooLargeException | RuntimeException e) {
                journal.event("step", Map.of("step", name, "status", "failed", "error", String.valueOf(e.getMessage())));
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws OrchestrationException, IOException, CaptureException, SnapshotFormatException,
                HeapTooLargeException;
    }
}
