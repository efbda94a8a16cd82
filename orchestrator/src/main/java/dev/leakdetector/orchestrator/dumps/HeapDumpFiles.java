package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot} files that one Node process's
 * {@code --heapsnapshot-signal} writes into one directory of its container: which there are, how
 * far one is, and deleting the ones the run caused. Every exec asks for the process's own user,
 * so that it sees and may delete what Node wrote.
 *
 * @param shell     runs the commands in the container
 * @param commands  sh or node forms
 * @param user      {@code uid:gid} of the Node process, or null for the container's user
 * @param directory where the process writes its snapshots
 * @param pid       the process, in the container's pid namespace
 */
public record HeapDumpFiles(TargetShell shell, DumpCommands commands, String user, String directory, long pid) {

    /** How far a snapshot file is, as {@link DumpCommands#state} sees it. */
    public record State(boolean processGone, boolean absent, long size, boolean jsonClosed, String open) {
        public static State parse(String output) {
            boolean gone = false;
            boolean absent = false;
            long size = -1;
            boolean closed = false;
            String open = "unknown";
            for (String line : output.split("\n")) {
                if (line.equals("gone")) {
                    gone = true;
                } else if (line.equals("absent")) {
                    absent = true;
                } else if (line.startsWith("size ")) {
                    try {
                        size = Long.parseLong(line.substring(5).strip());
                    } catch (NumberFormatException e) {
                        size = -1;
                    }
                } else if (line.startsWith("end ")) {
                    closed = line.substring(4).equals("]}");
                } else if (line.startsWith("open ")) {
                    open = line.substring(5).strip();
                }
            }
            return new State(gone, absent, size, closed, open);
        }

        /** The writer has let go of the file, or we cannot tell ("unknown"). */
        public boolean released() {
            return !open.equals("yes");
        }
    }

    /** What {@link #list} found: this process's snapshot files, and whether the process still exists. */
    public record Listing(List<String> names, boolean processGone) {
    }

    /** This process's snapshot files in the directory, by name. */
    public Listing list() throws OrchestrationException {
        TargetShell.Result result = run(commands.list(directory, pid));
        List<String> names = new ArrayList<>();
        boolean gone = false;
        for (String line : result.out().split("\n")) {
            if (line.startsWith("F ") && ofProcess(line.substring(2).strip(), pid)) {
                names.add(line.substring(2).strip());
            } else if (line.strip().equals("gone")) {
                gone = true;
            }
        }
        return new Listing(names, gone);
    }

    public State state(String name) throws OrchestrationException {
        return State.parse(run(commands.state(path(name), pid)).out());
    }

    /** Deletes this process's snapshot files except {@code keep} (which were there before the run's signal). */
    public void removeAllBut(List<String> keep) throws OrchestrationException {
        List<String> ours = new ArrayList<>(list().names());
        ours.removeAll(keep);
        if (!ours.isEmpty()) {
            run(commands.remove(directory, ours));
        }
    }

    public String path(String name) {
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }

    /** Whether a file name is a snapshot of this pid: Node puts the pid in the fourth field. */
    public static boolean ofProcess(String name, long pid) {
        String[] parts = name.split("\\.");
        return parts.length == 7 && parts[0].equals("Heap") && parts[3].equals(Long.toString(pid))
                && parts[6].equals("heapsnapshot");
    }

    /**
     * For an undo record, replayable by another process: how to exec, as whom, where, which pid,
     * and the files that were there before the signal (names cannot hold a '/', so it separates them).
     * The platform adds where the container is.
     */
    public Map<String, String> toParams(List<String> existing) {
        Map<String, String> params = new HashMap<>(commands.toParams());
        params.put("user", user == null ? "" : user);
        params.put("directory", directory);
        params.put("pid", Long.toString(pid));
        params.put("existing", String.join("/", existing));
        return params;
    }

    public static HeapDumpFiles fromParams(TargetShell shell, Map<String, String> params) {
        String user = params.getOrDefault("user", "");
        return new HeapDumpFiles(shell, DumpCommands.fromParams(params), user.isEmpty() ? null : user,
                params.get("directory"), Long.parseLong(params.get("pid")));
    }

    /** The files an undo record says were there before the signal. */
    public static List<String> existingFromParams(Map<String, String> params) {
        String existing = params.getOrDefault("existing", "");
        return existing.isEmpty() ? List.of() : List.of(existing.split("/"));
    }

    private TargetShell.Result run(List<String> command) throws OrchestrationException {
        TargetShell.Result result = shell.run(command, user);
        if (!result.ok()) {
            throw new OrchestrationException("'" + TargetShell.shortCommand(command) + "' failed in "
                    + shell.displayName() + " (exit " + result.exitCode() + ": " + result.lastLine() + ")");
        }
        return result;
    }
}
