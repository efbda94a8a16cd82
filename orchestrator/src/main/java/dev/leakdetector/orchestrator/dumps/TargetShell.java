package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.util.List;

/**
 * Runs a short command inside the target's container for the {@code --heapsnapshot-signal}
 * method: a {@code docker exec}, or a Kubernetes exec through the API server. Each platform binds
 * it to one container and its own timeout.
 */
public interface TargetShell {

    /** What a command printed and how it ended. */
    record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last line of stderr (or stdout), for error messages. */
        public String lastLine() {
            String text = err.isBlank() ? out : err;
            String[] lines = text.strip().split("\n");
            return lines.length == 0 ? "" : lines[lines.length - 1].strip();
        }
    }

    /**
     * @param user {@code uid:gid} to run as, or null for the container's user. Docker honours it.
     *             A Kubernetes exec cannot choose its user and runs as the container's; the
     *             directory probe reports the uid it ran as, so that pre-flight accounts for it.
     * @throws OrchestrationException when the command cannot be run at all or does not finish in time
     */
    Result run(List<String> command, String user) throws OrchestrationException;

    /** The container, for messages: "container 0123456789ab", "pod shop/web-1 (container app)". */
    String displayName();

    /** The command for messages: scripts passed with -c/-e are long and say nothing to a user. */
    static String shortCommand(List<String> command) {
        StringBuilder text = new StringBuilder();
        for (String part : command) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(part.length() > 40 ? part.substring(0, 37) + "..." : part);
        }
        return text.toString();
    }
}
