package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The in-app agent's maintenance mode (agent/README.md), reached through a port-forward to its
 * control port, which listens on the pod's loopback only. In maintenance the agent fails the
 * readiness probe, so the kubelet marks the pod not Ready and the endpoints controller takes it
 * out of its Services. The agent's token is read from the container's environment through exec,
 * so it never appears in the journal or on a command line.
 */
final class AgentSwitch {
    private static final String TOKEN_VARIABLE = "LEAK_DETECTOR_AGENT_TOKEN";

    private final PortForwarder forwarder;
    private final ContainerFiles files;

    AgentSwitch(PortForwarder forwarder, ContainerFiles files) {
        this.forwarder = forwarder;
        this.files = files;
    }

    void set(String ns, String pod, String container, int port, boolean maintenance) throws OrchestrationException {
        String token = files.env(ns, pod, container, TOKEN_VARIABLE);
        // drainTimeoutMs 0: the agent answers at once; the workflow waits its own grace period
        // after the pod has left the endpoints, which is when new requests stop coming.
        String body = maintenance ? "{\"enabled\":true,\"drainTimeoutMs\":0}" : "{\"enabled\":false}";
        String where = "the agent on port " + port + " of pod " + ns + "/" + pod;
        try (PortForwarder.Tunnel tunnel = forwarder.open(ns, pod, port)) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tunnel.localPort()
                            + "/maintenance")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (!token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new OrchestrationException(where + " answered HTTP " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new OrchestrationException(where + " does not answer (is leak-detector-agent installed in the service?"
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted while calling " + where);
        }
    }
}
