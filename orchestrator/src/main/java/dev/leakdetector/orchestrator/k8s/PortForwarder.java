package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

/**
 * Opens a tunnel from a loopback port here to a port inside a pod, as {@code kubectl port-forward}
 * does. An interface so that tests can put a real local process behind it.
 */
public interface PortForwarder {

    /** One open tunnel; closing it is idempotent. */
    interface Tunnel extends AutoCloseable {
        /** The port on 127.0.0.1 that leads into the pod. */
        int localPort();

        /** Why connections through the tunnel failed, or null when none did. */
        String problem();

        @Override
        void close();
    }

    /** Opens a tunnel to {@code remotePort} of the pod, listening on 127.0.0.1 only. */
    Tunnel open(String namespace, String pod, int remotePort) throws OrchestrationException;
}
