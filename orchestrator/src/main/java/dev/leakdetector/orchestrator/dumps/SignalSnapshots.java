package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.capture.SnapshotBudget;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.SnapshotSource;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Snapshots without an inspector, for a service started with {@code --heapsnapshot-signal=SIG}:
 * the signal goes to Node's pid by exec, Node writes {@code Heap.….heapsnapshot} into its working
 * directory (or {@code --diagnostic-dir}), and the file is copied out through the platform's
 * {@link DumpChannel} and deleted in the container. No inspector session ever opens, so V8 keeps
 * its object ids between the two snapshots and the diff is exact.
 *
 * <p>The deletion is registered as an undo before the signal is sent, covering every file of the
 * pid that was not there before it, so a failure, Ctrl-C or a later {@code cleanup} removes a
 * snapshot that was still being written.
 */
public final class SignalSnapshots implements SnapshotSource {

    /**
     * How long to wait. {@code appear}: for the file after the signal (the event loop must run
     * the listener; {@code LEAK_DETECTOR_SNAPSHOT_APPEAR_SECONDS} changes it); {@code idle}: for a
     * file that does not grow (V8 builds the whole heap graph before it writes a byte);
     * {@code total}: for one snapshot, and for its copy.
     */
    public record Timeouts(Duration appear, Duration idle, Duration total) {
        public static final String APPEAR_VARIABLE = "LEAK_DETECTOR_SNAPSHOT_APPEAR_SECONDS";

        public static Timeouts defaults() {
            return new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofHours(1));
        }

        /** The defaults, with the appear timeout from the environment when it is set. */
        public static Timeouts from(Map<String, String> environment) throws OrchestrationException {
            Timeouts defaults = defaults();
            String seconds = environment.get(APPEAR_VARIABLE);
            if (seconds == null || seconds.isBlank()) {
                return defaults;
            }
            try {
                long value = Long.parseLong(seconds.strip());
                if (value > 0) {
                    return new Timeouts(Duration.ofSeconds(value), defaults.idle(), defaults.total());
                }
            } catch (NumberFormatException e) {
                // Said below.
            }
            throw new OrchestrationException(APPEAR_VARIABLE + "='" + seconds + "' is not a positive number of seconds");
        }
    }

    /** A file whose size has not changed for this long, and that is closed, is complete. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final SignalPlan plan;
    private final DumpChannel channel;
    private final RunContext context;
    private final UndoStack.Executor undoer;
    private final boolean force;

    public SignalSnapshots(SignalPlan plan, DumpChannel channel, RunContext context, UndoStack.Executor undoer,
                           boolean force) {
        this.plan = plan;
        this.channel = channel;
        this.context = context;
        this.undoer = undoer;
        this.force = force;
    }

    /**
     * The memory check without an inspector: Node's RSS and its cgroup's limit, read by exec, with
     * the heap in use estimated from the RSS; and the free space where the file will be written,
     * since Node exits when it cannot write it.
     */
    @Override
    public TargetMemory memory() throws OrchestrationException {
        ProcessInfo info = plan.processInfo();
        long maxOldSpace = target().flags().maxOldSpaceMiB();
        TargetMemory memory = info.memory(target().pid(), maxOldSpace);
        checkDiskSpace(info, maxOldSpace);
        if (memory != null) {
            context.log().accept("no inspector: the heap in use is estimated from the RSS (" + mib(info.rss())
                    + ") as at most " + mib(memory.heapUsed()));
            // The workflow applies the same rule; refusing here first says that the heap was estimated.
            String refusal = SnapshotBudget.refusal(memory, -1);
            if (refusal != null && !force) {
                throw new OrchestrationException("memory check: " + refusal + " (without an inspector the heap in use"
                        + " is estimated from the RSS, on the high side; see docs/run.md)");
            }
        }
        return memory;
    }

    private void checkDiskSpace(ProcessInfo info, long maxOldSpace) throws OrchestrationException {
        String directory = plan.directory(info);
        long free = plan.freeSpace(directory);
        long needed = info.rss() < 0 ? -1 : info.fileSizeEstimate(maxOldSpace);
        if (free < 0 || needed < 0) {
            context.warn().accept("the free space for the snapshot file in " + directory + " of "
                    + target().displayName() + " cannot be known; Node exits if it cannot write the whole file");
            return;
        }
        context.log().accept("free space in " + directory + ": " + mib(free) + ", the snapshot file needs about "
                + mib(needed));
        if (free < needed) {
            String message = "the snapshot file needs about " + mib(needed) + " in " + directory + " of "
                    + target().displayName() + " (2 x the estimated heap), but only " + mib(free) + " are free there,"
                    + " and Node exits when it cannot write the whole file. Free space, or start Node with"
                    + " --diagnostic-dir on a bigger volume";
            if (!force) {
                throw new OrchestrationException(message + "; --force takes the snapshot anyway");
            }
            context.warn().accept(message + " (--force: taking it anyway)");
        }
    }

    @Override
    public long take(Path file, boolean gc, ProgressListener progress) throws OrchestrationException {
        long pid = target().pid();
        ProcessInfo info = plan.processInfo();
        // Again before each snapshot: the heap grew since the first, and a full disk ends the service.
        checkDiskSpace(info, target().flags().maxOldSpaceMiB());
        HeapDumpFiles files = plan.files(info);
        List<String> existing = files.list().names();
        UndoRecord removal = channel.removal(files, existing);
        context.undo().register(removal, undoer);

        TargetShell.Result sent = plan.shell().run(plan.commands().signal(pid, plan.signal()), plan.user());
        if (!sent.ok()) {
            throw new OrchestrationException("cannot send " + plan.signal() + " to pid " + pid + " in "
                    + target().displayName() + " (exit " + sent.exitCode() + ": " + sent.lastLine() + ")");
        }
        context.log().accept("sent " + plan.signal() + " to pid " + pid + " in " + target().displayName()
                + "; waiting for its snapshot in " + files.directory());
        String name = awaitNewFile(files, existing);
        long size = awaitComplete(files, name, progress);
        long bytes = channel.copyOut(files.path(name), size, file, progress);
        String failure = context.undo().undoNow(removal);
        if (failure != null) {
            context.warn().accept("the snapshot file stays in the container until the end of the run: " + failure);
        }
        return bytes;
    }

    private String awaitNewFile(HeapDumpFiles files, List<String> existing) throws OrchestrationException {
        long deadline = System.nanoTime() + plan.timeouts().appear().toNanos();
        while (true) {
            HeapDumpFiles.Listing listing = files.list();
            for (String name : listing.names()) {
                if (!existing.contains(name)) {
                    return name;
                }
            }
            if (listing.processGone()) {
                throw exited();
            }
            if (System.nanoTime() > deadline) {
                throw new OrchestrationException("the snapshot file did not appear in " + files.directory() + " of "
                        + target().displayName() + " within " + seconds(plan.timeouts().appear()) + " after "
                        + plan.signal() + " to pid " + files.pid() + " (does the app handle " + plan.signal() + " itself,"
                        + " replacing Node's --heapsnapshot-signal listener? is its event loop blocked?)");
            }
            pause();
        }
    }

    /** Waits until the file is released by Node, ends with the close of its JSON, and has stopped growing. */
    private long awaitComplete(HeapDumpFiles files, String name, ProgressListener progress)
            throws OrchestrationException {
        long start = System.nanoTime();
        long lastSize = -1;
        long lastChange = start;
        while (true) {
            HeapDumpFiles.State state = files.state(name);
            if (state.processGone()) {
                throw exited();
            }
            if (state.absent()) {
                throw new OrchestrationException("the snapshot file " + files.path(name) + " disappeared from "
                        + target().displayName() + " before it was complete (deleted by someone else?)");
            }
            long now = System.nanoTime();
            if (state.size() != lastSize) {
                lastSize = state.size();
                lastChange = now;
            } else if (state.jsonClosed() && state.released() && now - lastChange >= SETTLE.toNanos()) {
                return state.size();
            }
            progress.onProgress("Target writes its heap snapshot", Math.max(0, state.size()), -1);
            if (now - lastChange > plan.timeouts().idle().toNanos()) {
                throw new OrchestrationException("the snapshot file " + files.path(name) + " in "
                        + target().displayName() + " stayed at " + Math.max(0, lastSize) + " bytes for "
                        + seconds(plan.timeouts().idle()) + " (is pid " + files.pid() + " stopped, or out of memory?)");
            }
            if (now - start > plan.timeouts().total().toNanos()) {
                throw new OrchestrationException("the snapshot file " + files.path(name) + " in "
                        + target().displayName() + " was not complete within " + seconds(plan.timeouts().total()));
            }
            pause();
        }
    }

    private DumpTarget target() {
        return plan.target();
    }

    private OrchestrationException exited() {
        return new OrchestrationException("pid " + target().pid() + " in " + target().displayName()
                + " exited during the snapshot (killed, or out of memory?)");
    }

    /** Shell polls are cheap; each Node helper costs the container about 40 MB, so poll those less. */
    private void pause() throws OrchestrationException {
        try {
            Thread.sleep(plan.commands().shellForm() ? 250 : 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted while waiting for the snapshot of " + target().displayName());
        }
    }

    private static String seconds(Duration duration) {
        long s = duration.toSeconds();
        return s >= 120 && s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    @Override
    public void close() {
        // Nothing stays open between snapshots: each one is an exec and a copy of its own.
    }
}
