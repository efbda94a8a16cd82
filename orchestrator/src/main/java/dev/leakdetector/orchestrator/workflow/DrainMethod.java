package dev.leakdetector.orchestrator.workflow;

import java.util.Locale;

/**
 * How traffic is moved away from the target. Each method has its undo; which ones a platform
 * supports is documented with the platform.
 */
public enum DrainMethod {
    /** The embedded reverse proxy of the local platform switches to the replacement. */
    PROXY,
    /** Create {@code /tmp/maintenance} in the target; the agent (or the app) answers 503 and fails readiness. */
    FILE,
    /** The agent's control channel: POST /maintenance. */
    AGENT,
    /** A load-balancer admin call, from URL and body templates. */
    HTTP_HOOK,
    /** A user script, called with environment variables. */
    COMMAND,
    /** Kubernetes: set the pod's readiness-gate condition to False. */
    READINESS_GATE,
    /** Kubernetes: remove the label the Services select on. */
    RELABEL,
    /** No drain, with a warning: the target keeps serving while it is snapshotted. */
    NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static DrainMethod parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown drain method '" + text + "' (expected proxy, file, agent,"
                    + " http-hook, command, readiness-gate, relabel or none)");
        }
    }
}
