package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a container's snapshots are taken by its {@code --heapsnapshot-signal}, as pre-flight
 * settled it: the signal, the user Node runs as (every exec of the method runs as that user, so
 * it may signal Node and sees and deletes what Node wrote), and the commands the image supports.
 *
 * @param signal   the signal name from {@code --heapsnapshot-signal}
 * @param user     {@code uid:gid} of the Node process, or null when unknown (the container's user)
 * @param commands sh or node forms of the commands
 * @param timeouts how long to wait for the file
 */
record SignalPlan(String signal, String user, DumpCommands commands, SignalSnapshots.Timeouts timeouts) {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Checks that Node can write its snapshot where it will, and settles the plan. Node 20 runs
     * {@code --heapsnapshot-signal} as a JavaScript listener whose failure to create the file is
     * an uncaught exception: a read-only working directory would kill the service, not just fail
     * the snapshot. So a file is created there as Node's user and deleted at once.
     */
    static SignalPlan preflight(ContainerExec exec, TargetContainer container, SignalSnapshots.Timeouts timeouts)
            throws OrchestrationException {
        DumpCommands commands = new DumpCommands(container.tools());
        ProcessInfo info = processInfo(exec, container, commands);
        SignalPlan plan = new SignalPlan(container.flags().heapsnapshotSignal(), info.user(), commands, timeouts);
        String directory = plan.directory(info, container);
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        ContainerExec.Result check = exec.run(container.id(), commands.directory(directory, ".leak-detector-probe-"
                + HexFormat.of().formatHex(random)), EXEC_TIMEOUT, plan.user());
        String answer = check.out().strip();
        if (!check.ok() || !answer.startsWith("writable")) {
            String reason = answer.startsWith("unwritable ") ? answer.substring(11).lines().findFirst().orElse("")
                    : "exit " + check.exitCode() + ": " + check.lastLine();
            throw new OrchestrationException("Node (uid " + (info.uid() < 0 ? "?" : info.uid()) + ") cannot create files"
                    + " in " + directory + " of " + container.displayName() + " (" + reason + "), where its"
                    + " --heapsnapshot-signal writes the snapshot, and Node exits when that write fails. Start Node with"
                    + " --diagnostic-dir=<a writable directory>, or make " + directory + " writable");
        }
        return plan;
    }

    /** The Node process as an exec sees it now; fails when it no longer exists. */
    ProcessInfo processInfo(ContainerExec exec, TargetContainer container) throws OrchestrationException {
        return processInfo(exec, container, commands);
    }

    private static ProcessInfo processInfo(ContainerExec exec, TargetContainer container, DumpCommands commands)
            throws OrchestrationException {
        long pid = container.process().pid();
        ContainerExec.Result result = exec.run(container.id(), commands.processInfo(pid), EXEC_TIMEOUT);
        if (!result.ok()) {
            throw new OrchestrationException("cannot read /proc/" + pid + " in " + container.displayName() + " (exit "
                    + result.exitCode() + ": " + result.lastLine() + ")");
        }
        ProcessInfo info = ProcessInfo.parse(result.out());
        if (info.gone()) {
            throw new OrchestrationException("pid " + pid + " in " + container.displayName() + " no longer exists");
        }
        return info;
    }

    /**
     * Where Node writes: {@code --diagnostic-dir} (relative ones from the working directory), else
     * its working directory, read from {@code /proc/PID/cwd} each time (a process may chdir).
     */
    String directory(ProcessInfo info, TargetContainer container) throws OrchestrationException {
        String configured = container.flags().diagnosticDir();
        if (configured != null && configured.startsWith("/")) {
            return configured;
        }
        if (info.cwd().isEmpty()) {
            throw new OrchestrationException("cannot read the working directory of pid " + container.process().pid()
                    + " in " + container.displayName() + " (/proc/" + container.process().pid() + "/cwd), where its"
                    + " snapshots are written; start Node with --diagnostic-dir=/an/absolute/directory");
        }
        String cwd = info.cwd();
        if (configured == null) {
            return cwd;
        }
        return (cwd.endsWith("/") ? cwd : cwd + "/") + configured;
    }

    /** Free bytes in the directory for Node's user, or -1 when they cannot be read. */
    long freeSpace(ContainerExec exec, TargetContainer container, String directory) throws OrchestrationException {
        ContainerExec.Result result = exec.run(container.id(), commands.directory(directory, ".leak-detector-probe-"
                + Long.toHexString(System.nanoTime())), EXEC_TIMEOUT, user);
        for (String line : result.out().split("\n")) {
            if (line.startsWith("freekb ")) {
                try {
                    return Long.parseLong(line.substring(7).strip()) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
