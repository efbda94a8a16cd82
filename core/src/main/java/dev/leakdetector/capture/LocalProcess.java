package dev.leakdetector.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code /proc} says about a local process: whether it is Node.js, its command line, and the
 * TCP ports it listens on (to find its inspector without guessing 9229).
 */
public final class LocalProcess {
    /** SIGUSR1 is signal 10: bit 9 of the kernel's signal masks. */
    private static final long SIGUSR1_BIT = 1L << 9;

    private final long pid;
    private final Path proc;

    private LocalProcess(long pid) {
        this.pid = pid;
        this.proc = Paths.get("/proc", Long.toString(pid));
    }

    /** The process, or empty when there is no such pid. */
    public static Optional<LocalProcess> of(long pid) {
        LocalProcess process = new LocalProcess(pid);
        return Files.isDirectory(process.proc) ? Optional.of(process) : Optional.empty();
    }

    /** Node.js processes this user can see, for choosing a target. */
    public static List<LocalProcess> nodeProcesses() {
        List<LocalProcess> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                LocalProcess process = new LocalProcess(Long.parseLong(entry.getFileName().toString()));
                if (process.isNode() && process.pid != ProcessHandle.current().pid()) {
                    result.add(process);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return result;
        }
        result.sort((a, b) -> Long.compare(a.pid, b.pid));
        return result;
    }

    public long pid() {
        return pid;
    }

    /** False once the process has exited, also while it is a zombie that its parent has not reaped yet. */
    public boolean alive() {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return Files.isDirectory(proc);
        }
    }

    /** The command line, arguments separated by spaces; empty when unreadable. */
    public String commandLine() {
        return String.join(" ", arguments());
    }

    public List<String> arguments() {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** True when the executable is a Node.js binary (or the command runs one). */
    public boolean isNode() {
        try {
            String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().toLowerCase(Locale.ROOT);
            if (exe.equals("node") || exe.startsWith("node") || exe.equals("nodejs")) {
                return true;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Another user's process: fall back to the command line.
        }
        List<String> args = arguments();
        if (args.isEmpty()) {
            return false;
        }
        String first = Paths.get(args.get(0)).getFileName().toString();
        return first.equals("node") || first.equals("nodejs");
    }

    /** The kernel's short name of the program ({@code /proc/PID/comm}: "node", "tini", "sh"), or "". */
    public String name() {
        try {
            return Files.readString(proc.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The parent's pid ({@code /proc/PID/stat}), or -1. */
    public long parentPid() {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // "pid (comm) state ppid …": comm may contain spaces and parentheses, so skip to the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The Node.js processes below this one, nearest first. The search does not go below a Node.js
     * process: its children are its own workers or tools, not another service. This is how a
     * container whose pid 1 is an init (tini, docker-init, dumb-init) or a shell finds its service.
     */
    public List<LocalProcess> nodeDescendants() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                LocalProcess process = new LocalProcess(Long.parseLong(entry.getFileName().toString()));
                children.computeIfAbsent(process.parentPid(), k -> new ArrayList<>()).add(process.pid);
            }
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
        List<LocalProcess> found = new ArrayList<>();
        ArrayDeque<Long> queue = new ArrayDeque<>(children.getOrDefault(pid, List.of()));
        Set<Long> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            long child = queue.poll();
            if (!seen.add(child)) {
                continue;
            }
            LocalProcess process = new LocalProcess(child);
            if (process.isNode()) {
                found.add(process);
            } else {
                queue.addAll(children.getOrDefault(child, List.of()));
            }
        }
        return found;
    }

    /**
     * Whether the process catches SIGUSR1 ({@code SigCgt} in {@code /proc/PID/status}), empty when
     * unreadable. Node catches it to open its inspector; a process that does not (started with
     * {@code --disable-sigusr1}, built without the inspector) is killed by SIGUSR1's default action,
     * or ignores it.
     */
    public Optional<Boolean> catchesSigusr1() {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("SigCgt:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return Optional.of((mask & SIGUSR1_BIT) != 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The owner's uid, or -1. */
    public long uid() {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Whether Node was started with {@code --disable-sigusr1} (Node 22.14+), which turns SIGUSR1 into a no-op. */
    public boolean sigusr1Disabled() {
        return sigusr1Disabled(arguments(), environment("NODE_OPTIONS"));
    }

    /**
     * The flag counts among Node's own options only: those before the script (arguments after it
     * belong to the application) and those in {@code NODE_OPTIONS}.
     */
    static boolean sigusr1Disabled(List<String> arguments, String nodeOptions) {
        for (int i = 1; i < arguments.size(); i++) {
            String arg = arguments.get(i);
            if (arg.equals("--disable-sigusr1")) {
                return true;
            }
            if (!arg.startsWith("-")) {
                break;
            }
        }
        return List.of(nodeOptions.split("\\s+")).contains("--disable-sigusr1");
    }

    /** The port SIGUSR1 will open, from {@code --inspect-port}/{@code --debug-port}; 9229 by default; 0 means "any". */
    public int configuredInspectorPort() {
        List<String> args = new ArrayList<>(arguments());
        args.addAll(List.of(environment("NODE_OPTIONS").split("\\s+")));
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            for (String flag : List.of("--inspect-port", "--debug-port")) {
                String value = null;
                if (arg.startsWith(flag + "=")) {
                    value = arg.substring(flag.length() + 1);
                } else if (arg.equals(flag) && i + 1 < args.size()) {
                    value = args.get(i + 1);
                }
                if (value != null) {
                    String port = value.contains(":") ? value.substring(value.lastIndexOf(':') + 1) : value;
                    try {
                        return Integer.parseInt(port);
                    } catch (NumberFormatException e) {
                        return 9229;
                    }
                }
            }
        }
        return 9229;
    }

    /** An environment variable of the process, or "" (unreadable for other users' processes). */
    public String environment(String name) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve("environ"));
            String prefix = name + "=";
            for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith(prefix)) {
                    return entry.substring(prefix.length());
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /**
     * Loopback TCP ports the process listens on: its socket inodes from {@code /proc/PID/fd},
     * matched against listening sockets in its network namespace's {@code /proc/PID/net/tcp}.
     */
    public List<Integer> loopbackListeningPorts() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException e) {
                    // The descriptor closed while we looked.
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            try {
                List<String> lines = Files.readAllLines(proc.resolve("net").resolve(table));
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // local_address is hex "ADDR:PORT"; state 0A is LISTEN; inode is the 10th field.
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9]) && isLoopback(f[1])) {
                        int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                        if (!ports.contains(port)) {
                            ports.add(port);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No IPv6 table, or a line we cannot read: skip it.
            }
        }
        return ports;
    }

    private static boolean isLoopback(String hexAddressAndPort) {
        String address = hexAddressAndPort.substring(0, hexAddressAndPort.indexOf(':'));
        // IPv4 127.x.x.x is stored little-endian: the last byte pair is 7F.
        return address.length() == 8 && address.endsWith("7F")
                || address.equals("00000000000000000000000001000000");
    }

    @Override
    public String toString() {
        String line = commandLine();
        return pid + "  " + (line.length() > 100 ? line.substring(0, 99) + "…" : line);
    }
}
