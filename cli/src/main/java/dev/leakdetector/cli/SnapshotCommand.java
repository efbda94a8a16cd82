package dev.leakdetector.cli;

import dev.leakdetector.capture.CaptureSession;
import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.capture.InspectorOpener;
import dev.leakdetector.capture.LocalProcess;
import dev.leakdetector.capture.SnapshotBudget;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.ProgressListener;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code leak-detector snapshot (--pid P | --inspect HOST:PORT)}: one snapshot of a live Node.js process. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Takes one heap snapshot of a running Node.js process through its inspector, with no change " +
                "to the process. With --pid, the inspector is opened with SIGUSR1 (as kill -USR1 does)."})
final class SnapshotCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--pid", paramLabel = "PID", description = "A local Node.js process.")
        Long pid;

        @Option(names = "--inspect", paramLabel = "HOST:PORT",
                description = "An inspector that is already listening (loopback or a tunnel).")
        String inspect;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Target target;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the snapshot (mode 0600). Default: Heap-PID-TIME.heapsnapshot here.")
    private Path output;

    @Option(names = "--gc", description = "Run a full garbage collection first (V8 collects during the snapshot anyway).")
    private boolean gc;

    @Option(names = "--force", description = "Take the snapshot even when the target may run out of memory.")
    private boolean force;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60",
            description = "Give up after this long. Default: ${DEFAULT-VALUE} min.")
    private long timeoutMinutes;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true", description = "Show progress on a terminal.")
    private boolean progress;

    private final Environment environment;

    SnapshotCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (target == null) {
            List<LocalProcess> processes = LocalProcess.nodeProcesses();
            if (processes.isEmpty()) {
                throw new UserException(ExitCode.USAGE, "no Node.js process found; give --pid PID or --inspect HOST:PORT");
            }
            out.println("Node.js processes you can snapshot:");
            processes.forEach(p -> out.println("  " + p));
            out.println("Choose one: leak-detector snapshot --pid PID");
            return ExitCode.USAGE;
        }
        InspectorEndpoint endpoint;
        long expectedPid = -1;
        if (target.pid != null) {
            expectedPid = target.pid;
            endpoint = InspectorOpener.create().open(target.pid);
        } else {
            try {
                endpoint = InspectorEndpoint.parse(target.inspect);
            } catch (IllegalArgumentException e) {
                throw new UserException(ExitCode.USAGE, "--inspect: " + e.getMessage());
            }
        }
        CaptureSession.Timeouts defaults = CaptureSession.Timeouts.defaults();
        CaptureSession.Timeouts timeouts = new CaptureSession.Timeouts(defaults.connect(), defaults.idle(),
                Duration.ofMinutes(timeoutMinutes));
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, progress);
        try (CaptureSession session = CaptureSession.open(endpoint, expectedPid, timeouts)) {
            TargetMemory memory = session.memory();
            String refusal = SnapshotBudget.refusal(memory, target.pid != null ? SnapshotBudget.hostAvailableMemory() : -1);
            if (refusal != null && !force) {
                throw new UserException(ExitCode.ENVIRONMENT, "pid " + memory.pid() + ": " + refusal);
            }
            Path file = output != null ? output : Paths.get(String.format("Heap-%d-%s.heapsnapshot", session.pid(),
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            long start = System.nanoTime();
            long bytes = session.takeSnapshot(file, gc, listener);
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
            out.printf("%s: %,d bytes from pid %d (Node %s) in %.1f s%n", file, bytes, session.pid(),
                    memory.nodeVersion(), (System.nanoTime() - start) / 1e9);
        } finally {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
        }
        return ExitCode.OK;
    }
}
