package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.Target;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What discovery learned about the target pod, carried between the workflow's steps in
 * {@link Target#facts()} so that the platform itself keeps no per-run state.
 *
 * @param ownerKind        {@code Deployment}, {@code ReplicaSet} (one without a Deployment), {@code Pod}
 *                         (a bare pod), or the kind of an owner leak-detector does not support
 * @param replicaSet       the ReplicaSet between the pod and its Deployment, or ""
 * @param services         the Services whose selectors match the pod's labels
 * @param relabelKey       the label to remove with {@code --drain-method relabel}: one every matching
 *                         Service selects on, preferably one its ReplicaSet does not; "" when none
 * @param publishNotReady  the matching Services that keep not-ready pods in their endpoints
 * @param readinessGates   the condition types of {@code spec.readinessGates}
 * @param inspectorPort    the port SIGUSR1 opens in the container (9229 unless the command says otherwise)
 * @param maintenanceFile  the in-app agent's maintenance file, from the container's environment
 * @param agentPort        the in-app agent's control port, from the container's environment
 * @param memoryLimit      the container's memory limit in bytes, -1 when it has none
 * @param containerPort    the container's first declared port (for traffic hooks), 0 when none
 */
record PodTarget(String namespace, String pod, String uid, String container, String image, String podIP,
                 String ownerKind, String ownerName, String replicaSet, List<String> services, String relabelKey,
                 List<String> publishNotReady, List<String> readinessGates, int inspectorPort,
                 String maintenanceFile, int agentPort, long memoryLimit, int containerPort) {

    PodTarget {
        services = List.copyOf(services);
        publishNotReady = List.copyOf(publishNotReady);
        readinessGates = List.copyOf(readinessGates);
    }

    boolean bare() {
        return ownerKind.equals("Pod");
    }

    boolean scalable() {
        return ownerKind.equals("Deployment") || ownerKind.equals("ReplicaSet");
    }

    String describe() {
        return "pod " + namespace + "/" + pod;
    }

    Target toTarget() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("namespace", namespace);
        facts.put("pod", pod);
        facts.put("uid", uid);
        facts.put("container", container);
        facts.put("podIP", podIP);
        facts.put("ownerKind", ownerKind);
        facts.put("ownerName", ownerName);
        facts.put("replicaSet", replicaSet);
        facts.put("services", String.join(",", services));
        facts.put("relabelKey", relabelKey);
        facts.put("publishNotReady", String.join(",", publishNotReady));
        facts.put("readinessGates", String.join(",", readinessGates));
        facts.put("inspectorPort", Integer.toString(inspectorPort));
        facts.put("maintenanceFile", maintenanceFile);
        facts.put("agentPort", Integer.toString(agentPort));
        facts.put("memoryLimit", Long.toString(memoryLimit));
        facts.put("containerPort", Integer.toString(containerPort));
        String owner = bare() ? "bare pod" : ownerKind.toLowerCase(java.util.Locale.ROOT) + " " + ownerName;
        return new Target(pod, describe() + " (container " + container + ", " + owner + ")", image, facts);
    }

    static PodTarget from(Target target) {
        Map<String, String> f = target.facts();
        return new PodTarget(f.get("namespace"), f.get("pod"), f.get("uid"), f.get("container"), target.image(),
                f.get("podIP"), f.get("ownerKind"), f.get("ownerName"), f.get("replicaSet"), list(f.get("services")),
                f.get("relabelKey"), list(f.get("publishNotReady")), list(f.get("readinessGates")),
                Integer.parseInt(f.get("inspectorPort")), f.get("maintenanceFile"), Integer.parseInt(f.get("agentPort")),
                Long.parseLong(f.get("memoryLimit")), Integer.parseInt(f.get("containerPort")));
    }

    private static List<String> list(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
