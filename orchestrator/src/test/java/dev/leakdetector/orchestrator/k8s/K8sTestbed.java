package dev.leakdetector.orchestrator.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pretend cluster for the platform tests: the fabric8 mock API server in CRUD mode, the
 * controllers it lacks ({@link FakeControllers}), containers behind exec and port-forward
 * ({@link LocalPods}), SelfSubjectAccessReviews answered from a set of denied permissions, and a
 * log of every request the platform made. A test registers one with {@code @RegisterExtension}:
 * it starts before each test and is closed after it, and a failure in the background loop of
 * the controllers then fails the test.
 */
final class K8sTestbed implements BeforeEachCallback, AfterEachCallback {
    static final String NS = "shop";
    /** The pods of {@link #cluster}: the target, which runs a real Node service, and the other one. */
    static final String TARGET = "web-5c8d7-aaaaa";
    static final String OTHER = "web-5c8d7-bbbbb";
    static final String SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    private static final ObjectMapper JSON = new ObjectMapper();
    // Held, so that the level sticks: the mock logs every request at INFO.
    private static final Logger FABRIC8 = Logger.getLogger("io.fabric8");
    private static final Logger VERTX = Logger.getLogger("io.vertx");

    static {
        FABRIC8.setLevel(Level.WARNING);
        VERTX.setLevel(Level.OFF);
    }

    /** One request of the platform's. */
    record Call(String method, String path, String body, boolean platform) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    KubernetesMockServer server;
    /** The platform's client: every request it sends is recorded, bodies included. */
    KubernetesClient client;
    FakeControllers fake;
    final LocalPods pods = new LocalPods();
    final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Supplier<Path> dir;
    /** The mock's own client, which only configures ours and drives the controllers. */
    private KubernetesClient mockClient;
    private final List<Call> calls = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    /**
     * @param dir the test's {@code @TempDir}: JUnit sets it after the test's fields are
     *            initialised, so it is asked for only when a run needs it
     */
    K8sTestbed(Supplier<Path> dir) {
        this.dir = dir;
    }

    /** Starts the mock as {@code @EnableKubernetesMockClient(crud = true)} would: HTTPS, CRUD mode. */
    @Override
    public void beforeEach(ExtensionContext context) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), true);
        server.init();
        mockClient = server.createClient();
        server.expect().post().withPath(SSAR_PATH).andReply(201, this::review).always();
        this.client = new KubernetesClientBuilder().withConfig(mockClient.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("record", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        String path = request.uri().getPath();
                        synchronized (calls) {
                            calls.add(new Call(request.method(), path, request.bodyString(), true));
                        }
                    }
                })).build();
        this.fake = new FakeControllers(mockClient, NS);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            fake.close();
            client.close();
            pods.close();
            for (AutoCloseable closeable : closing) {
                closeable.close();
            }
        } finally {
            mockClient.close();
            server.destroy();
        }
        assertThat(fake.failure()).isNull();
    }

    /** Answers a SelfSubjectAccessReview: allowed unless "verb resource[/subresource]" is denied. */
    private Object review(RecordedRequest request) {
        try {
            JsonNode review = JSON.readTree(request.getUtf8Body());
            JsonNode attributes = review.path("spec").path("resourceAttributes");
            String resource = attributes.path("resource").asText() + (attributes.path("subresource").asText().isEmpty()
                    ? "" : "/" + attributes.path("subresource").asText());
            boolean allowed = !denied.contains(attributes.path("verb").asText() + " " + resource);
            ((com.fasterxml.jackson.databind.node.ObjectNode) review).putObject("status").put("allowed", allowed);
            return review.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static K8sSettings settings() {
        return new K8sSettings(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofMillis(50));
    }

    KubernetesPlatform platform() {
        return platform(settings());
    }

    KubernetesPlatform platform(K8sSettings settings) {
        return new KubernetesPlatform(client, "default", pods, pods, settings, Clock.systemUTC());
    }

    /** A run of the pod; a few MB of growth in a few seconds counts (the services here are small). */
    RunRequest request(String target, DrainMethod method, Duration delay) {
        return new RunRequest(target, delay, dir.get().resolve("runs"), null, "k8s", true, method, Duration.ZERO, false, null,
                null, NS, null, List.of(), 0, Map.of(), false, false,
                AnalysisOptions.defaults().withFailOn(dev.leakdetector.analysis.Severity.LOW));
    }

    // ---- fixtures: what a real cluster would already hold, created through the controllers' client
    //      so that they do not count as the platform's requests

    static Container container(Path maintenanceFile) {
        return new ContainerBuilder().withName("app").withImage("registry.example/shop/web:1.4")
                .withCommand("node", "server.js")
                .addNewEnv().withName("NODE_OPTIONS").withValue("--inspect-port=9229 --max-old-space-size=256").endEnv()
                .addNewEnv().withName("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE").withValue(maintenanceFile.toString()).endEnv()
                .addNewPort().withContainerPort(8080).endPort()
                .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
                .endResources().build();
    }

    static PodSpec spec(boolean gate, Container container) {
        PodSpecBuilder spec = new PodSpecBuilder().withContainers(container);
        if (gate) {
            spec.addNewReadinessGate(Names.OWN_READINESS_GATE);
        }
        return spec.build();
    }

    /** A Deployment with its ReplicaSet {@code <name>-5c8d7} (revision 1) and no pods yet. */
    ReplicaSet deployment(String name, int replicas, PodSpec spec) {
        Map<String, String> labels = Map.of("app", name, "pod-template-hash", "5c8d7");
        Deployment deployment = fake.api().apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                .addToAnnotations("deployment.kubernetes.io/revision", "1").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(spec).endTemplate()
                .endSpec().build()).create();
        return fake.api().apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(name + "-5c8d7").withNamespace(NS)
                .addToAnnotations("deployment.kubernetes.io/revision", "1")
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(name).withUid(deployment.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata().withSpec(spec).endTemplate()
                .endSpec().build()).create();
    }

    /** A running, Ready pod of the ReplicaSet (or a bare one when {@code rs} is null). */
    Pod runningPod(String name, ReplicaSet rs, Map<String, String> labels, PodSpec spec, int ip) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels(labels)
                .withCreationTimestamp("2026-11-0" + (ip % 9 + 1) + "T10:00:00Z").endMetadata().withSpec(spec)
                .withNewStatus().withPhase("Running").withPodIP("10.0.0." + ip)
                .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").endCondition()
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
        if (spec.getReadinessGates() != null && !spec.getReadinessGates().isEmpty()) {
            pod.editStatus().addNewCondition().withType(Names.OWN_READINESS_GATE).withStatus("True").endCondition().endStatus();
        }
        if (rs != null) {
            pod.editMetadata().addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                    .withKind("ReplicaSet").withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid())
                    .withController(true).build()).endMetadata();
        }
        return fake.api().pods().inNamespace(NS).resource(pod.build()).create();
    }

    Service service(String name, Map<String, String> selector, boolean publishNotReady) {
        return fake.api().services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace(NS).endMetadata().withNewSpec().withSelector(selector)
                .withPublishNotReadyAddresses(publishNotReady ? Boolean.TRUE : null)
                .addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec().build()).create();
    }

    /** Puts a real Node service behind the pod: its process, its inspector as port 9229, its readiness probe. */
    LocalApp backWithApp(String pod, Path maintenanceFile) throws IOException {
        LocalApp app = LocalApp.start(maintenanceFile);
        closing.add(app);
        pods.put(NS, pod, new LocalPods.Container(Set.of(app.pid()), Map.of(9229, app.inspectorPort()), Map.of(), false));
        fake.probe(pod, app.port());
        return app;
    }

    /** Two Ready pods of deployment web behind service web; the target runs a real leaking Node service. */
    void cluster(boolean gate) throws Exception {
        Path maintenance = dir.get().resolve("maintenance");
        PodSpec spec = spec(gate, container(maintenance));
        ReplicaSet rs = deployment("web", 2, spec);
        Map<String, String> labels = Map.of("app", "web", "pod-template-hash", "5c8d7");
        runningPod(TARGET, rs, labels, spec, 11);
        runningPod(OTHER, rs, labels, spec, 12);
        service("web", Map.of("app", "web"), false);
        backWithApp(TARGET, maintenance);
        fake.step();
        fake.start();
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        closing.add(closeable);
        return closeable;
    }

    /** Polls for up to 20 s: the fake controllers and the platform's undo act in the background. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * What every run must leave of deployment web: two replicas again, none of its scale-up
     * annotations, and the two pods it had. Returns the target for the checks that differ.
     */
    Pod assertDeploymentAsBefore() throws InterruptedException {
        await("two pods", () -> allPods().size() == 2);
        Deployment deployment = client.apps().deployments().inNamespace(NS).withName("web").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getMetadata().getAnnotations()).doesNotContainKeys(Names.SCALED_ANNOTATION,
                Names.REPLICAS_BEFORE_ANNOTATION, Names.TARGET_POD_ANNOTATION);
        assertThat(allPods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder(TARGET, OTHER);
        return pod(TARGET);
    }

    // ---- what the platform did

    /** Every request the platform sent, in order. */
    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The platform's changes to the cluster: every request but reads and access reviews. */
    List<Call> writes() {
        return calls().stream().filter(Call::platform).filter(c -> !c.method().equals("GET"))
                .filter(c -> !c.path().equals(SSAR_PATH)).toList();
    }

    List<String> reviewed() {
        List<String> reviewed = new ArrayList<>();
        for (Call call : calls()) {
            if (call.path().equals(SSAR_PATH)) {
                try {
                    JsonNode attributes = JSON.readTree(call.body()).path("spec").path("resourceAttributes");
                    reviewed.add(attributes.path("verb").asText() + " " + attributes.path("resource").asText()
                            + (attributes.path("subresource").asText().isEmpty() ? "" : "/"
                            + attributes.path("subresource").asText()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return reviewed;
    }

    Map<String, String> annotationsOf(Pod pod) {
        return pod.getMetadata().getAnnotations() == null ? Map.of() : new LinkedHashMap<>(pod.getMetadata().getAnnotations());
    }

    Pod pod(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    List<Pod> allPods() {
        return client.pods().inNamespace(NS).list().getItems();
    }
}
