package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.dumps.DumpCommands;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A process inside a container, as the probe saw it in the container's {@code /proc}: pids are
 * the container's own (what {@code process.pid} says there), not the host's.
 *
 * @param pid       pid in the container's pid namespace
 * @param parentPid its parent's pid there
 * @param name      {@code Name:} from status (the comm, possibly renamed by process.title)
 * @param exe       the executable, or "" when unreadable
 * @param arguments the command line
 * @param caught    the {@code SigCgt} mask (see {@link dev.leakdetector.orchestrator.dumps.DumpTarget#catches})
 */
record NodeProcess(long pid, long parentPid, String name, String exe, List<String> arguments, long caught) {
    private static final Set<String> NODE_NAMES = Set.of("node", "nodejs");
    /** Package managers that run the service as a child; the child is the one to snapshot. */
    private static final List<String> LAUNCHERS = List.of("npm", "npx", "yarn", "pnpm", "corepack", "npm-cli.js",
            "npx-cli.js", "yarn.js", "pnpm.cjs");

    NodeProcess {
        arguments = List.copyOf(arguments);
    }

    /** Parses the probe's P/X/S/C lines. */
    static List<NodeProcess> parse(String output) {
        List<NodeProcess> result = new ArrayList<>();
        long pid = -1;
        long parent = -1;
        long caught = 0;
        String name = "";
        String exe = "";
        for (String line : output.split("\n")) {
            if (line.startsWith("P ")) {
                pid = parseLong(line.substring(2).trim(), -1);
                parent = -1;
                caught = 0;
                name = "";
                exe = "";
            } else if (line.startsWith("X ")) {
                exe = line.substring(2).trim();
            } else if (line.startsWith("S Name:")) {
                name = line.substring(7).trim();
            } else if (line.startsWith("S PPid:")) {
                parent = parseLong(line.substring(7).trim(), -1);
            } else if (line.startsWith("S SigCgt:")) {
                caught = parseHex(line.substring(9).trim());
            } else if (line.startsWith("C") && pid > 0) {
                String raw = line.length() > 2 ? line.substring(2) : "";
                List<String> args = new ArrayList<>(List.of(raw.split("\0")));
                args.removeIf(String::isEmpty);
                result.add(new NodeProcess(pid, parent, name, exe, args, caught));
                pid = -1;
            }
        }
        return result;
    }

    /** A Node.js executable runs this process (by its exe, else its comm or argv[0]). */
    boolean isNode() {
        if (!exe.isEmpty()) {
            return NODE_NAMES.contains(baseName(exe.replace(" (deleted)", "")));
        }
        return NODE_NAMES.contains(name) || (!arguments.isEmpty() && NODE_NAMES.contains(baseName(arguments.get(0))));
    }

    /** One of our own helper processes ({@code node -e} with the marker). */
    boolean ours() {
        return arguments.stream().anyMatch(a -> a.contains(DumpCommands.MARKER));
    }

    /** npm, yarn and friends run in Node too, but the service is their child. */
    boolean launcher() {
        for (int i = 1; i < arguments.size() && i < 3; i++) {
            String base = baseName(arguments.get(i));
            if (LAUNCHERS.contains(base)) {
                return true;
            }
        }
        return false;
    }

    String commandLine() {
        return String.join(" ", arguments);
    }

    /**
     * The service's Node process among the container's processes, or null when there is none.
     *
     * @throws IllegalStateException when several could be the service (a cluster, or two apps)
     */
    static NodeProcess service(List<NodeProcess> processes) {
        List<NodeProcess> candidates = new ArrayList<>();
        for (NodeProcess p : processes) {
            if (p.isNode() && !p.ours() && !p.launcher()) {
                candidates.add(p);
            }
        }
        if (candidates.size() <= 1) {
            return candidates.isEmpty() ? null : candidates.get(0);
        }
        StringBuilder list = new StringBuilder();
        for (NodeProcess p : candidates) {
            list.append(list.length() == 0 ? "" : "; ").append("pid ").append(p.pid()).append(": ").append(p.commandLine());
        }
        throw new IllegalStateException("the container runs " + candidates.size() + " Node.js processes (" + list
                + "); leak-detector snapshots one process, so run one service per container (a cluster's workers"
                + " each have their own heap)");
    }

    static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static long parseLong(String text, long fallback) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseHex(String text) {
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
