package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

/**
 * The container an exec was meant for is stopped or removed. Undos decide what that means: an
 * agent's maintenance state died with its process, but a maintenance file survives a stop.
 */
final class ContainerUnavailableException extends OrchestrationException {
    private static final long serialVersionUID = 1L;
    private final boolean removed;

    ContainerUnavailableException(String message, boolean removed, Throwable cause) {
        super(message, cause);
        this.removed = removed;
    }

    /** True when the container no longer exists at all (not merely stopped). */
    boolean removed() {
        return removed;
    }
}
