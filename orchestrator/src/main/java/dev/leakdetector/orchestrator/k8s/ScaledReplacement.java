package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The replacement of a pod that a Deployment (or a ReplicaSet of its own) manages: one more
 * replica, so capacity never dips. The Deployment is scaled, never its ReplicaSet, whose replica
 * count the Deployment controller would reset. The target is protected from the later scale-down
 * with the highest pod deletion cost and the new pod marked with the lowest, so that the
 * ReplicaSet controller removes the new pod; it ranks not-ready pods first, so the scale-down
 * waits until the target is Ready again.
 */
final class ScaledReplacement {
    private final KubernetesClient client;
    private final Waits waits;
    private final K8sSettings settings;

    ScaledReplacement(KubernetesClient client, Waits waits, K8sSettings settings) {
        this.client = client;
        this.waits = waits;
        this.settings = settings;
    }

    Replacement start(PodTarget target, RunContext context, UndoStack.Executor executor) throws OrchestrationException {
        String ns = target.namespace();
        Resource<Pod> targetPod = client.pods().inNamespace(ns).withName(target.pod());
        Pod pod = Api.call("get " + target.describe(), targetPod::get);
        if (pod == null) {
            throw new OrchestrationException(target.describe() + " disappeared before its replacement was started");
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String previousCost = annotations == null ? "" : annotations.getOrDefault(Names.DELETION_COST, "");
        context.undo().register(UndoRecords.restoreCost(ns, target.pod(), previousCost, context.runId()), executor);
        Map<String, String> protect = new LinkedHashMap<>();
        protect.put(Names.DELETION_COST, Names.PROTECTED_COST);
        protect.put(Names.PREVIOUS_COST_ANNOTATION, previousCost);
        protect.put(Names.RUN_ANNOTATION, context.runId());
        patch("protect " + target.describe() + " from the scale-down", targetPod,
                Patches.create().annotate(annotations, protect));

        ReplicaSet rs = Api.call("get replicaset " + ns + "/" + target.replicaSet(),
                () -> client.apps().replicaSets().inNamespace(ns).withName(target.replicaSet()).get());
        if (rs == null) {
            throw new OrchestrationException("replicaset " + ns + "/" + target.replicaSet() + " disappeared");
        }
        Set<String> before = owned(rs).stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        Resource<? extends HasMetadata> owner = owner(ns, target.ownerKind(), target.ownerName());
        HasMetadata object = Api.call("get " + what(target), owner::get);
        if (object == null) {
            throw new OrchestrationException(what(target) + " disappeared");
        }
        int replicas = replicas(object);
        context.undo().register(UndoRecords.scaleDown(ns, target.ownerKind(), target.ownerName(), target.pod(), replicas,
                context.runId()), executor);
        Map<String, String> marks = new LinkedHashMap<>();
        marks.put(Names.SCALED_ANNOTATION, context.runId());
        marks.put(Names.REPLICAS_BEFORE_ANNOTATION, Integer.toString(replicas));
        marks.put(Names.TARGET_POD_ANNOTATION, target.pod());
        // One patch, so the replica count and the note that we raised it can never disagree; the
        // test makes it fail instead of racing with someone else who scales at the same moment.
        patch("scale " + what(target) + " from " + replicas + " to " + (replicas + 1), owner, Patches.create()
                .test("/spec/replicas", replicas).replace("/spec/replicas", replicas + 1)
                .annotate(object.getMetadata().getAnnotations(), marks));
        context.log().accept("scaled " + what(target) + " from " + replicas + " to " + (replicas + 1));

        Pod created = waits.until("the new pod of " + what(target) + " to become Ready", settings.replacementReady(),
                seen -> {
                    List<Pod> fresh = owned(rs).stream().filter(p -> !before.contains(p.getMetadata().getName())).toList();
                    seen.accept(fresh.isEmpty() ? "no new pod yet" : fresh.stream().map(p -> p.getMetadata().getName()
                            + ": " + PodState.describe(p)).collect(Collectors.joining("; ")));
                    return fresh.stream().filter(PodState::ready).findFirst().orElse(null);
                });
        String name = created.getMetadata().getName();
        Map<String, String> expendable = new LinkedHashMap<>();
        expendable.put(Names.DELETION_COST, Names.EXPENDABLE_COST);
        expendable.put(Names.RUN_ANNOTATION, context.runId());
        patch("mark the replacement pod " + name, client.pods().inNamespace(ns).withName(name), Patches.create()
                .annotate(created.getMetadata().getAnnotations(), expendable)
                .label(created.getMetadata().getLabels(), Map.of(Names.RUN_ID_LABEL, context.runId(),
                        Names.ROLE_LABEL, Names.REPLACEMENT)));
        context.log().accept("replacement pod " + name + " is Ready");
        return new Replacement(name, "pod " + ns + "/" + name + " (" + what(target) + " scaled " + replicas + "→"
                + (replicas + 1) + ")", Map.of("namespace", ns, "pod", name, "kind", "scaled",
                "replicasBefore", Integer.toString(replicas), "podIP", String.valueOf(created.getStatus().getPodIP())));
    }

    /**
     * Undoes the scale-up if it is still ours (the annotation says so), once the target is Ready:
     * a not-ready target would be the ReplicaSet's first choice for removal, whatever its cost.
     */
    void scaleDown(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        String ns = p.get("namespace");
        String what = p.get("kind").toLowerCase(java.util.Locale.ROOT) + " " + ns + "/" + p.get("name");
        Resource<? extends HasMetadata> owner = owner(ns, p.get("kind"), p.get("name"));
        HasMetadata object = Api.call("get " + what, owner::get);
        Map<String, String> annotations = object == null ? null : object.getMetadata().getAnnotations();
        if (annotations == null || !p.get("runId").equals(annotations.get(Names.SCALED_ANNOTATION))) {
            return;
        }
        if (p.get("pod").isEmpty()) {
            throw new OrchestrationException(what + " was scaled up by run " + p.get("runId") + " but does not say which"
                    + " pod to keep; scale it down by hand once the pods are Ready");
        }
        Resource<Pod> target = client.pods().inNamespace(ns).withName(p.get("pod"));
        try {
            waits.until("pod " + ns + "/" + p.get("pod") + " to be Ready before the scale-down", settings.endpoints(),
                    seen -> {
                        Pod pod = Api.call("get pod " + p.get("pod"), target::get);
                        seen.accept(PodState.describe(pod));
                        return pod == null || PodState.ready(pod) ? Boolean.TRUE : null;
                    });
        } catch (OrchestrationException e) {
            throw new OrchestrationException(e.getMessage() + "; " + what + " stays one replica up, because scaling it"
                    + " down now would let its ReplicaSet remove the target instead of the replacement. Run leak-detector"
                    + " cleanup --run-id " + p.get("runId") + " once the pod is Ready", e);
        }
        int replicas = replicas(object);
        patch("scale " + what + " from " + replicas + " to " + (replicas - 1), owner, Patches.create()
                .test(Patches.pointer("metadata", "annotations", Names.SCALED_ANNOTATION), p.get("runId"))
                .test("/spec/replicas", replicas).replace("/spec/replicas", Math.max(0, replicas - 1))
                .unannotate(annotations, Names.SCALED_ANNOTATION, Names.REPLICAS_BEFORE_ANNOTATION,
                        Names.TARGET_POD_ANNOTATION));
    }

    /** The target's deletion cost as it was, and our note about it removed. */
    void restoreCost(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        Resource<Pod> resource = client.pods().inNamespace(p.get("namespace")).withName(p.get("pod"));
        Pod pod = Api.call("get pod " + p.get("pod"), resource::get);
        Map<String, String> annotations = pod == null ? null : pod.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(Names.PREVIOUS_COST_ANNOTATION)) {
            return;
        }
        String previous = annotations.get(Names.PREVIOUS_COST_ANNOTATION);
        Patches patch = Patches.create().unannotate(annotations, Names.PREVIOUS_COST_ANNOTATION, Names.RUN_ANNOTATION);
        if (previous.isEmpty()) {
            patch.unannotate(annotations, Names.DELETION_COST);
        } else {
            patch.add(Patches.pointer("metadata", "annotations", Names.DELETION_COST), previous);
        }
        patch("restore the deletion cost of pod " + p.get("pod"), resource, patch);
    }

    private List<Pod> owned(ReplicaSet rs) throws OrchestrationException {
        Map<String, String> selector = rs.getSpec().getSelector().getMatchLabels();
        String ns = rs.getMetadata().getNamespace();
        List<Pod> pods = Api.call("list the pods of replicaset " + ns + "/" + rs.getMetadata().getName(),
                () -> (selector == null ? client.pods().inNamespace(ns) : client.pods().inNamespace(ns).withLabels(selector))
                        .list().getItems());
        return pods.stream().filter(p -> ownedBy(p, rs.getMetadata().getUid())
                && p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static boolean ownedBy(Pod pod, String uid) {
        List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()) && uid.equals(r.getUid()));
    }

    private Resource<? extends HasMetadata> owner(String ns, String kind, String name) {
        return kind.equals("Deployment") ? client.apps().deployments().inNamespace(ns).withName(name)
                : client.apps().replicaSets().inNamespace(ns).withName(name);
    }

    private static int replicas(HasMetadata object) {
        Integer replicas = object instanceof io.fabric8.kubernetes.api.model.apps.Deployment d ? d.getSpec().getReplicas()
                : ((ReplicaSet) object).getSpec().getReplicas();
        // An unset replica count defaults to 1 in both kinds.
        return replicas == null ? 1 : replicas;
    }

    private static String what(PodTarget target) {
        return target.ownerKind().toLowerCase(java.util.Locale.ROOT) + " " + target.namespace() + "/" + target.ownerName();
    }

    static void patch(String what, Resource<? extends HasMetadata> resource, Patches patch) throws OrchestrationException {
        if (!patch.isEmpty()) {
            Api.call(what, () -> resource.patch(PatchContext.of(PatchType.JSON), patch.toString()));
        }
    }
}
