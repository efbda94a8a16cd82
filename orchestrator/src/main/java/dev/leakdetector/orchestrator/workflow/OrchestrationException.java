package dev.leakdetector.orchestrator.workflow;

/**
 * A run step failed because of the environment: a container that does not start, a permission
 * the platform refuses, a target that died. The message names the step and the object.
 */
public class OrchestrationException extends Exception {
    private static final long serialVersionUID = 1L;

    public OrchestrationException(String message) {
        super(message);
    }

    public OrchestrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
