package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.SignalSnapshots;

import java.time.Duration;

/**
 * How long the Kubernetes platform waits for the cluster. Immutable; tests shorten them.
 *
 * @param replacementReady a new pod may take this long to become Ready (image pull, start, probes)
 * @param endpoints        the endpoints controller may take this long to drop or re-add the target
 * @param inspectorOpen    the target may take this long to open its inspector after SIGUSR1
 * @param exec             one exec into a container may take this long
 * @param poll             interval between two looks at the cluster while waiting
 * @param dumps            the waits of the {@code --heapsnapshot-signal} method (for the file, and its copy)
 */
public record K8sSettings(Duration replacementReady, Duration endpoints, Duration inspectorOpen, Duration exec,
                          Duration poll, SignalSnapshots.Timeouts dumps) {

    /** The given waits, with the signal method's defaults. */
    public K8sSettings(Duration replacementReady, Duration endpoints, Duration inspectorOpen, Duration exec,
                       Duration poll) {
        this(replacementReady, endpoints, inspectorOpen, exec, poll, SignalSnapshots.Timeouts.defaults());
    }

    public static K8sSettings defaults() {
        return new K8sSettings(Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ofMillis(500));
    }

    public K8sSettings withDumps(SignalSnapshots.Timeouts timeouts) {
        return new K8sSettings(replacementReady, endpoints, inspectorOpen, exec, poll, timeouts);
    }
}
