package dev.leakdetector.orchestrator.k8s;

import java.util.ArrayList;
import java.util.List;

/**
 * What a container's command line and {@code NODE_OPTIONS} say about Node's inspector: the port
 * SIGUSR1 opens and whether SIGUSR1 was disabled. Read from the pod spec, before anything runs in
 * the container; the running process is checked again when the inspector is opened.
 */
final class NodeFlags {
    private NodeFlags() {
    }

    /** Every word of the command and arguments ({@code sh -c "node …"} included) and of NODE_OPTIONS. */
    static List<String> tokens(List<String> commandAndArgs, String nodeOptions) {
        List<String> tokens = new ArrayList<>();
        for (String part : commandAndArgs) {
            for (String token : part.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        for (String token : nodeOptions.trim().split("\\s+")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** The inspector's port: {@code --inspect-port}, {@code --debug-port} or {@code --inspect[-brk|-wait]=[host:]port}; 0 means random. */
    static int inspectorPort(List<String> tokens, int fallback) {
        int port = fallback;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String value = null;
            for (String flag : List.of("--inspect-port", "--debug-port", "--inspect", "--inspect-brk", "--inspect-wait")) {
                if (token.startsWith(flag + "=")) {
                    value = token.substring(flag.length() + 1);
                } else if (token.equals(flag) && (flag.endsWith("-port")) && i + 1 < tokens.size()) {
                    value = tokens.get(i + 1);
                }
            }
            if (value != null) {
                int colon = value.lastIndexOf(':');
                try {
                    port = Integer.parseInt(colon < 0 ? value : value.substring(colon + 1));
                } catch (NumberFormatException e) {
                    // "--inspect=localhost" names a host only; the port stays the default.
                }
            }
        }
        return port;
    }

    /** {@code --disable-sigusr1} (Node 22.14+) turns SIGUSR1 into a no-op: the inspector can't be opened from outside. */
    static boolean sigusr1Disabled(List<String> tokens) {
        return tokens.contains("--disable-sigusr1");
    }
}
