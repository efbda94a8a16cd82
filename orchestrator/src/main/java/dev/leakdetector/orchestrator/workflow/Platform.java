package dev.leakdetector.orchestrator.workflow;

import java.util.List;

/**
 * One place services run: local processes, Docker, Kubernetes. The workflow calls these in
 * order; every method that changes the world registers its undo with {@link RunContext#undo()}
 * before it returns, so that a failure, Ctrl-C or SIGTERM at any point restores traffic and
 * removes what the run created.
 */
public interface Platform extends AutoCloseable {

    /** {@code local}, {@code docker} or {@code k8s}. */
    String name();

    /** Finds and inspects the target; changes nothing. */
    Target discover(RunRequest request) throws OrchestrationException;

    /** Checks permissions and capabilities the run will need; changes nothing. */
    void preflight(Target target, RunRequest request) throws OrchestrationException;

    /**
     * Makes the target's inspector reachable from here (opening it with SIGUSR1 when needed) and
     * registers the undo of any tunnel it opened.
     */
    InspectorAccess openInspector(Target target, RunRequest request, RunContext context) throws OrchestrationException;

    /**
     * The platform's own way to take this target's snapshots, when pre-flight chose one (the
     * inspector cannot be used, or {@link RunRequest#snapshotMethod()} asked for it), or null to
     * use the inspector through {@link #openInspector}. Called once, after pre-flight; it changes
     * nothing itself: each snapshot registers its own undos.
     */
    default SnapshotSource openSnapshots(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        return null;
    }

    /** Starts an identical replacement and waits until it serves; registers its removal. */
    Replacement startReplacement(Target target, RunRequest request, RunContext context) throws OrchestrationException;

    /**
     * Moves traffic from the target to the replacement with the request's drain method (or this
     * platform's default) and waits until no new traffic reaches the target; registers the
     * restore (with {@link UndoRecord#restoresTraffic()} set).
     */
    void drain(Target target, Replacement replacement, RunRequest request, RunContext context)
            throws OrchestrationException;

    /** Executes an undo this platform registered, in this run or a crashed one. Idempotent. */
    void undo(UndoRecord record) throws Exception;

    /** Changes left behind by runs (all, or one run id), found by their labels, as undos. */
    List<UndoRecord> leftovers(String runId) throws OrchestrationException;

    @Override
    default void close() {
    }
}
