package dev.leakdetector.orchestrator.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.util.ArrayList;
import java.util.List;

/** Reads a pod's status the way the kubelet writes it: {@code Ready} is the kubelet's verdict. */
final class PodState {
    private PodState() {
    }

    static boolean ready(Pod pod) {
        PodCondition ready = condition(pod, "Ready");
        return ready != null && "True".equals(ready.getStatus()) && pod.getMetadata().getDeletionTimestamp() == null;
    }

    static PodCondition condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if (type.equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }

    static int conditionIndex(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return -1;
        }
        List<PodCondition> conditions = pod.getStatus().getConditions();
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return -1;
    }

    /** One line on why a pod is not Ready: phase, the failing condition's reason, waiting containers. */
    static String describe(Pod pod) {
        if (pod == null) {
            return "gone";
        }
        List<String> parts = new ArrayList<>();
        parts.add(pod.getStatus() == null || pod.getStatus().getPhase() == null ? "no status yet" : pod.getStatus().getPhase());
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            parts.add("terminating");
        }
        for (String type : List.of("PodScheduled", "Ready")) {
            PodCondition condition = condition(pod, type);
            if (condition != null && !"True".equals(condition.getStatus())) {
                parts.add(type + "=" + condition.getStatus() + (condition.getReason() == null ? "" : " " + condition.getReason())
                        + (condition.getMessage() == null ? "" : ": " + condition.getMessage()));
            }
        }
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
                if (status.getState() != null && status.getState().getWaiting() != null) {
                    parts.add(status.getName() + " waiting: " + status.getState().getWaiting().getReason());
                }
            }
        }
        return String.join(", ", parts);
    }
}
