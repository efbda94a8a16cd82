package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.dumps.DumpCommands;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @TempDir
    Path dir;

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
    void aSnapshotIsCopiedOutThroughTheExecStreamChunkByChunk() throws Exception {
        // What the signal method runs on a real cluster: cat through fabric8's exec, streamed to a 0600 file.
        String path = "/api/v1/namespaces/shop/pods/web-1/exec?command=cat&command=snapshot&container=app&stdout=true"
                + "&stderr=true";
        String first = "{\"snapshot\":{\"meta\":{}},\"nodes\":[";
        String second = "0,1,2],\"strings\":[\"a\"]}";
        server.expect().withPath(path).andUpgradeToWebSocket().open()
                .waitFor(50).andEmit(new OutputStreamMessage(first))
                .waitFor(30).andEmit(new OutputStreamMessage(second))
                .waitFor(30).andEmit(new StatusStreamMessage(0)).done().once();
        PodTarget target = new PodTarget("shop", "web-1", "uid-1", "app", "node:20", "10.0.0.1", "Pod", "web-1", "",
                List.of(), "", List.of(), List.of(), 9229, "/tmp/maintenance", 9339, -1, 8080);
        Path file = dir.resolve("before.heapsnapshot");
        int size = (first + second).length();

        long bytes = new PodDumps(new FabricPodExec(client), target, new DumpCommands(true, "node", Set.of("cat")),
                Duration.ofSeconds(10)).copyOut("snapshot", size, file, ProgressListener.NONE);

        assertThat(bytes).isEqualTo(size);
        assertThat(Files.readString(file)).isEqualTo(first + second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void aCopyThatFailsInThePodSaysWhyAndLeavesNothing() throws Exception {
        String path = "/api/v1/namespaces/shop/pods/web-1/exec?command=cat&command=snapshot&container=app&stdout=true"
                + "&stderr=true";
        server.expect().withPath(path).andUpgradeToWebSocket().open()
                .waitFor(50).andEmit(new ErrorStreamMessage("cat: snapshot: Permission denied\n"))
                .waitFor(30).andEmit(new StatusStreamMessage(1)).done().once();
        PodTarget target = new PodTarget("shop", "web-1", "uid-1", "app", "node:20", "10.0.0.1", "Pod", "web-1", "",
                List.of(), "", List.of(), List.of(), 9229, "/tmp/maintenance", 9339, -1, 8080);

        assertThatThrownBy(() -> new PodDumps(new FabricPodExec(client), target,
                new DumpCommands(true, "node", Set.of("cat")), Duration.ofSeconds(10))
                .copyOut("snapshot", 100, dir.resolve("after.heapsnapshot"), ProgressListener.NONE))
                .isInstanceOf(OrchestrationException.class)
                .hasMessage("cannot copy snapshot in pod shop/web-1 (container app) out (exit 1): cat: snapshot:"
                        + " Permission denied");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no partial file left").isEmpty();
        }
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
            for (String line : Files.readAllLines(java.nio.file.Path.of(table))) {
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
