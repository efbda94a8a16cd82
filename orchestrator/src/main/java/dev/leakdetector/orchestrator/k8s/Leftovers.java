package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What killed runs left in the cluster, found by the labels and annotations every change carries,
 * as undo records in the order a run undoes them: traffic first, then the extra replicas, then
 * the target's deletion cost, then the bare replacement pods.
 *
 * <p>Across all namespaces when the credentials may list them, else in the platform's namespace.
 */
final class Leftovers {
    private final KubernetesClient client;
    private final String namespace;

    Leftovers(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    List<UndoRecord> find(String runId) throws OrchestrationException {
        List<UndoRecord> traffic = new ArrayList<>();
        List<UndoRecord> scaled = new ArrayList<>();
        List<UndoRecord> costs = new ArrayList<>();
        List<UndoRecord> pods = new ArrayList<>();
        for (Pod pod : list("pods", () -> client.pods().inAnyNamespace().list().getItems(),
                () -> client.pods().inNamespace(namespace).list().getItems())) {
            String ns = pod.getMetadata().getNamespace();
            String name = pod.getMetadata().getName();
            Map<String, String> labels = PodDiscovery.labels(pod);
            Map<String, String> annotations = annotations(pod);
            String podRun = annotations.getOrDefault(Names.RUN_ANNOTATION, labels.get(Names.RUN_ID_LABEL));
            if (podRun == null || runId != null && !runId.equals(podRun)) {
                continue;
            }
            if (annotations.containsKey(Names.DRAIN_METHOD_ANNOTATION)) {
                UndoRecord restore = UndoRecords.decode(annotations.get(Names.DRAIN_METHOD_ANNOTATION));
                if (restore != null) {
                    traffic.add(restore);
                }
            }
            if (annotations.containsKey(Names.DRAIN_ANNOTATION)) {
                traffic.add(UndoRecords.undrain(ns, name, podRun));
            }
            if (annotations.containsKey(Names.PREVIOUS_COST_ANNOTATION)) {
                costs.add(UndoRecords.restoreCost(ns, name, annotations.get(Names.PREVIOUS_COST_ANNOTATION), podRun));
            }
            boolean controlled = pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences()
                    .stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()));
            if (Names.REPLACEMENT.equals(labels.get(Names.ROLE_LABEL)) && !controlled) {
                pods.add(UndoRecords.deletePod(ns, name, podRun));
            }
        }
        List<HasMetadata> owners = new ArrayList<>(list("deployments",
                () -> client.apps().deployments().inAnyNamespace().list().getItems(),
                () -> client.apps().deployments().inNamespace(namespace).list().getItems()));
        owners.addAll(list("replicasets", () -> client.apps().replicaSets().inAnyNamespace().list().getItems(),
                () -> client.apps().replicaSets().inNamespace(namespace).list().getItems()));
        for (HasMetadata owner : owners) {
            Map<String, String> annotations = annotations(owner);
            String ownerRun = annotations.get(Names.SCALED_ANNOTATION);
            if (ownerRun != null && (runId == null || runId.equals(ownerRun))) {
                // List items carry no kind on the wire; the model class says what it is.
                String kind = owner instanceof io.fabric8.kubernetes.api.model.apps.Deployment ? "Deployment" : "ReplicaSet";
                scaled.add(UndoRecords.scaleDown(owner.getMetadata().getNamespace(), kind,
                        owner.getMetadata().getName(), annotations.getOrDefault(Names.TARGET_POD_ANNOTATION, ""),
                        parse(annotations.get(Names.REPLICAS_BEFORE_ANNOTATION)), ownerRun));
            }
        }
        List<UndoRecord> all = new ArrayList<>(traffic);
        all.addAll(scaled);
        all.addAll(costs);
        all.addAll(pods);
        return all;
    }

    private static Map<String, String> annotations(HasMetadata object) {
        return object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations();
    }

    private static int parse(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private <T> List<T> list(String what, Api.Call<List<T>> everywhere, Api.Call<List<T>> here)
            throws OrchestrationException {
        try {
            return everywhere.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw Api.failure("list " + what + " in all namespaces", e);
            }
            return Api.call("list " + what + " in namespace " + namespace, here);
        }
    }
}
