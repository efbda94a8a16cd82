package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.SignalPlan;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything that can be known before the run changes anything: the owner is one leak-detector
 * can replace, the drain method fits the pod, the credentials have every permission the run's
 * path needs (SelfSubjectAccessReview), no HorizontalPodAutoscaler owns the replica count, the
 * Deployment is not mid-rollout, the container runs Node.js whose snapshots can be taken (its
 * inspector, or its {@code --heapsnapshot-signal}), and the memory limit leaves room for a
 * snapshot. Reads only.
 */
final class Preflight {
    private final KubernetesClient client;
    private final AccessReview access;
    private final NodeProcesses processes;
    private final SignalDumps signals;

    Preflight(KubernetesClient client, AccessReview access, NodeProcesses processes, SignalDumps signals) {
        this.client = client;
        this.access = access;
        this.processes = processes;
        this.signals = signals;
    }

    /** @return the plan of the {@code --heapsnapshot-signal} method when it was chosen, else null (the inspector) */
    SignalPlan check(PodTarget target, RunRequest request, Consumer<String> notes) throws OrchestrationException {
        refuseUnsupportedOwner(target);
        DrainPlan plan = DrainPlan.choose(target, request.drainMethod());
        if ((plan.method() == DrainMethod.HTTP_HOOK || plan.method() == DrainMethod.COMMAND) && request.trafficHook() == null) {
            throw new OrchestrationException("--drain-method " + plan.method().id() + " needs --traffic-hook");
        }
        if (request.image() != null && target.scalable()) {
            throw new OrchestrationException("--image works only for bare pods on Kubernetes: the replacement of "
                    + target.describe() + " comes from its " + target.ownerKind() + "'s pod template");
        }
        List<String> missing = access.missing(target.namespace(), permissions(target, plan, request.snapshotMethod()));
        if (!missing.isEmpty()) {
            throw new OrchestrationException("the Kubernetes credentials in use lack " + missing.size() + " permission(s);"
                    + " nothing was changed:\n" + String.join("\n", missing));
        }
        if (target.scalable()) {
            refuseAutoscaled(target);
            if (target.ownerKind().equals("Deployment")) {
                refuseRollout(target);
            }
        }
        Pod pod = Api.call("get " + target.describe(), () -> client.pods().inNamespace(target.namespace())
                .withName(target.pod()).get());
        if (pod == null) {
            throw new OrchestrationException(target.describe() + " disappeared during the pre-flight check");
        }
        if (!PodState.ready(pod)) {
            throw new OrchestrationException(target.describe() + " is not Ready (" + PodState.describe(pod) + "); a pod"
                    + " that is not Ready gets no traffic to drain and would be the first one a scale-down removes");
        }
        SignalPlan signal = signals.choose(target, processes.find(target), request.snapshotMethod());
        memory(target, request.force(), notes);
        if (plan.method() == DrainMethod.NONE) {
            notes.accept("no drain: " + target.describe() + " keeps serving while it is snapshotted");
        }
        return signal;
    }

    private static void refuseUnsupportedOwner(PodTarget target) throws OrchestrationException {
        switch (target.ownerKind()) {
            case "Deployment", "ReplicaSet", "Pod" -> { }
            case "StatefulSet" -> throw new OrchestrationException(target.describe() + " belongs to statefulset "
                    + target.ownerName() + ": its pods have identities (ordinal names, their own volumes) that a"
                    + " replacement cannot copy, and one more replica would join the set as a new member; leak-detector"
                    + " does not run against StatefulSets (docs/kubernetes.md)");
            default -> throw new OrchestrationException(target.describe() + " is managed by " + target.ownerKind()
                    + " " + target.ownerName() + "; leak-detector can replace pods of Deployments, ReplicaSets and bare"
                    + " pods only");
        }
    }

    /**
     * @param method {@code signal} needs no port-forward (unless the agent drain does); {@code auto}
     *               may end up with the inspector, which is only known after exec, so it needs one
     */
    static List<AccessReview.Permission> permissions(PodTarget target, DrainPlan plan, SnapshotMethod method) {
        List<AccessReview.Permission> p = new ArrayList<>();
        p.add(new AccessReview.Permission("get", "", "pods", "", "read the target pod"));
        p.add(new AccessReview.Permission("list", "", "pods", "", "find the replacement pod"));
        p.add(new AccessReview.Permission("patch", "", "pods", "", "annotate the drained pod"));
        boolean signal = method == SnapshotMethod.SIGNAL;
        for (String verb : List.of("create", "get")) {
            // Exec and port-forward over WebSockets are authorized as "get", over SPDY and since
            // Kubernetes 1.35 also as "create": a Role needs both.
            p.add(new AccessReview.Permission(verb, "", "pods", "exec", signal
                    ? "find the Node.js process, signal it and copy its snapshot out"
                    : "find the Node.js process and send SIGUSR1"));
            if (!signal || plan.method() == DrainMethod.AGENT) {
                p.add(new AccessReview.Permission(verb, "", "pods", "portforward", signal ? "reach the agent"
                        : "reach the inspector"));
            }
        }
        p.add(new AccessReview.Permission("list", "", "services", "", "find the Services that select the pod"));
        p.add(new AccessReview.Permission("list", "discovery.k8s.io", "endpointslices", "",
                "see the pod leave and rejoin the Services' endpoints"));
        if (target.scalable()) {
            String resource = target.ownerKind().equals("Deployment") ? "deployments" : "replicasets";
            p.add(new AccessReview.Permission("get", "apps", "replicasets", "", "read the pod's ReplicaSet"));
            p.add(new AccessReview.Permission("get", "apps", resource, "", "read the replica count"));
            p.add(new AccessReview.Permission("patch", "apps", resource, "", "add one replica and remove it again"));
            p.add(new AccessReview.Permission("list", "autoscaling", "horizontalpodautoscalers", "",
                    "make sure no autoscaler owns the replica count"));
        } else {
            p.add(new AccessReview.Permission("create", "", "pods", "", "start the replacement pod"));
            p.add(new AccessReview.Permission("delete", "", "pods", "", "remove the replacement pod"));
        }
        if (plan.method() == DrainMethod.READINESS_GATE) {
            p.add(new AccessReview.Permission("patch", "", "pods", "status", "set the readiness gate"));
        }
        return p;
    }

    /**
     * An autoscaler recomputes the replica count every few seconds: it would undo the +1, or scale
     * down with its own choice of pod while the target is drained. Refused rather than fought.
     */
    private void refuseAutoscaled(PodTarget target) throws OrchestrationException {
        List<HorizontalPodAutoscaler> hpas = Api.call("list horizontalpodautoscalers in namespace " + target.namespace(),
                () -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(target.namespace()).list().getItems());
        for (HorizontalPodAutoscaler hpa : hpas) {
            var ref = hpa.getSpec().getScaleTargetRef();
            if (ref != null && target.ownerKind().equals(ref.getKind()) && target.ownerName().equals(ref.getName())) {
                throw new OrchestrationException(target.ownerKind().toLowerCase(Locale.ROOT) + " " + target.ownerName()
                        + " is scaled by HorizontalPodAutoscaler " + hpa.getMetadata().getName() + ", which would undo"
                        + " the replacement's extra replica and could remove the target while it is drained;"
                        + " leak-detector does not run against autoscaled workloads (docs/kubernetes.md: remove the"
                        + " autoscaler for the run, or take the snapshots without a replacement)");
            }
        }
    }

    /** A Deployment mid-rollout would put the extra replica in its new ReplicaSet, not the target's. */
    private void refuseRollout(PodTarget target) throws OrchestrationException {
        String ns = target.namespace();
        Deployment deployment = Api.call("get deployment " + ns + "/" + target.ownerName(),
                () -> client.apps().deployments().inNamespace(ns).withName(target.ownerName()).get());
        ReplicaSet rs = Api.call("get replicaset " + ns + "/" + target.replicaSet(),
                () -> client.apps().replicaSets().inNamespace(ns).withName(target.replicaSet()).get());
        if (deployment == null || rs == null) {
            throw new OrchestrationException("deployment " + ns + "/" + target.ownerName() + " or its replicaset "
                    + target.replicaSet() + " disappeared during the pre-flight check");
        }
        String revision = "deployment.kubernetes.io/revision";
        int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        var status = deployment.getStatus();
        boolean settled = status != null && Objects.equals(status.getObservedGeneration(), deployment.getMetadata().getGeneration())
                && Objects.equals(status.getUpdatedReplicas(), replicas) && Objects.equals(status.getReplicas(), replicas);
        boolean current = Objects.equals(annotation(deployment.getMetadata().getAnnotations(), revision),
                annotation(rs.getMetadata().getAnnotations(), revision));
        if (Boolean.TRUE.equals(deployment.getSpec().getPaused()) || !settled || !current) {
            throw new OrchestrationException("deployment " + ns + "/" + target.ownerName() + " is "
                    + (Boolean.TRUE.equals(deployment.getSpec().getPaused()) ? "paused" : "rolling out or scaling")
                    + (current ? "" : ", and the pod belongs to an old ReplicaSet") + "; run again once 'kubectl rollout"
                    + " status deployment/" + target.ownerName() + " -n " + ns + "' reports success");
        }
    }

    private static String annotation(java.util.Map<String, String> annotations, String key) {
        return annotations == null ? null : annotations.get(key);
    }

    /**
     * The pod's limit against its usage from metrics-server. Without metrics (no metrics-server,
     * or no permission to read it) the workflow's own check over the inspector decides, using the
     * cgroup limit Node reports.
     */
    private void memory(PodTarget target, boolean force, Consumer<String> notes) throws OrchestrationException {
        if (target.memoryLimit() <= 0) {
            notes.accept("container " + target.container() + " has no memory limit: a snapshot briefly needs several"
                    + " times the heap, taken from the node's memory");
            return;
        }
        long usage = -1;
        try {
            PodMetrics metrics = client.top().pods().metrics(target.namespace(), target.pod());
            for (ContainerMetrics container : metrics.getContainers()) {
                if (container.getName().equals(target.container()) && container.getUsage().get("memory") != null) {
                    usage = Quantity.getAmountInBytes(container.getUsage().get("memory")).longValue();
                }
            }
        } catch (KubernetesClientException e) {
            notes.accept("no memory metrics for " + target.describe() + " (" + e.getCode() + "); the memory check runs"
                    + " over the inspector");
            return;
        }
        if (usage < 0) {
            return;
        }
        String state = String.format(Locale.ROOT, "container %s uses %d MiB of its %d MiB limit", target.container(),
                usage >> 20, target.memoryLimit() >> 20);
        // A snapshot needs several times the heap on top of what the process uses; with less than
        // a tenth of the limit left, no heap is small enough.
        if (usage * 10 >= target.memoryLimit() * 9L && !force) {
            throw new OrchestrationException("memory check: " + state + "; a heap snapshot would push it over the limit"
                    + " and the kubelet would kill it. Use --force to take it anyway");
        }
        notes.accept(state);
    }
}
