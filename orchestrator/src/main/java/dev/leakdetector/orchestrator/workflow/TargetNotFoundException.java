package dev.leakdetector.orchestrator.workflow;

/** The container, pod or process named on the command line does not exist or is not a Node.js service. */
public final class TargetNotFoundException extends OrchestrationException {
    private static final long serialVersionUID = 1L;

    public TargetNotFoundException(String message) {
        super(message);
    }
}
