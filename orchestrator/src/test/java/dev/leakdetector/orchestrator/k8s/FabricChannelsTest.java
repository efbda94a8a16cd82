package dev.leakdetector.orchestrator.k8s;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real exec through fabric8's WebSocket protocol, against the mock's scripted exec sessions:
 * output, exit code, and the runtime's "executable file not found" that makes the platform fall
 * back to {@code node} in distroless images.
 */
@EnableKubernetesMockClient
class FabricChannelsTest {
    static final String EXEC = "/api/v1/namespaces/shop/pods/web-1/exec?command=sh&command=-c&command=true"
            + "&container=app&stdout=true&stderr=true";

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void pod() {
        // fabric8 reads the pod first, to check the container name.
        server.expect().get().withPath("/api/v1/namespaces/shop/pods/web-1").andReturn(200, new PodBuilder()
                .withNewMetadata().withName("web-1").withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("node:20").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).always();
    }

    @Test
    void execReturnsOutputAndExitCode() throws Exception {
        server.expect().withPath(EXEC).andUpgradeToWebSocket().open()
                .waitFor(50).andEmit(new OutputStreamMessage("self\t41\n1\t0\t200\t/usr/bin/node\tnode\n"))
                .waitFor(60).andEmit(new StatusStreamMessage(0)).done().once();

        PodExec.Result result = new FabricPodExec(client).exec("shop", "web-1", "app", List.of("sh", "-c", "true"),
                Duration.ofSeconds(10));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("self\t41\n1\t0\t200\t/usr/bin/node\tnode\n");
        assertThat(result.missingExecutable()).isFalse();
    }

    @Test
    void aMissingShellIsRecognised() throws Exception {
        server.expect().withPath(EXEC).andUpgradeToWebSocket().open()
                .waitFor(50).andEmit(new StatusMessage(new StatusBuilder().withStatus("Failure").withReason("InternalError")
                        .withMessage("OCI runtime exec failed: exec failed: unable to start container process: exec:"
                                + " \"sh\": executable file not found in $PATH: unknown").build()))
                .done().once();

        PodExec.Result result = new FabricPodExec(client).exec("shop", "web-1", "app", List.of("sh", "-c", "true"),
                Duration.ofSeconds(10));

        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.missingExecutable()).isTrue();
    }

    @Test
    void thePortForwardListensOnLoopbackOnly() throws Exception {
        try (PortForwarder.Tunnel tunnel = new FabricPortForwarder(client).open("shop", "web-1", 9229)) {
            assertThat(tunnel.localPort()).isPositive();
            // Reachable on 127.0.0.1 …
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), tunnel.localPort())) {
                assertThat(socket.isConnected()).isTrue();
            }
            // … and bound to it alone: a wildcard listener would publish the inspector to the network.
            assertThat(listenerAddress(tunnel.localPort())).isEqualTo("127.0.0.1");
        }
    }

    /** The local address of the listening socket on the port, from /proc/net/tcp and tcp6. */
    private static String listenerAddress(int port) throws Exception {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
                    String hex = f[1].substring(0, f[1].indexOf(':'));
                    // 127.0.0.1 in the kernel's byte order, alone or IPv4-mapped in an IPv6 socket.
                    if (hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F")) {
                        return "127.0.0.1";
                    }
                    return hex.matches("0+") ? "any" : hex;
                }
            }
        }
        return "none";
    }
}
