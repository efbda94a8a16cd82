package dev.leakdetector.orchestrator.workflow;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Undoes the run when the JVM is asked to stop (Ctrl-C, SIGTERM from a Jenkins abort or a
 * Kubernetes Job deletion): the hook restores traffic and removes what the run created before the
 * process exits. SIGKILL cannot be caught; {@code leak-detector cleanup} handles that case.
 */
public final class ShutdownGuard implements AutoCloseable {
    private final Thread hook;
    private volatile boolean armed = true;

    private ShutdownGuard(Thread hook) {
        this.hook = hook;
    }

    public static ShutdownGuard install(UndoStack undo, Journal journal, Consumer<String> warn) {
        ShutdownGuard[] self = new ShutdownGuard[1];
        Thread hook = new Thread(() -> {
            if (self[0] != null && self[0].armed) {
                warn.accept("interrupted: restoring traffic and removing what this run created");
                journal.event("interrupted", Map.of());
                List<String> failures = undo.undoAll();
                failures.forEach(f -> warn.accept("undo failed: " + f));
                journal.event("run-end", Map.of("status", "interrupted"));
            }
        }, "leak-detector-undo");
        self[0] = new ShutdownGuard(hook);
        Runtime.getRuntime().addShutdownHook(hook);
        return self[0];
    }

    /** The run finished its changes normally: the hook has nothing left to do. */
    public void disarm() {
        armed = false;
    }

    @Override
    public void close() {
        armed = false;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs or ran.
        }
    }
}
