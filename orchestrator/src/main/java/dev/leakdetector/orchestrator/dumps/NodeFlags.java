package dev.leakdetector.orchestrator.dumps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Node.js options of the service that matter for capture, from its command line (Node's own
 * options come before the script; later ones belong to the application) and {@code NODE_OPTIONS}.
 *
 * @param inspectPort        where SIGUSR1 opens the inspector: {@code --inspect-port}, else 9229
 * @param sigusr1Disabled    started with {@code --disable-sigusr1}
 * @param heapsnapshotSignal the signal of {@code --heapsnapshot-signal}, or null
 * @param diagnosticDir      where {@code --heapsnapshot-signal} writes ({@code --diagnostic-dir}), or null:
 *                           the process's working directory
 * @param maxOldSpaceMiB     {@code --max-old-space-size} in MiB, or 0 when not given
 */
public record NodeFlags(int inspectPort, boolean sigusr1Disabled, String heapsnapshotSignal, String diagnosticDir,
                        long maxOldSpaceMiB) {
    /** Where SIGUSR1 opens the inspector when nothing says otherwise. */
    public static final int DEFAULT_INSPECT_PORT = 9229;

    /** Node options whose value may follow as the next argument. */
    private static final Set<String> TAKES_VALUE = Set.of("--inspect-port", "--debug-port",
            "--heapsnapshot-signal", "-r", "--require", "--import", "--loader", "--experimental-loader", "--title",
            "--env-file", "-C", "--conditions", "--diagnostic-dir", "--redirect-warnings", "--stack-size");

    /**
     * The options of a running process.
     *
     * @param arguments   its argv, as {@code /proc/PID/cmdline} has it
     * @param nodeOptions its {@code NODE_OPTIONS}, or null
     */
    public static NodeFlags of(List<String> arguments, String nodeOptions) {
        List<String> options = new ArrayList<>();
        for (int i = 1; i < arguments.size(); i++) {
            String arg = arguments.get(i);
            if (!arg.startsWith("-")) {
                break;
            }
            options.add(arg);
            if (TAKES_VALUE.contains(arg) && i + 1 < arguments.size()) {
                // "--flag value": the value is not the script.
                options.add(arguments.get(++i));
            }
        }
        if (nodeOptions != null && !nodeOptions.isBlank()) {
            // Node reads NODE_OPTIONS first, so the command line wins where both set an option.
            options.addAll(0, List.of(nodeOptions.trim().split("\\s+")));
        }
        return ofWords(options);
    }

    /**
     * The options found anywhere in a list of words, in order (a later one wins). For a command
     * that is not Node's own argv, such as a pod spec's {@code sh -c "node --inspect-port=0 app.js"}
     * split into words: there is no telling where Node's options end.
     */
    public static NodeFlags ofWords(List<String> words) {
        int port = DEFAULT_INSPECT_PORT;
        boolean disabled = false;
        String signal = null;
        String diagnosticDir = null;
        long maxOldSpace = 0;
        for (int i = 0; i < words.size(); i++) {
            // V8's own flags may be spelled with underscores.
            String option = words.get(i).startsWith("--max_old_space_size=")
                    ? "--max-old-space-size=" + words.get(i).substring(21) : words.get(i);
            String next = i + 1 < words.size() ? words.get(i + 1) : null;
            String value;
            if ((value = value(option, next, "--inspect-port")) != null
                    || (value = value(option, next, "--debug-port")) != null) {
                port = port(value, port);
            } else if ((value = value(option, next, "--heapsnapshot-signal")) != null) {
                signal = value;
            } else if ((value = value(option, next, "--diagnostic-dir")) != null) {
                diagnosticDir = value.isEmpty() ? null : value;
            } else if ((value = value(option, next, "--max-old-space-size")) != null) {
                maxOldSpace = megabytes(value, maxOldSpace);
            } else if (option.equals("--disable-sigusr1")) {
                disabled = true;
            } else if (option.startsWith("--inspect=") || option.startsWith("--inspect-brk=")
                    || option.startsWith("--inspect-wait=")) {
                port = port(option.substring(option.indexOf('=') + 1), port);
            }
        }
        return new NodeFlags(port, disabled, signal, diagnosticDir, maxOldSpace);
    }

    private static String value(String option, String next, String flag) {
        if (option.startsWith(flag + "=")) {
            return option.substring(flag.length() + 1);
        }
        return option.equals(flag) ? next : null;
    }

    private static long megabytes(String value, long fallback) {
        try {
            return Math.max(0, Math.round(Double.parseDouble(value)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** {@code host:port} or {@code port}; 0 would be a random port that only the target's stderr shows. */
    private static int port(String value, int fallback) {
        String port = value.contains(":") ? value.substring(value.lastIndexOf(':') + 1) : value;
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
