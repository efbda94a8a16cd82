package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** {@link PortForwarder} through the API server's {@code pods/portforward} subresource (fabric8). */
final class FabricPortForwarder implements PortForwarder {
    private final KubernetesClient client;

    FabricPortForwarder(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Tunnel open(String namespace, String pod, int remotePort) throws OrchestrationException {
        try {
            // The loopback address must be explicit: without it fabric8 listens on every interface,
            // which would publish the target's inspector (remote code execution) to the network.
            LocalPortForward forward = client.pods().inNamespace(namespace).withName(pod)
                    .portForward(remotePort, InetAddress.getLoopbackAddress(), 0);
            return new FabricTunnel(forward);
        } catch (KubernetesClientException e) {
            throw Api.failure("port-forward to port " + remotePort + " of pod " + namespace + "/" + pod, e);
        }
    }

    private record FabricTunnel(LocalPortForward forward) implements Tunnel {
        @Override
        public int localPort() {
            return forward.getLocalPort();
        }

        @Override
        public String problem() {
            if (!forward.errorOccurred()) {
                return null;
            }
            List<Throwable> problems = new ArrayList<>(forward.getServerThrowables());
            problems.addAll(forward.getClientThrowables());
            return problems.isEmpty() ? "the port-forward failed" : String.valueOf(problems.get(problems.size() - 1).getMessage());
        }

        @Override
        public void close() {
            try {
                forward.close();
            } catch (IOException e) {
                // Closing a tunnel that broke already: nothing is left open.
            }
        }
    }
}
