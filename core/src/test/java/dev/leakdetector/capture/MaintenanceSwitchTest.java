package dev.leakdetector.capture;

import dev.leakdetector.capture.AgentControl.AgentAuthorizationException;
import dev.leakdetector.capture.AgentControl.AgentStatus;
import dev.leakdetector.capture.AgentControl.AgentUnreachableException;
import dev.leakdetector.testing.NodeApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both maintenance switches against the real agent and the real file system. */
class MaintenanceSwitchTest {
    private static final Consumer<String> NO_LOG = message -> { };

    @TempDir
    Path dir;

    @Test
    void theFileToggleRemovesOnlyTheFileItCreated() throws Exception {
        Path file = dir.resolve("maintenance");
        FileToggle toggle = new FileToggle(file);
        toggle.enter(Duration.ZERO);
        assertThat(file).exists();
        assertThat(toggle.created()).isTrue();
        toggle.leave();
        assertThat(file).doesNotExist();
        toggle.leave();

        Files.writeString(file, "an operator's");
        FileToggle second = new FileToggle(file);
        second.enter(Duration.ZERO);
        second.leave();
        assertThat(file).hasContent("an operator's");
    }

    @Test
    void aFileToggleLeftBeforeItEntersCreatesNothing() throws Exception {
        // A shutdown hook may leave before the main thread has entered.
        Path file = dir.resolve("maintenance");
        FileToggle toggle = new FileToggle(file);
        toggle.leave();
        assertThatThrownBy(() -> toggle.enter(Duration.ZERO)).isInstanceOf(CaptureException.class);
        assertThat(file).doesNotExist();
    }

    @Test
    void aMaintenanceFileThatCannotBeCreatedIsNamed() {
        FileToggle toggle = new FileToggle(dir.resolve("missing/dir/maintenance"));
        assertThatThrownBy(() -> toggle.enter(Duration.ZERO)).isInstanceOf(CaptureException.class)
                .hasMessageContaining("cannot create the maintenance file " + dir.resolve("missing/dir/maintenance"));
    }

    @Test
    void theAgentTakesTheServiceOutOfRotationAndBack() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 100, Map.of())) {
            AgentControl agent = AgentControl.loopback(controlPort, null);
            AgentStatus status = agent.probe(NO_LOG).orElseThrow();
            assertThat(status.pid()).isEqualTo(app.pid());
            assertThat(status.maintenance()).isFalse();

            agent.enter(Duration.ZERO);
            assertThat(agent.probe(NO_LOG).orElseThrow().maintenance()).isTrue();
            assertThat(app.get("/ready").join().statusCode()).isEqualTo(503);
            assertThat(app.get("/anything").join().statusCode()).isEqualTo(503);

            agent.leave();
            assertThat(agent.probe(NO_LOG).orElseThrow().maintenance()).isFalse();
            assertThat(app.get("/ready").join().statusCode()).isEqualTo(200);
            agent.leave();
        }
    }

    @Test
    void enteringThroughTheAgentWaitsForRequestsInFlightUpToTheGracePeriod() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 100, Map.of())) {
            CompletableFuture<HttpResponse<String>> quick = app.get("/slow?ms=800");
            CompletableFuture<HttpResponse<String>> slow = app.get("/slow?ms=6000");
            NodeApp.await("two requests in flight", Duration.ofSeconds(10),
                    () -> inFlight(controlPort) == 2);
            AgentControl agent = AgentControl.loopback(controlPort, null);

            MaintenanceSwitch.Entered entered = agent.enter(Duration.ofMillis(2000));
            assertThat(quick).isDone();
            assertThat(entered.drained()).isFalse();
            assertThat(entered.inFlight()).isEqualTo(1);
            agent.leave();

            assertThat(quick.join().statusCode()).isEqualTo(200);
            assertThat(slow.join().statusCode()).isEqualTo(200);
            assertThat(slow.join().body()).isEqualTo("done /slow");
        }
    }

    @Test
    void anAgentWithATokenRefusesUsWithoutIt() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, 100, Map.of("LEAK_DETECTOR_AGENT_TOKEN", "s3cret"))) {
            assertThatThrownBy(() -> AgentControl.loopback(controlPort, null).probe(NO_LOG))
                    .isInstanceOf(AgentAuthorizationException.class).hasMessageContaining("LEAK_DETECTOR_AGENT_TOKEN");
            assertThat(AgentControl.loopback(controlPort, "s3cret").probe(NO_LOG).orElseThrow().pid())
                    .isEqualTo(app.pid());
        }
    }

    @Test
    void noAgentListeningIsNoAgentAndLeavingItIsNamed() throws Exception {
        int port = NodeApp.freePort();
        AgentControl agent = AgentControl.loopback(port, null);
        assertThat(agent.probe(NO_LOG)).isEmpty();
        agent.leave();
        assertThatThrownBy(() -> agent.enter(Duration.ZERO)).isInstanceOf(AgentUnreachableException.class);
        assertThatThrownBy(agent::leave).isInstanceOf(AgentUnreachableException.class)
                .hasMessageContaining("no agent answers on 127.0.0.1:" + port);
    }

    @Test
    void somethingElseOnThePortIsNotTakenForTheAgent() throws Exception {
        try (NodeApp app = NodeApp.plain(dir.resolve("maintenance"), 10)) {
            List<String> log = new ArrayList<>();
            assertThat(AgentControl.loopback(app.port(), null).probe(log::add)).isEmpty();
            assertThat(log).singleElement().asString().contains("not a leak-detector agent");
        }
    }

    private static int inFlight(int controlPort) {
        try {
            return NodeApp.agentStatus(controlPort).path("inFlight").asInt();
        } catch (Exception e) {
            return -1;
        }
    }
}
