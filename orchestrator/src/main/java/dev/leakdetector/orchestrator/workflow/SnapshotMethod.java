package dev.leakdetector.orchestrator.workflow;

import java.util.Locale;

/**
 * How the run asks for its heap snapshots ({@code --snapshot-method}). Both snapshots of a run
 * always come the same way, so that V8's object ids stay comparable between them.
 */
public enum SnapshotMethod {
    /** The inspector when it can be opened, else the platform's fallback when the target allows one. */
    AUTO,
    /** One inspector session (CDP), opened with SIGUSR1; refused when the target cannot have one. */
    INSPECTOR,
    /** The target's own {@code --heapsnapshot-signal}: it writes the file, the platform copies it out. */
    SIGNAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SnapshotMethod parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown snapshot method '" + text + "' (expected auto, inspector or"
                    + " signal)");
        }
    }
}
