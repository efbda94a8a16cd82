package dev.leakdetector.capture;

import java.net.URI;

/**
 * One debuggable target listed by an inspector's {@code /json/list}.
 *
 * @param title Node titles a target {@code node[<pid>]} for {@code -e} scripts and the REPL, and
 *              with the script path otherwise; so the pid is verified over the session too
 */
public record InspectorTarget(String id, String title, String type, URI webSocketDebuggerUrl) {

    /** The pid in a {@code node[<pid>]} title, or -1. */
    public long titlePid() {
        if (title != null && title.startsWith("node[") && title.endsWith("]")) {
            try {
                return Long.parseLong(title.substring(5, title.length() - 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
