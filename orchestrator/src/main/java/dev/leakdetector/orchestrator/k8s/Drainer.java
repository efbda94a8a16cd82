package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.TrafficHooks;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the target out of its Services and puts it back. A drain first annotates the pod
 * ({@code leak-detector/drain: "true"}, with how it was drained, which {@code cleanup} can replay),
 * then makes one change, then waits until the pod has left every matching Service's endpoints;
 * the workflow's grace period follows. Drains are repeatable: the workflow drains around each
 * snapshot and restores in between. Every change's undo is registered before the change.
 *
 * <p>The kubelet owns a pod's {@code Ready} condition and rewrites it; only a readiness-gate
 * condition can be set from outside, through the status subresource, and the kubelet then derives
 * {@code Ready=False} from it.
 */
final class Drainer {
    private final KubernetesClient client;
    private final ServiceEndpoints endpoints;
    private final ContainerFiles files;
    private final AgentSwitch agent;
    private final Waits waits;
    private final K8sSettings settings;
    private final Clock clock;

    Drainer(KubernetesClient client, ServiceEndpoints endpoints, ContainerFiles files, AgentSwitch agent, Waits waits,
            K8sSettings settings, Clock clock) {
        this.client = client;
        this.endpoints = endpoints;
        this.files = files;
        this.agent = agent;
        this.waits = waits;
        this.settings = settings;
        this.clock = clock;
    }

    void drain(PodTarget target, Replacement replacement, DrainPlan plan, RunRequest request, RunContext context,
               UndoStack.Executor executor) throws OrchestrationException {
        awaitCapacity(target, replacement);
        if (plan.method() == DrainMethod.NONE) {
            context.warn().accept("--drain-method none: " + target.describe() + " keeps its traffic while it is"
                    + " snapshotted; requests will stall during each snapshot");
            return;
        }
        if (plan.method() == DrainMethod.HTTP_HOOK || plan.method() == DrainMethod.COMMAND) {
            hook(target, replacement, plan.method(), request, context, executor);
            return;
        }
        try {
            apply(target, plan, context, executor);
        } catch (OrchestrationException e) {
            // A pod deleted or evicted halfway shows as some "not found"; say what happened.
            if (Api.call("get " + target.describe(), () -> client.pods().inNamespace(target.namespace())
                    .withName(target.pod()).get()) == null) {
                throw new OrchestrationException(target.describe() + " disappeared during the drain (deleted or evicted)", e);
            }
            throw e;
        }
    }

    private void apply(PodTarget target, DrainPlan plan, RunContext context, UndoStack.Executor executor)
            throws OrchestrationException {
        String ns = target.namespace();
        PodResource resource = client.pods().inNamespace(ns).withName(target.pod());
        Pod pod = current(target, resource);
        String labelValue = PodDiscovery.labels(pod).getOrDefault(plan.detail(), "");
        // A maintenance file that exists already is someone else's switch: the run leaves it alone.
        boolean foreignFile = plan.method() == DrainMethod.FILE
                && files.exists(ns, target.pod(), target.container(), plan.detail());
        UndoRecord undo = foreignFile ? null : plan.undo(target, context.runId(), labelValue);

        context.undo().register(UndoRecords.undrain(ns, target.pod(), context.runId()), executor);
        Map<String, String> marks = new LinkedHashMap<>();
        marks.put(Names.DRAIN_ANNOTATION, "true");
        if (undo != null) {
            marks.put(Names.DRAIN_METHOD_ANNOTATION, UndoRecords.encode(undo));
        }
        marks.put(Names.RUN_ANNOTATION, context.runId());
        ScaledReplacement.patch("annotate " + target.describe() + " as drained", resource,
                Patches.create().annotate(pod.getMetadata().getAnnotations(), marks));

        if (undo == null) {
            context.warn().accept(plan.detail() + " already exists in " + target.describe() + "; it is someone else's"
                    + " maintenance switch, so this run neither creates nor removes it");
        } else {
            context.undo().register(undo, executor);
            switch (plan.method()) {
                case READINESS_GATE -> setGate(resource, pod, plan.detail(), "False", "LeakDetectorDrain",
                        "drained by leak-detector run " + context.runId());
                case RELABEL -> ScaledReplacement.patch("remove label " + plan.detail() + " from " + target.describe(),
                        resource, Patches.create().test(Patches.pointer("metadata", "labels", plan.detail()), labelValue)
                                .remove(Patches.pointer("metadata", "labels", plan.detail())));
                case FILE -> files.create(ns, target.pod(), target.container(), plan.detail());
                case AGENT -> agent.set(ns, target.pod(), target.container(), Integer.parseInt(plan.detail()), true);
                default -> throw new IllegalStateException(plan.method().id());
            }
        }
        if (target.services().isEmpty()) {
            context.warn().accept("no Service selects " + target.describe() + ", so there are no endpoints to watch; only"
                    + " the grace period separates the drain from the snapshot");
        } else {
            context.log().accept("drained " + target.describe() + " (" + plan.method().id() + "); waiting for it to leave"
                    + " the endpoints of " + String.join(", ", target.services()));
        }
        endpoints.awaitOut(ns, target.pod(), target.services(), settings.endpoints());
    }

    /**
     * A load balancer outside the cluster (one that sends to pod IPs) is told by the user's own hook;
     * the pod itself is not touched, and there are no endpoints of ours to watch.
     */
    private static void hook(PodTarget target, Replacement replacement, DrainMethod method, RunRequest request,
                             RunContext context, UndoStack.Executor executor) throws OrchestrationException {
        Map<String, String> values = TrafficHooks.values("drain", target.pod(), target.podIP(), target.containerPort(),
                replacement.id(), replacement.facts().getOrDefault("podIP", ""), target.containerPort());
        Map<String, String> params = new LinkedHashMap<>(values);
        params.put("hook", request.trafficHook());
        params.put("body", request.trafficHookBody() == null ? "" : request.trafficHookBody());
        params.put("method", method.id());
        context.undo().register(UndoRecords.hook(params), executor);
        if (method == DrainMethod.HTTP_HOOK) {
            TrafficHooks.http(request.trafficHook(), request.trafficHookBody(), values);
        } else {
            TrafficHooks.command(request.trafficHook(), values);
        }
    }

    /** The traffic hook's restore call. */
    static void unhook(UndoRecord record) throws OrchestrationException {
        Map<String, String> values = new LinkedHashMap<>(record.params());
        values.put("action", "restore");
        String body = record.params().get("body");
        if (record.params().get("method").equals(DrainMethod.HTTP_HOOK.id())) {
            TrafficHooks.http(record.params().get("hook"), body.isEmpty() ? null : body, values);
        } else {
            TrafficHooks.command(record.params().get("hook"), values);
        }
    }

    /**
     * Capacity must not dip: the target leaves only while the replacement (or, after a relabel let
     * the ReplicaSet start its own, as many other pods as before) is Ready.
     */
    private void awaitCapacity(PodTarget target, Replacement replacement) throws OrchestrationException {
        String ns = target.namespace();
        if ("copy".equals(replacement.facts().get("kind"))) {
            waits.until("the replacement pod " + replacement.id() + " to be Ready before the drain", settings.replacementReady(),
                    seen -> {
                        Pod pod = Api.call("get pod " + replacement.id(), () -> client.pods().inNamespace(ns)
                                .withName(replacement.id()).get());
                        if (pod == null) {
                            throw new OrchestrationException("the replacement pod " + ns + "/" + replacement.id()
                                    + " is gone; the target is not drained, since capacity would dip");
                        }
                        seen.accept(PodState.describe(pod));
                        return PodState.ready(pod) ? Boolean.TRUE : null;
                    });
            return;
        }
        int wanted = Integer.parseInt(replacement.facts().getOrDefault("replicasBefore", "0"));
        waits.until(wanted + " Ready pod(s) of replicaset " + target.replicaSet() + " besides the target",
                settings.replacementReady(), seen -> {
                    List<Pod> pods = Api.call("list the pods of replicaset " + target.replicaSet(),
                            () -> client.pods().inNamespace(ns).list().getItems());
                    long ready = pods.stream().filter(p -> !p.getMetadata().getName().equals(target.pod()))
                            .filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata().getOwnerReferences()
                                    .stream().anyMatch(r -> target.replicaSet().equals(r.getName())))
                            .filter(PodState::ready).count();
                    seen.accept(ready + " Ready");
                    return ready >= wanted ? Boolean.TRUE : null;
                });
    }

    private Pod current(PodTarget target, PodResource resource) throws OrchestrationException {
        Pod pod = Api.call("get " + target.describe(), resource::get);
        if (pod == null) {
            throw new OrchestrationException(target.describe() + " disappeared during the drain (deleted or evicted)");
        }
        return pod;
    }

    /**
     * Sets a readiness-gate condition through the status subresource. The test on the condition's
     * type guards the index against a concurrent writer reordering the list.
     */
    private void setGate(PodResource resource, Pod pod, String type, String status, String reason, String message)
            throws OrchestrationException {
        int index = PodState.conditionIndex(pod, type);
        Patches patch = Patches.create();
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", type);
        condition.put("status", status);
        condition.put("lastTransitionTime", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        condition.put("reason", reason);
        condition.put("message", message);
        if (index < 0) {
            patch.add("/status/conditions/-", condition);
        } else {
            patch.test("/status/conditions/" + index + "/type", type).replace("/status/conditions/" + index, condition);
        }
        Api.call("set readiness gate " + type + " of pod " + pod.getMetadata().getName() + " to " + status
                + " (status subresource)", () -> resource.subresource("status").patch(PatchContext.of(PatchType.JSON),
                patch.toString()));
    }

    /** Undoes a drain method, then waits until the pod is Ready and in its Services again. Idempotent. */
    void restore(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        String ns = p.get("namespace");
        PodResource resource = client.pods().inNamespace(ns).withName(p.get("pod"));
        Pod pod = Api.call("get pod " + ns + "/" + p.get("pod"), resource::get);
        if (pod == null) {
            return;
        }
        switch (record.kind()) {
            case UndoRecords.GATE -> {
                var condition = PodState.condition(pod, p.get("condition"));
                if (condition == null || !"True".equals(condition.getStatus())) {
                    setGate(resource, pod, p.get("condition"), "True", "LeakDetectorRestored",
                            "restored by leak-detector run " + p.get("runId"));
                }
            }
            case UndoRecords.RELABEL -> {
                Map<String, String> labels = PodDiscovery.labels(pod);
                if (!labels.containsKey(p.get("key"))) {
                    awaitReadyBeforeRelabel(resource, p);
                    ScaledReplacement.patch("put label " + p.get("key") + " back on pod " + p.get("pod"), resource,
                            Patches.create().label(labels, Map.of(p.get("key"), p.get("value"))));
                }
            }
            case UndoRecords.FILE -> files.remove(ns, p.get("pod"), p.get("container"), p.get("path"));
            case UndoRecords.AGENT -> agent.set(ns, p.get("pod"), p.get("container"), Integer.parseInt(p.get("port")), false);
            default -> throw new IllegalArgumentException("not a drain undo: " + record.kind());
        }
        List<String> services = p.get("services") == null || p.get("services").isEmpty() ? List.of()
                : List.of(p.get("services").split(","));
        endpoints.awaitIn(ns, p.get("pod"), services, settings.endpoints());
    }

    /**
     * A ReplicaSet that takes a pod back has one pod too many and removes one at once, a not-ready
     * one first whatever its deletion cost; a snapshot can make the target miss its readiness
     * probes. So the label goes back only once the target is Ready.
     */
    private void awaitReadyBeforeRelabel(PodResource resource, Map<String, String> p) throws OrchestrationException {
        try {
            waits.until("pod " + p.get("namespace") + "/" + p.get("pod") + " to be Ready before it gets its label back",
                    settings.endpoints(), seen -> {
                        Pod pod = Api.call("get pod " + p.get("pod"), resource::get);
                        seen.accept(PodState.describe(pod));
                        return pod == null || PodState.ready(pod) ? Boolean.TRUE : null;
                    });
        } catch (OrchestrationException e) {
            throw new OrchestrationException(e.getMessage() + "; label " + p.get("key") + " stays off, since its"
                    + " ReplicaSet would take the pod back only to remove it as the surplus pod. Run leak-detector"
                    + " cleanup --run-id " + p.get("runId") + " once it is Ready", e);
        }
    }

    /** Removes the drain annotations, if the pod still has them. */
    void undrain(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        PodResource resource = client.pods().inNamespace(p.get("namespace")).withName(p.get("pod"));
        Pod pod = Api.call("get pod " + p.get("pod"), resource::get);
        if (pod != null) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            Patches patch = Patches.create().unannotate(annotations, Names.DRAIN_ANNOTATION, Names.DRAIN_METHOD_ANNOTATION);
            // The run id stays while the deletion cost still protects the pod: cleanup finds it by it.
            if (annotations == null || !annotations.containsKey(Names.PREVIOUS_COST_ANNOTATION)) {
                patch.unannotate(annotations, Names.RUN_ANNOTATION);
            }
            ScaledReplacement.patch("remove the drain annotations of pod " + p.get("pod"), resource, patch);
        }
    }
}
