package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leakdetector.capture.AgentControl;
import dev.leakdetector.capture.CaptureSession;
import dev.leakdetector.capture.FileToggle;
import dev.leakdetector.capture.InternalSnapshot;
import dev.leakdetector.heap.parse.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code leak-detector internal-snapshot --file PATH}: run inside the service's container (or on
 * its host), takes it out of rotation, snapshots it, and puts it back, as the agent's
 * {@code leak-detector-agent internal-snapshot} does. The work is {@link InternalSnapshot}'s.
 */
@Command(name = "internal-snapshot", mixinStandardHelpOptions = true,
        description = {"Inside the service's environment: enters maintenance mode (the agent's control channel on"
                + " 127.0.0.1 if it answers, else the maintenance file), waits the grace period for requests in flight,"
                + " writes a heap snapshot of the Node.js process (SIGUSR1 and its inspector) to --file, and always"
                + " leaves maintenance mode, also on failure, Ctrl-C and SIGTERM.",
                "Prints one JSON line on success. Inside a container, set LEAK_DETECTOR_OPTS=-Xmx64m: the JVM counts"
                + " against the same memory limit as the service."})
final class InternalSnapshotCommand implements Callable<Integer> {
    static final String PORT_VARIABLE = "LEAK_DETECTOR_AGENT_PORT";
    static final String FILE_VARIABLE = "LEAK_DETECTOR_AGENT_MAINTENANCE_FILE";
    static final String TOKEN_VARIABLE = "LEAK_DETECTOR_AGENT_TOKEN";

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "PATH",
            description = "Where to write the snapshot (mode 0600; a missing directory is created 0700).")
    private Path file;

    @Option(names = "--maintenance-grace", paramLabel = "MS", defaultValue = "5000",
            description = "How long requests in flight may take to finish. Default: ${DEFAULT-VALUE} ms.")
    private long graceMillis;

    @Option(names = "--pid", paramLabel = "P",
            description = "The Node.js process. Default: the agent's process if an agent answers, else pid 1;"
                    + " when that is not Node.js (tini, a shell), its only Node.js child.")
    private Long pid;

    @Option(names = "--agent-port", paramLabel = "N",
            description = "The agent's control port on 127.0.0.1; 0 = no agent. Default: $" + PORT_VARIABLE + " or 9339.")
    private Integer agentPort;

    @Option(names = "--maintenance-file", paramLabel = "F",
            description = "The file that switches maintenance on when no agent answers; 'none' = no file. Default: $"
                    + FILE_VARIABLE + " or " + FileToggle.DEFAULT_FILE + ". Removed afterwards only if we created it.")
    private String maintenanceFile;

    @Option(names = "--force", description = "Take the snapshot even when the target may run out of memory.")
    private boolean force;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60",
            description = "Give up on the snapshot after this long. Default: ${DEFAULT-VALUE} min.")
    private long timeoutMinutes;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true", description = "Show progress on a terminal.")
    private boolean progress;

    private final Environment environment;

    InternalSnapshotCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InternalSnapshot.Request request = request();
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, progress);
        InternalSnapshot snapshot = new InternalSnapshot(request, message -> {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
            err.println("leak-detector: " + message);
        }, listener);
        // The second line of defence: SIGTERM and Ctrl-C run shutdown hooks, not finally blocks.
        Thread hook = new Thread(snapshot::interrupt, "leak-detector-internal-snapshot-undo");
        Runtime.getRuntime().addShutdownHook(hook);
        InternalSnapshot.Result result;
        try {
            result = snapshot.run();
        } finally {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or ran: it undoes what is left.
            }
        }
        out.println(json(result));
        return ExitCode.OK;
    }

    private InternalSnapshot.Request request() {
        if (graceMillis < 0 || graceMillis > 600_000) {
            throw new UserException(ExitCode.USAGE, "--maintenance-grace must be between 0 and 600000 ms");
        }
        if (pid != null && pid < 1) {
            throw new UserException(ExitCode.USAGE, "--pid must be a process id (1 or more)");
        }
        if (timeoutMinutes < 1) {
            throw new UserException(ExitCode.USAGE, "--timeout must be at least 1 minute");
        }
        int port = agentPort != null ? agentPort : portFromEnvironment();
        if (port < 0 || port > 65535) {
            throw new UserException(ExitCode.USAGE, "--agent-port must be a port number (0-65535), got " + port);
        }
        String maintenance = maintenanceFile != null ? maintenanceFile
                : environment.variables().getOrDefault(FILE_VARIABLE, FileToggle.DEFAULT_FILE);
        if (maintenance.isBlank()) {
            throw new UserException(ExitCode.USAGE, "--maintenance-file must not be empty (use 'none' for no file)");
        }
        CaptureSession.Timeouts defaults = CaptureSession.Timeouts.defaults();
        return new InternalSnapshot.Request(file, pid == null ? -1 : pid, Duration.ofMillis(graceMillis), port,
                environment.variables().get(TOKEN_VARIABLE), maintenance.equals("none") ? null : Paths.get(maintenance),
                force, new CaptureSession.Timeouts(defaults.connect(), defaults.idle(), Duration.ofMinutes(timeoutMinutes)));
    }

    private int portFromEnvironment() {
        String value = environment.variables().getOrDefault(PORT_VARIABLE, "");
        if (value.isEmpty()) {
            return AgentControl.DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UserException(ExitCode.USAGE, PORT_VARIABLE + "=" + value + " is not a port number");
        }
    }

    private static String json(InternalSnapshot.Result result) {
        ObjectNode line = new ObjectMapper().createObjectNode();
        line.put("file", result.file().toString());
        line.put("bytes", result.bytes());
        line.put("durationMs", result.durationMs());
        line.put("pid", result.pid());
        line.put("method", "inspector");
        line.put("maintenance", result.maintenance());
        if (result.drained() == null) {
            line.putNull("drained");
        } else {
            line.put("drained", result.drained());
        }
        line.put("totalMs", result.totalMs());
        return line.toString();
    }
}
