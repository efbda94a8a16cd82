package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.capture.InspectorEndpoint;

/**
 * How to reach the target's inspector from here: a local endpoint (loopback, or the local end of
 * an exec relay or port-forward), and the pid the target must report in its own pid namespace
 * (-1 when it cannot be known).
 */
public record InspectorAccess(InspectorEndpoint endpoint, long expectedPid) {
}
