package dev.leakdetector.capture;

import dev.leakdetector.capture.AgentControl.AgentStatus;
import dev.leakdetector.capture.AgentControl.AgentUnreachableException;
import dev.leakdetector.heap.parse.ProgressListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One snapshot of a Node.js service taken from inside its own environment (its container or
 * host), with the service out of rotation meanwhile:
 *
 * <ol>
 *   <li>find the target: {@code --pid}, else the agent's process, else pid 1, or the single
 *       Node.js process below pid 1 when that is an init such as tini;</li>
 *   <li>open its inspector (SIGUSR1) and one {@link CaptureSession}, and check its memory, so
 *       everything that can fail early fails before the service is touched;</li>
 *   <li>enter maintenance through the agent when it runs in the target, else through the
 *       maintenance file, and wait the grace period for requests in flight;</li>
 *   <li>stream the snapshot to the file;</li>
 *   <li>always leave maintenance: on success, on failure, and through {@link #interrupt} from a
 *       shutdown hook.</li>
 * </ol>
 *
 * Every step that changes something registers its undo before it acts; the undo steps run once,
 * in reverse order, so traffic is restored before anything is deleted.
 */
public final class InternalSnapshot {

    /**
     * What to snapshot and how.
     *
     * @param file            where the snapshot goes (mode 0600; a missing directory is created 0700)
     * @param pid             the target, or -1 for the default (the agent's pid, else pid 1)
     * @param grace           how long requests in flight may take to finish
     * @param agentPort       the agent's control port on 127.0.0.1; 0 to not look for an agent
     * @param agentToken      the agent's token, or null
     * @param maintenanceFile the maintenance file used when no agent runs in the target; null for none
     * @param force           take the snapshot even when the pre-flight says the target may run out of memory
     */
    public record Request(Path file, long pid, Duration grace, int agentPort, String agentToken,
                         Path maintenanceFile, boolean force, CaptureSession.Timeouts timeouts) {
    }

    /**
     * What was done; the fields are those the agent's JavaScript command prints.
     *
     * @param maintenance "agent", "file" or "none"
     * @param drained     whether requests in flight finished in the grace period; null when unknown
     */
    public record Result(Path file, long bytes, long durationMs, long pid, String maintenance, Boolean drained,
                         long totalMs) {
    }

    /** One registered undo step. */
    private record Undo(String what, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** How long a target whose connection broke may take to show up as exited. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);

    private final Request request;
    private final Consumer<String> log;
    private final ProgressListener progress;
    private final Deque<Undo> undo = new ArrayDeque<>();
    private boolean finished;
    private volatile boolean interrupted;

    /**
     * @param log      one line per step, for stderr
     * @param progress the snapshot's progress
     */
    public InternalSnapshot(Request request, Consumer<String> log, ProgressListener progress) {
        this.request = request;
        this.log = log;
        this.progress = progress;
    }

    /** Runs the whole flow once. */
    public Result run() throws CaptureException {
        long started = System.nanoTime();
        Path file = request.file().toAbsolutePath().normalize();
        LocalProcess target = null;
        Throwable failure = null;
        try {
            AgentControl agent = request.agentPort() > 0 ? AgentControl.loopback(request.agentPort(), request.agentToken())
                    : null;
            Optional<AgentStatus> agentStatus = agent == null ? Optional.empty() : agent.probe(log);
            target = resolveTarget(agentStatus);
            long pid = target.pid();
            boolean useAgent = agentStatus.isPresent() && agentStatus.get().pid() == pid;
            if (agentStatus.isPresent() && !useAgent) {
                log.accept("the agent on 127.0.0.1:" + request.agentPort() + " runs in pid " + agentStatus.get().pid()
                        + ", not in pid " + pid + ": not using it");
            }
            MaintenanceSwitch maintenance = useAgent ? agent
                    : request.maintenanceFile() != null ? new FileToggle(request.maintenanceFile()) : MaintenanceSwitch.none();

            checkOutputDirectory(file);
            InspectorEndpoint endpoint = InspectorOpener.create().open(pid);
            CaptureSession session = CaptureSession.open(endpoint, pid, request.timeouts());
            register("close the inspector session", session::close);
            log.accept("connected to the inspector of pid " + pid + " on " + endpoint);
            checkMemory(session.memory());

            // Registered before maintenance, so that it runs after traffic is restored. The session
            // deletes its own partial file on failure; this covers an interrupt mid-snapshot.
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            register("delete " + partial, () -> Files.deleteIfExists(partial));
            LocalProcess leaving = target;
            register("leave maintenance (" + maintenance.describe() + ")", () -> leave(maintenance, leaving));
            MaintenanceSwitch.Entered entered = enter(maintenance);

            log.accept("taking the heap snapshot of pid " + pid + " (its event loop stops meanwhile)");
            long snapshotStart = System.nanoTime();
            long bytes = session.takeSnapshot(file, false, progress);
            long durationMs = (System.nanoTime() - snapshotStart) / 1_000_000;
            log.accept("wrote " + bytes + " bytes to " + file + " in " + durationMs + " ms");
            return new Result(file, bytes, durationMs, pid, maintenance.kind(), entered.drained(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (CaptureException e) {
            CaptureException explained = interrupted ? new CaptureException("interrupted", e) : explainExit(e, target);
            failure = explained;
            throw explained;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            CaptureException cleanup = undoAll(failure);
            if (failure == null && cleanup != null) {
                throw new CaptureException("the snapshot is written to " + file + ", but " + cleanup.getMessage(), cleanup);
            }
        }
    }

    /**
     * Undoes everything done so far (leaves maintenance first), for a shutdown hook on SIGTERM or
     * Ctrl-C. {@link #run} then fails instead of going on.
     */
    public void interrupt() {
        synchronized (this) {
            if (finished) {
                return;
            }
            interrupted = true;
        }
        CaptureException cleanup = undoAll(null);
        log.accept(cleanup == null ? "interrupted; everything was undone (maintenance mode left)"
                : "interrupted; " + cleanup.getMessage());
    }

    private LocalProcess resolveTarget(Optional<AgentStatus> agent) throws CaptureException {
        long pid = request.pid() > 0 ? request.pid() : agent.map(AgentStatus::pid).orElse(1L);
        LocalProcess process = LocalProcess.of(pid)
                .orElseThrow(() -> new TargetNotFoundException("no process with pid " + pid));
        if (process.isNode()) {
            return process;
        }
        // A container's pid 1 is often an init (tini, docker-init, dumb-init) or a shell that starts the service.
        List<LocalProcess> nodes = process.nodeDescendants();
        String what = "pid " + pid + " (" + describe(process) + ") is not a Node.js process";
        if (nodes.size() == 1) {
            LocalProcess child = nodes.get(0);
            log.accept(what + "; taking its only Node.js child, pid " + child.pid() + " (" + describe(child) + ")");
            return child;
        }
        if (nodes.isEmpty()) {
            throw new TargetNotFoundException(what + " and starts none; give the service's pid with --pid");
        }
        throw new TargetNotFoundException(what + " and starts " + nodes.size() + " of them ("
                + nodes.stream().map(p -> p.pid() + " " + describe(p)).collect(Collectors.joining(", "))
                + "); choose one with --pid");
    }

    private static String describe(LocalProcess process) {
        String line = process.commandLine();
        if (line.isEmpty()) {
            return process.name();
        }
        return line.length() > 60 ? line.substring(0, 59) + "…" : line;
    }

    private static void checkOutputDirectory(Path file) throws CaptureException {
        Path directory = file.getParent();
        try {
            if (!Files.isDirectory(directory)) {
                // 0700: a snapshot holds every string of the heap (tokens, passwords, customer data).
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new CaptureException("cannot create the directory " + directory + " for the snapshot: " + e.getMessage(), e);
        }
        if (Files.isDirectory(file)) {
            throw new CaptureException(file + " is a directory; give --file a file name");
        }
        if (!Files.isWritable(directory)) {
            throw new CaptureException("cannot write to " + directory + " (permission denied); choose another --file");
        }
    }

    private void checkMemory(TargetMemory memory) throws CaptureException {
        String refusal = SnapshotBudget.refusal(memory, SnapshotBudget.hostAvailableMemory());
        if (refusal == null) {
            return;
        }
        if (!request.force()) {
            throw new CaptureException("pid " + memory.pid() + ": " + refusal);
        }
        log.accept("warning: " + refusal.replace(". Use --force to take it anyway", "") + " (--force: taking it anyway)");
    }

    private MaintenanceSwitch.Entered enter(MaintenanceSwitch maintenance) throws CaptureException {
        long grace = request.grace().toMillis();
        switch (maintenance.kind()) {
            case "agent" -> log.accept("maintenance on via the " + maintenance.describe()
                    + "; waiting at most " + grace + " ms for requests in flight");
            case "file" -> log.accept("maintenance on via the " + maintenance.describe()
                    + "; waiting " + grace + " ms for requests in flight");
            default -> log.accept("no maintenance mode (no agent in the target, no maintenance file): snapshotting"
                    + " while the service takes traffic");
        }
        MaintenanceSwitch.Entered entered = maintenance.enter(request.grace());
        if (maintenance instanceof FileToggle toggle && !toggle.created()) {
            log.accept("the maintenance file " + toggle.file() + " existed already; it stays in place afterwards");
        }
        if (entered.drained() != null) {
            log.accept(entered.drained() ? "no request in flight any more"
                    : "grace period over with " + entered.inFlight() + " request(s) still in flight");
        }
        return entered;
    }

    private void leave(MaintenanceSwitch maintenance, LocalProcess target) throws CaptureException {
        try {
            maintenance.leave();
        } catch (AgentUnreachableException e) {
            if (!exited(target)) {
                throw e;
            }
            // The agent's maintenance flag lived in the process's memory and ended with it.
            log.accept("pid " + target.pid() + " has exited, and its maintenance mode with it");
            return;
        }
        if (!maintenance.kind().equals("none")) {
            log.accept("maintenance off (" + maintenance.describe() + ")");
        }
    }

    private synchronized void register(String what, Action action) throws CaptureException {
        undo.push(new Undo(what, action));
        if (finished) {
            // Interrupted meanwhile: undo what was just done, and stop.
            undoAll(null);
            throw new CaptureException("interrupted");
        }
    }

    /** Runs the undo steps once, newest first; returns the first failure, with the later ones suppressed. */
    private synchronized CaptureException undoAll(Throwable primary) {
        finished = true;
        CaptureException first = null;
        while (!undo.isEmpty()) {
            Undo step = undo.pop();
            try {
                step.action().run();
            } catch (Exception e) {
                CaptureException failed = new CaptureException("could not " + step.what() + ": " + e.getMessage(), e);
                log.accept(failed.getMessage());
                if (primary != null) {
                    primary.addSuppressed(failed);
                } else if (first == null) {
                    first = failed;
                } else {
                    first.addSuppressed(failed);
                }
            }
        }
        return first;
    }

    /** A target that died mid-run makes every later step fail; say that, not the symptom. */
    private static CaptureException explainExit(CaptureException e, LocalProcess target) {
        // Only a broken connection (an I/O cause) hints at an exit worth waiting for.
        if (target == null || (e.getCause() instanceof IOException ? !exited(target) : target.alive())) {
            return e;
        }
        return new CaptureException("pid " + target.pid() + " exited during the snapshot (killed, or out of memory?): "
                + e.getMessage(), e);
    }

    /**
     * Whether the process has exited or is about to: the kernel closes a dying process's sockets
     * before /proc shows it gone, so a broken connection may come a moment before the exit.
     */
    private static boolean exited(LocalProcess target) {
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        while (target.alive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !target.alive();
            }
        }
        return true;
    }
}
