package dev.leakdetector.orchestrator.k8s;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Plays, against the mock API server, the controllers a real cluster runs and the mock does not:
 * the Deployment and ReplicaSet controllers (replica counts, adopting and releasing pods by
 * selector, removing pods in the ReplicaSet controller's order: not-ready first, then lowest
 * deletion cost, then newest), the scheduler and kubelet (pod IP, phase, and the Ready condition
 * derived from a readiness probe and the readiness gates), and the EndpointSlice controller. It
 * talks through its own client with user agent {@value #USER_AGENT}, so tests can tell its calls
 * from the platform's.
 */
final class FakeControllers implements AutoCloseable {
    static final String USER_AGENT = "fake-controllers";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private final KubernetesClient api;
    private final String ns;
    private final Map<String, Integer> probePorts = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger(100);
    private final AtomicInteger passes = new AtomicInteger();
    private volatile Predicate<Pod> neverReady = p -> false;
    private volatile Predicate<Pod> evict = p -> false;
    /** Emulates deploy/k8s's init step that sets the leak-detector gate True when a pod starts. */
    private volatile boolean initSetsGate = true;
    private volatile Thread loop;
    private final List<String> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Throwable failure;

    FakeControllers(KubernetesClient platformClient, String namespace) {
        Config config = new ConfigBuilder(platformClient.getConfiguration()).withUserAgent(USER_AGENT).build();
        this.api = new KubernetesClientBuilder().withConfig(config).build();
        this.ns = namespace;
    }

    /** The kubelet's readiness probe of the pod: GET /ready on this local port (default: always ready). */
    void probe(String pod, int port) {
        probePorts.put(pod, port);
    }

    void neverReady(Predicate<Pod> pods) {
        this.neverReady = pods;
    }

    /** Deletes a pod as soon as it matches, as an eviction or a person with kubectl would. */
    void evict(Predicate<Pod> pods) {
        this.evict = pods;
    }

    void initSetsGate(boolean value) {
        this.initSetsGate = value;
    }

    KubernetesClient api() {
        return api;
    }

    void start() {
        Thread thread = new Thread(() -> {
            while (loop == Thread.currentThread()) {
                try {
                    step();
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (loop == Thread.currentThread()) {
                        failure = e;
                    }
                }
            }
        }, "fake-controllers");
        thread.setDaemon(true);
        loop = thread;
        thread.start();
    }

    /** Passes made so far: a test waits for passes, not for time. */
    int passes() {
        return passes.get();
    }

    /** One pass of every controller; tests without the background loop call it themselves. */
    synchronized void step() {
        passes.incrementAndGet();
        for (Deployment d : api.apps().deployments().inNamespace(ns).list().getItems()) {
            deployment(d);
        }
        for (ReplicaSet rs : api.apps().replicaSets().inNamespace(ns).list().getItems()) {
            replicaSet(rs);
        }
        for (Pod pod : api.pods().inNamespace(ns).list().getItems()) {
            kubelet(pod);
        }
        for (Service service : api.services().inNamespace(ns).list().getItems()) {
            endpointSlice(service);
        }
    }

    private void deployment(Deployment d) {
        int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        long ready = 0;
        long total = 0;
        for (ReplicaSet rs : api.apps().replicaSets().inNamespace(ns).list().getItems()) {
            if (controlledBy(rs.getMetadata().getOwnerReferences(), d.getMetadata().getUid())) {
                if (!Objects.equals(rs.getSpec().getReplicas(), replicas)) {
                    patch(api.apps().replicaSets().inNamespace(ns).withName(rs.getMetadata().getName()),
                            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":" + replicas + "}]");
                }
                for (Pod pod : owned(rs)) {
                    total++;
                    ready += PodState.ready(pod) ? 1 : 0;
                }
            }
        }
        var status = d.getStatus();
        if (status == null || !Objects.equals(status.getObservedGeneration(), d.getMetadata().getGeneration())
                || !Objects.equals(status.getReplicas(), (int) total) || !Objects.equals(status.getReadyReplicas(), (int) ready)) {
            api.apps().deployments().inNamespace(ns).withName(d.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":"
                            + d.getMetadata().getGeneration() + ",\"replicas\":" + total + ",\"updatedReplicas\":" + total
                            + ",\"readyReplicas\":" + ready + ",\"availableReplicas\":" + ready + "}}");
        }
    }

    private void replicaSet(ReplicaSet rs) {
        Map<String, String> selector = rs.getSpec().getSelector().getMatchLabels();
        String uid = rs.getMetadata().getUid();
        List<Pod> owned = new ArrayList<>();
        for (Pod pod : api.pods().inNamespace(ns).list().getItems()) {
            boolean matches = PodDiscovery.labels(pod).entrySet().containsAll(selector.entrySet());
            boolean mine = controlledBy(pod.getMetadata().getOwnerReferences(), uid);
            if (mine && !matches) {
                // Released: the pod no longer matches the selector.
                patch(api.pods().inNamespace(ns).withName(pod.getMetadata().getName()),
                        "[{\"op\":\"replace\",\"path\":\"/metadata/ownerReferences\",\"value\":[]}]");
            } else if (!mine && matches && !hasController(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
                // Adopted: an orphan that matches the selector.
                patch(api.pods().inNamespace(ns).withName(pod.getMetadata().getName()),
                        "[{\"op\":\"add\",\"path\":\"/metadata/ownerReferences\",\"value\":[" + api.getKubernetesSerialization()
                                .asJson(reference(rs)) + "]}]");
                owned.add(pod);
            } else if (mine) {
                owned.add(pod);
            }
        }
        int wanted = Objects.requireNonNullElse(rs.getSpec().getReplicas(), 1);
        for (int i = owned.size(); i < wanted; i++) {
            String name = rs.getMetadata().getName() + "-" + Integer.toString(counter.incrementAndGet(), 36);
            Pod pod = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                            .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
                            .withOwnerReferences(reference(rs)).build())
                    .withSpec(rs.getSpec().getTemplate().getSpec()).build();
            api.pods().inNamespace(ns).resource(pod).create();
        }
        if (owned.size() > wanted) {
            owned.sort(Comparator.comparing((Pod p) -> PodState.ready(p) ? 1 : 0)
                    .thenComparing(FakeControllers::deletionCost)
                    .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
            for (Pod victim : owned.subList(0, owned.size() - wanted)) {
                removed.add(victim.getMetadata().getName() + " (of " + owned.stream().map(p -> p.getMetadata().getName()
                        + (PodState.ready(p) ? " ready " : " unready ") + deletionCost(p)).toList() + ")");
                api.pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();
            }
        }
    }

    private void kubelet(Pod pod) {
        String name = pod.getMetadata().getName();
        if (evict.test(pod)) {
            api.pods().inNamespace(ns).withName(name).delete();
            return;
        }
        var status = pod.getStatus();
        if (status == null || status.getPodIP() == null) {
            List<Map<String, String>> conditions = new ArrayList<>(List.of(
                    Map.of("type", "PodScheduled", "status", "True"), Map.of("type", "Initialized", "status", "True"),
                    Map.of("type", "ContainersReady", "status", "False"), Map.of("type", "Ready", "status", "False")));
            if (initSetsGate && pod.getSpec().getReadinessGates() != null && pod.getSpec().getReadinessGates().stream()
                    .anyMatch(g -> g.getConditionType().equals(Names.OWN_READINESS_GATE))) {
                conditions.add(Map.of("type", Names.OWN_READINESS_GATE, "status", "True"));
            }
            String json = api.getKubernetesSerialization().asJson(Map.of("phase", "Running",
                    "podIP", "10.1.0." + counter.incrementAndGet() % 250, "conditions", conditions));
            api.pods().inNamespace(ns).withName(name).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + json + "}]");
            return;
        }
        boolean containersReady = !neverReady.test(pod) && probe(name);
        boolean gates = pod.getSpec().getReadinessGates() == null || pod.getSpec().getReadinessGates().stream()
                .allMatch(g -> {
                    PodCondition c = PodState.condition(pod, g.getConditionType());
                    return c != null && "True".equals(c.getStatus());
                });
        set(pod, "ContainersReady", containersReady, null);
        set(pod, "Ready", containersReady && gates, containersReady && !gates ? "ReadinessGatesNotReady" : null);
    }

    /** Replaces only the kubelet's own condition, by index, as the real kubelet's patch touches only its own. */
    private void set(Pod pod, String type, boolean value, String reason) {
        int index = PodState.conditionIndex(pod, type);
        String wanted = value ? "True" : "False";
        if (index >= 0 && !wanted.equals(pod.getStatus().getConditions().get(index).getStatus())) {
            patch(api.pods().inNamespace(ns).withName(pod.getMetadata().getName()).subresource("status"),
                    "[{\"op\":\"replace\",\"path\":\"/status/conditions/" + index + "\",\"value\":{\"type\":\"" + type
                            + "\",\"status\":\"" + wanted + "\"" + (reason == null ? "" : ",\"reason\":\"" + reason + "\"")
                            + "}}]");
        }
    }

    private boolean probe(String pod) {
        Integer port = probePorts.get(pod);
        if (port == null) {
            return true;
        }
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void endpointSlice(Service service) {
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return;
        }
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<Endpoint> endpoints = new ArrayList<>();
        List<Pod> pods = new ArrayList<>(api.pods().inNamespace(ns).withLabels(selector).list().getItems());
        pods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
        for (Pod pod : pods) {
            if (pod.getStatus() != null && pod.getStatus().getPodIP() != null && pod.getMetadata().getDeletionTimestamp() == null) {
                boolean ready = PodState.ready(pod) || publishNotReady;
                endpoints.add(new EndpointBuilder().withAddresses(pod.getStatus().getPodIP())
                        .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
                        .withNewTargetRef().withKind("Pod").withName(pod.getMetadata().getName()).withNamespace(ns)
                        .endTargetRef().build());
            }
        }
        String name = service.getMetadata().getName() + "-fake1";
        EndpointSlice current = api.discovery().v1().endpointSlices().inNamespace(ns).withName(name).get();
        if (current == null || !Objects.equals(current.getEndpoints(), endpoints)) {
            EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .addToLabels(Names.SERVICE_NAME_LABEL, service.getMetadata().getName()).endMetadata()
                    .withAddressType("IPv4").withEndpoints(endpoints).build();
            api.discovery().v1().endpointSlices().inNamespace(ns).resource(slice).createOr(op -> op.update());
        }
    }

    private List<Pod> owned(ReplicaSet rs) {
        return api.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> controlledBy(p.getMetadata().getOwnerReferences(), rs.getMetadata().getUid())).toList();
    }

    private static OwnerReference reference(ReplicaSet rs) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true)
                .withBlockOwnerDeletion(true).build();
    }

    private static boolean controlledBy(List<OwnerReference> refs, String uid) {
        return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()) && uid.equals(r.getUid()));
    }

    private static boolean hasController(Pod pod) {
        return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> Boolean.TRUE.equals(r.getController()));
    }

    private static long deletionCost(Pod pod) {
        String cost = pod.getMetadata().getAnnotations() == null ? null
                : pod.getMetadata().getAnnotations().get(Names.DELETION_COST);
        return cost == null ? 0 : Long.parseLong(cost);
    }

    private static void patch(io.fabric8.kubernetes.client.dsl.EditReplacePatchable<?> resource, String patch) {
        try {
            resource.patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The pods the ReplicaSet controller removed, and from which. */
    List<String> removed() {
        return List.copyOf(removed);
    }

    /** A failure inside the background loop, which would otherwise go unnoticed. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stop();
        api.close();
    }

    /** Stops the background loop: from now on the cluster stands still. */
    void stop() {
        Thread thread = loop;
        loop = null;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
