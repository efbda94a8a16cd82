package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a target's snapshots are taken by its {@code --heapsnapshot-signal}, as pre-flight settled
 * it: the process, the shell into its container, the user Node runs as (every exec of the method
 * asks for that user, so it may signal Node and sees and deletes what Node wrote), and the
 * commands the image supports.
 *
 * @param target   the service's Node process
 * @param shell    runs commands in its container
 * @param user     {@code uid:gid} of the Node process, or null when unknown (the container's user)
 * @param commands sh or node forms of the commands
 * @param timeouts how long to wait for the file
 */
public record SignalPlan(DumpTarget target, TargetShell shell, String user, DumpCommands commands,
                         SignalSnapshots.Timeouts timeouts) {

    /**
     * Checks that Node can write its snapshot where it will, and settles the plan. Node 20 runs
     * {@code --heapsnapshot-signal} as a JavaScript listener whose failure to create the file is
     * an uncaught exception: a read-only working directory would kill the service, not just fail
     * the snapshot. So a file is created there as Node's user and deleted at once.
     */
    public static SignalPlan preflight(TargetShell shell, DumpTarget target, DumpCommands commands,
                                       SignalSnapshots.Timeouts timeouts) throws OrchestrationException {
        ProcessInfo info = processInfo(shell, target, commands, null);
        SignalPlan plan = new SignalPlan(target, shell, info.user(), commands, timeouts);
        String directory = plan.directory(info);
        TargetShell.Result check = plan.probe(directory);
        DirectoryProbe probe = DirectoryProbe.parse(check.out());
        if (probe.probeUid() >= 0 && info.uid() >= 0 && probe.probeUid() != info.uid() && probe.probeUid() != 0) {
            throw new OrchestrationException("commands in " + shell.displayName() + " run as uid " + probe.probeUid()
                    + ", but Node (pid " + target.pid() + ") runs as uid " + info.uid() + ": they could neither send it "
                    + plan.signal() + " nor read the snapshot it writes (mode 0600). The --heapsnapshot-signal method"
                    + " needs commands in the container to run as Node's user or as root");
        }
        String refusal = check.ok() ? probe.refusal(info) : "exit " + check.exitCode() + ": " + check.lastLine();
        if (refusal != null) {
            throw new OrchestrationException("Node (uid " + (info.uid() < 0 ? "?" : info.uid()) + ") cannot create files"
                    + " in " + directory + " of " + target.displayName() + " (" + refusal + "), where its"
                    + " --heapsnapshot-signal writes the snapshot, and Node exits when that write fails. Start Node with"
                    + " --diagnostic-dir=<a writable directory>, or make " + directory + " writable");
        }
        return plan;
    }

    /** The signal from {@code --heapsnapshot-signal}, such as {@code SIGUSR2}. */
    public String signal() {
        return target.flags().heapsnapshotSignal();
    }

    /** The Node process as an exec sees it now; fails when it no longer exists. */
    ProcessInfo processInfo() throws OrchestrationException {
        return processInfo(shell, target, commands, user);
    }

    private static ProcessInfo processInfo(TargetShell shell, DumpTarget target, DumpCommands commands, String user)
            throws OrchestrationException {
        long pid = target.pid();
        TargetShell.Result result = shell.run(commands.processInfo(pid), user);
        if (!result.ok()) {
            throw new OrchestrationException("cannot read /proc/" + pid + " in " + target.displayName() + " (exit "
                    + result.exitCode() + ": " + result.lastLine() + ")");
        }
        ProcessInfo info = ProcessInfo.parse(result.out());
        if (info.gone()) {
            throw new OrchestrationException("pid " + pid + " in " + target.displayName() + " no longer exists");
        }
        return info;
    }

    /**
     * Where Node writes: {@code --diagnostic-dir} (relative ones from the working directory), else
     * its working directory, read from {@code /proc/PID/cwd} each time (a process may chdir).
     */
    String directory(ProcessInfo info) throws OrchestrationException {
        String configured = target.flags().diagnosticDir();
        if (configured != null && configured.startsWith("/")) {
            return configured;
        }
        if (info.cwd().isEmpty()) {
            throw new OrchestrationException("cannot read the working directory of pid " + target.pid() + " in "
                    + target.displayName() + " (/proc/" + target.pid() + "/cwd), where its snapshots are written;"
                    + " start Node with --diagnostic-dir=/an/absolute/directory");
        }
        String cwd = info.cwd();
        if (configured == null) {
            return cwd;
        }
        return (cwd.endsWith("/") ? cwd : cwd + "/") + configured;
    }

    /** The process's snapshot files in the directory it writes to now. */
    HeapDumpFiles files(ProcessInfo info) throws OrchestrationException {
        return new HeapDumpFiles(shell, commands, user, directory(info), target.pid());
    }

    /** Free bytes in the directory for Node's user, or -1 when they cannot be read. */
    long freeSpace(String directory) throws OrchestrationException {
        return DirectoryProbe.parse(probe(directory).out()).freeBytes();
    }

    private TargetShell.Result probe(String directory) throws OrchestrationException {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return shell.run(commands.directory(directory, ".leak-detector-probe-" + HexFormat.of().formatHex(random)), user);
    }
}
