package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.NodeFlags;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the target pod and everything the run needs to know about it, reading only: its container,
 * its owner chain (ReplicaSet, then Deployment; the controller reference is followed, never a
 * name guessed from the pod's), and the Services that select it.
 */
final class PodDiscovery {
    private static final int DEFAULT_AGENT_PORT = 9339;

    private final KubernetesClient client;

    PodDiscovery(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param podOrSelector a pod name, or a label selector such as {@code app=orders,tier=web} (pod names
     *                      cannot contain '='), which picks the oldest Ready pod it matches
     */
    PodTarget discover(String namespace, String podOrSelector, String containerName) throws OrchestrationException {
        String name = podOrSelector.contains("=") ? pick(namespace, podOrSelector) : podOrSelector.trim();
        Pod pod = Api.call("get pod " + namespace + "/" + name,
                () -> client.pods().inNamespace(namespace).withName(name).get());
        if (pod == null) {
            throw new TargetNotFoundException("pod " + name + " not found in namespace " + namespace + elsewhere(name,
                    namespace));
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            throw new TargetNotFoundException("pod " + namespace + "/" + name + " is terminating; choose a running pod");
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (!"Running".equals(phase)) {
            throw new TargetNotFoundException("pod " + namespace + "/" + name + " is " + (phase == null ? "not running"
                    : phase) + "; leak-detector needs a running pod");
        }
        Container container = container(pod, containerName);
        Owner owner = owner(pod);
        List<Service> services = Api.call("list services in namespace " + namespace,
                () -> client.services().inNamespace(namespace).list().getItems());
        List<Service> matching = new ArrayList<>();
        for (Service service : services) {
            Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
            if (selector != null && !selector.isEmpty() && labels(pod).entrySet().containsAll(selector.entrySet())) {
                matching.add(service);
            }
        }
        matching.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        List<String> command = new ArrayList<>();
        if (container.getCommand() != null) {
            command.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            command.addAll(container.getArgs());
        }
        NodeFlags flags = NodeFlags.ofWords(words(env(container, "NODE_OPTIONS", ""), command));
        return new PodTarget(namespace, name, pod.getMetadata().getUid(), container.getName(),
                Objects.toString(container.getImage(), ""), Objects.toString(pod.getStatus().getPodIP(), ""),
                owner.kind, owner.name, owner.replicaSet,
                matching.stream().map(s -> s.getMetadata().getName()).toList(), relabelKey(matching, owner.rsSelectorKeys),
                matching.stream().filter(s -> Boolean.TRUE.equals(s.getSpec().getPublishNotReadyAddresses()))
                        .map(s -> s.getMetadata().getName()).toList(),
                pod.getSpec().getReadinessGates() == null ? List.of()
                        : pod.getSpec().getReadinessGates().stream().map(PodReadinessGate::getConditionType).toList(),
                flags.inspectPort(),
                env(container, "LEAK_DETECTOR_AGENT_MAINTENANCE_FILE", "/tmp/maintenance"),
                parsePort(env(container, "LEAK_DETECTOR_AGENT_PORT", ""), DEFAULT_AGENT_PORT), memoryLimit(container),
                container.getPorts() == null || container.getPorts().isEmpty() ? 0
                        : container.getPorts().get(0).getContainerPort());
    }

    private String pick(String namespace, String selector) throws OrchestrationException {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : selector.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new TargetNotFoundException("'" + selector + "' is not a label selector of the form key=value[,key=value]");
            }
            labels.put(kv[0].trim(), kv[1].trim());
        }
        List<Pod> pods = Api.call("list pods " + selector + " in namespace " + namespace,
                () -> client.pods().inNamespace(namespace).withLabels(labels).list().getItems());
        // The oldest Ready pod: it has had the most time to leak, and it is not mid-rollout.
        return pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && PodState.ready(p))
                .filter(p -> !Names.REPLACEMENT.equals(labels(p).get(Names.ROLE_LABEL)))
                .min(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
                        .thenComparing(p -> p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName())
                .orElseThrow(() -> new TargetNotFoundException("no Ready pod matches " + selector + " in namespace "
                        + namespace + " (" + pods.size() + " pod(s) match, none Ready)"));
    }

    /** A hint for the most common mistake: the pod exists, in another namespace. */
    private String elsewhere(String name, String namespace) {
        try {
            List<String> namespaces = client.pods().inAnyNamespace().withField("metadata.name", name).list().getItems()
                    .stream().map(p -> p.getMetadata().getNamespace()).filter(ns -> !ns.equals(namespace)).toList();
            return namespaces.isEmpty() ? "" : " (a pod of that name exists in namespace " + namespaces.get(0)
                    + ": add --namespace " + namespaces.get(0) + ")";
        } catch (KubernetesClientException | UnsupportedOperationException e) {
            // Listing pods cluster-wide is often forbidden; the hint is only a courtesy.
            return "";
        }
    }

    private static Container container(Pod pod, String wanted) throws TargetNotFoundException {
        List<Container> containers = pod.getSpec().getContainers();
        List<String> names = containers.stream().map(Container::getName).toList();
        String name = wanted;
        if (name == null) {
            String annotated = pod.getMetadata().getAnnotations() == null ? null
                    : pod.getMetadata().getAnnotations().get(Names.DEFAULT_CONTAINER_ANNOTATION);
            if (annotated != null && names.contains(annotated)) {
                name = annotated;
            } else if (containers.size() == 1) {
                name = names.get(0);
            } else {
                throw new TargetNotFoundException("pod " + pod.getMetadata().getName() + " has " + containers.size()
                        + " containers (" + String.join(", ", names) + "); choose the Node.js one with --container");
            }
        }
        for (Container container : containers) {
            if (container.getName().equals(name)) {
                return container;
            }
        }
        throw new TargetNotFoundException("pod " + pod.getMetadata().getName() + " has no container " + name
                + " (it has " + String.join(", ", names) + ")");
    }

    private record Owner(String kind, String name, String replicaSet, Set<String> rsSelectorKeys) {
    }

    private Owner owner(Pod pod) throws OrchestrationException {
        OwnerReference controller = controllerOf(pod.getMetadata().getOwnerReferences());
        String namespace = pod.getMetadata().getNamespace();
        if (controller == null) {
            return new Owner("Pod", pod.getMetadata().getName(), "", Set.of());
        }
        if (!controller.getKind().equals("ReplicaSet")) {
            return new Owner(controller.getKind(), controller.getName(), "", Set.of());
        }
        ReplicaSet rs = Api.call("get replicaset " + namespace + "/" + controller.getName(),
                () -> client.apps().replicaSets().inNamespace(namespace).withName(controller.getName()).get());
        if (rs == null) {
            throw new OrchestrationException("pod " + pod.getMetadata().getName() + " is owned by replicaset "
                    + controller.getName() + ", which does not exist any more (the pod is being garbage-collected)");
        }
        Set<String> keys = new TreeSet<>();
        if (rs.getSpec().getSelector().getMatchLabels() != null) {
            keys.addAll(rs.getSpec().getSelector().getMatchLabels().keySet());
        }
        if (rs.getSpec().getSelector().getMatchExpressions() != null) {
            rs.getSpec().getSelector().getMatchExpressions().stream().map(LabelSelectorRequirement::getKey).forEach(keys::add);
        }
        OwnerReference deployment = controllerOf(rs.getMetadata().getOwnerReferences());
        if (deployment == null) {
            return new Owner("ReplicaSet", rs.getMetadata().getName(), rs.getMetadata().getName(), keys);
        }
        return new Owner(deployment.getKind(), deployment.getName(), rs.getMetadata().getName(), keys);
    }

    private static OwnerReference controllerOf(List<OwnerReference> references) {
        if (references == null) {
            return null;
        }
        return references.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
    }

    /**
     * A key every matching Service selects on. One the ReplicaSet does not select on is best: removing
     * it takes the pod out of the Services without the ReplicaSet letting go of it.
     */
    private static String relabelKey(List<Service> services, Set<String> rsSelectorKeys) {
        if (services.isEmpty()) {
            return "";
        }
        Set<String> common = new TreeSet<>(services.get(0).getSpec().getSelector().keySet());
        services.forEach(s -> common.retainAll(s.getSpec().getSelector().keySet()));
        return common.stream().filter(k -> !rsSelectorKeys.contains(k)).findFirst()
                .orElse(common.isEmpty() ? "" : common.iterator().next());
    }

    /**
     * Every word of NODE_OPTIONS (Node reads it first) and of the command and arguments
     * ({@code sh -c "node …"} included): the spec does not say where Node's own options end.
     */
    private static List<String> words(String nodeOptions, List<String> commandAndArgs) {
        List<String> words = new ArrayList<>();
        List<String> parts = new ArrayList<>(List.of(nodeOptions));
        parts.addAll(commandAndArgs);
        for (String part : parts) {
            for (String word : part.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }

    private static String env(Container container, String name, String fallback) {
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                if (var.getName().equals(name) && var.getValue() != null) {
                    return var.getValue();
                }
            }
        }
        return fallback;
    }

    private static int parsePort(String text, int fallback) {
        try {
            return text.isEmpty() ? fallback : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long memoryLimit(Container container) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return -1;
        }
        Quantity limit = container.getResources().getLimits().get("memory");
        return limit == null ? -1 : Quantity.getAmountInBytes(limit).longValue();
    }
}
