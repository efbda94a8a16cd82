package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replacement of a bare pod (one no controller owns): an identical pod next to it, which the
 * same Services select because it carries the same labels. Identical means the same spec, minus
 * what the API server or the scheduler fills in and would refuse to see set: the node, the
 * priority the admission plugin derives from the priority class, the ephemeral containers.
 */
final class PodCopy {
    private final KubernetesClient client;
    private final Waits waits;
    private final K8sSettings settings;

    PodCopy(KubernetesClient client, Waits waits, K8sSettings settings) {
        this.client = client;
        this.waits = waits;
        this.settings = settings;
    }

    Replacement start(PodTarget target, String image, RunContext context, UndoStack.Executor executor)
            throws OrchestrationException {
        String ns = target.namespace();
        Pod original = Api.call("get " + target.describe(), () -> client.pods().inNamespace(ns).withName(target.pod()).get());
        if (original == null) {
            throw new OrchestrationException(target.describe() + " disappeared before its replacement was started");
        }
        String name = name(target.pod(), context.runId());
        Pod copy = copy(original, name, context.runId(), target.container(), image);
        context.undo().register(UndoRecords.deletePod(ns, name, context.runId()), executor);
        Api.call("create the replacement pod " + ns + "/" + name, () -> client.pods().inNamespace(ns).resource(copy).create());
        context.log().accept("created replacement pod " + name);
        Pod ready = waits.until("the replacement pod " + ns + "/" + name + " to become Ready", settings.replacementReady(),
                seen -> {
                    Pod pod = Api.call("get pod " + name, () -> client.pods().inNamespace(ns).withName(name).get());
                    if (pod == null) {
                        throw new OrchestrationException("the replacement pod " + ns + "/" + name + " was deleted while"
                                + " it started");
                    }
                    seen.accept(PodState.describe(pod));
                    return PodState.ready(pod) ? pod : null;
                });
        return new Replacement(name, "pod " + ns + "/" + name + " (a copy of " + target.pod() + ")",
                Map.of("namespace", ns, "pod", name, "kind", "copy", "podIP", String.valueOf(ready.getStatus().getPodIP())));
    }

    /** Deletes the replacement if it exists and is this run's (its label says so). */
    void delete(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        Pod pod = Api.call("get pod " + p.get("pod"),
                () -> client.pods().inNamespace(p.get("namespace")).withName(p.get("pod")).get());
        if (pod == null || !p.get("runId").equals(PodDiscovery.labels(pod).get(Names.RUN_ID_LABEL))) {
            return;
        }
        Api.call("delete the replacement pod " + p.get("namespace") + "/" + p.get("pod"),
                () -> client.pods().inNamespace(p.get("namespace")).withName(p.get("pod")).delete());
    }

    /** {@code <pod>-ld-<last 4 of the run id>}, at most 63 characters, as a pod's hostname must be. */
    static String name(String original, String runId) {
        String suffix = "-ld-" + runId.substring(Math.max(0, runId.length() - 4));
        String base = original.length() + suffix.length() > 63 ? original.substring(0, 63 - suffix.length()) : original;
        return base.replaceAll("[-.]+$", "") + suffix;
    }

    Pod copy(Pod original, String name, String runId, String containerName, String image) {
        Pod copy = client.getKubernetesSerialization().clone(original);
        ObjectMeta from = original.getMetadata();
        Map<String, String> labels = new LinkedHashMap<>(from.getLabels() == null ? Map.of() : from.getLabels());
        labels.put(Names.RUN_ID_LABEL, runId);
        labels.put(Names.ROLE_LABEL, Names.REPLACEMENT);
        Map<String, String> annotations = new LinkedHashMap<>();
        if (from.getAnnotations() != null) {
            from.getAnnotations().forEach((k, v) -> {
                if (!k.startsWith("leak-detector/") && !k.equals(Names.DELETION_COST)) {
                    annotations.put(k, v);
                }
            });
        }
        annotations.put(Names.RUN_ANNOTATION, runId);
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(from.getNamespace());
        meta.setLabels(labels);
        meta.setAnnotations(annotations);
        copy.setMetadata(meta);
        copy.setStatus(null);
        copy.getSpec().setNodeName(null);
        copy.getSpec().setEphemeralContainers(null);
        // Admission derives these from the priority class and runtime class, and refuses a pod that
        // sets them itself.
        copy.getSpec().setPriority(null);
        copy.getSpec().setPreemptionPolicy(null);
        copy.getSpec().setOverhead(null);
        if (image != null) {
            for (Container container : copy.getSpec().getContainers()) {
                if (container.getName().equals(containerName)) {
                    container.setImage(image);
                }
            }
        }
        return copy;
    }
}
