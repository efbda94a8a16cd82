package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;

/**
 * Decides, before the run changes anything, how a target's snapshots are taken: through the
 * inspector when Node can open it, else through the service's own {@code --heapsnapshot-signal}
 * when it was started with one. Every refusal says why and what would work. The same rules on
 * every platform that has the fallback (Docker, Kubernetes).
 */
public final class SnapshotMethodChoice {
    private static final String NO_FALLBACK = "start Node with --heapsnapshot-signal=SIGUSR2 (leak-detector then"
            + " uses that signal), or run 'leak-detector-agent internal-snapshot' inside the container";

    private SnapshotMethodChoice() {
    }

    /**
     * @return {@link SnapshotMethod#INSPECTOR} or {@link SnapshotMethod#SIGNAL}
     * @throws OrchestrationException when the requested method cannot work for this target
     */
    public static SnapshotMethod choose(SnapshotMethod requested, DumpTarget target) throws OrchestrationException {
        String noInspector = inspectorProblem(target);
        String signal = target.flags().heapsnapshotSignal();
        switch (requested) {
            case INSPECTOR -> {
                if (noInspector != null) {
                    throw new OrchestrationException(noInspector + "; " + (signal == null ? NO_FALLBACK
                            : "use --snapshot-method auto or signal: it was started with --heapsnapshot-signal=" + signal));
                }
                return SnapshotMethod.INSPECTOR;
            }
            case SIGNAL -> {
                if (signal == null) {
                    throw new OrchestrationException("--snapshot-method signal needs a service started with"
                            + " --heapsnapshot-signal=SIGNAL (on its command line or in NODE_OPTIONS); pid "
                            + target.pid() + " in " + target.displayName() + " was not");
                }
                checkSignal(target, signal);
                return SnapshotMethod.SIGNAL;
            }
            default -> {
                if (noInspector == null) {
                    return SnapshotMethod.INSPECTOR;
                }
                if (signal == null) {
                    throw new OrchestrationException(noInspector + "; " + NO_FALLBACK);
                }
                checkSignal(target, signal);
                return SnapshotMethod.SIGNAL;
            }
        }
    }

    /** Why the inspector cannot be opened in this target, or null when it can. */
    public static String inspectorProblem(DumpTarget target) {
        boolean disabled = target.flags().sigusr1Disabled();
        if (disabled || !target.catches("SIGUSR1")) {
            return "pid " + target.pid() + " in " + target.displayName() + " does not handle SIGUSR1 ("
                    + (disabled ? "started with --disable-sigusr1" : "no handler")
                    + "), so its inspector cannot be opened and SIGUSR1 could kill it";
        }
        if (target.flags().inspectPort() == 0) {
            return "the service in " + target.displayName() + " was started with --inspect-port=0, a random port"
                    + " only its own stderr shows";
        }
        return null;
    }

    /** The dump signal must have a handler: without one, its default action would end the service. */
    private static void checkSignal(DumpTarget target, String signal) throws OrchestrationException {
        if (DumpTarget.signalNumber(signal) < 0) {
            throw new OrchestrationException("pid " + target.pid() + " in " + target.displayName() + " was started"
                    + " with --heapsnapshot-signal=" + signal + ", which is not a signal leak-detector knows");
        }
        if (!target.catches(signal)) {
            throw new OrchestrationException("pid " + target.pid() + " in " + target.displayName() + " was started"
                    + " with --heapsnapshot-signal=" + signal + " but does not handle " + signal + " now (did the app"
                    + " remove the listener?), so sending it could kill the service");
        }
    }
}
