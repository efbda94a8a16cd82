package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.util.List;

/**
 * How the target will be drained, decided from the pod alone so that pre-flight refuses what
 * cannot work before anything changes, and every later drain makes the same choice.
 *
 * <p>Without {@code --drain-method}: the pod's {@value Names#OWN_READINESS_GATE} readiness gate if
 * it declares one, else relabel if Services select it, else none. {@code http-hook} and
 * {@code command} leave the pod alone and call the user's load balancer instead.
 *
 * @param detail the readiness-gate condition type, the label key, the maintenance file, or the agent port
 */
record DrainPlan(DrainMethod method, String detail) {

    static DrainPlan choose(PodTarget target, DrainMethod requested) throws OrchestrationException {
        DrainMethod method = requested;
        if (method == null) {
            method = target.readinessGates().contains(Names.OWN_READINESS_GATE) ? DrainMethod.READINESS_GATE
                    : target.services().isEmpty() ? DrainMethod.NONE : DrainMethod.RELABEL;
        }
        String id = "--drain-method " + method.id();
        switch (method) {
            case READINESS_GATE -> {
                List<String> gates = target.readinessGates();
                if (gates.isEmpty()) {
                    throw new OrchestrationException(id + " needs a readiness gate in the pod spec (spec.readinessGates),"
                            + " and " + target.describe() + " declares none; see deploy/k8s/example-deployment.yaml, or use"
                            + " --drain-method relabel");
                }
                if (!gates.contains(Names.OWN_READINESS_GATE) && gates.size() > 1) {
                    throw new OrchestrationException(target.describe() + " declares several readiness gates ("
                            + String.join(", ", gates) + ") and none is " + Names.OWN_READINESS_GATE
                            + "; leak-detector cannot tell which one is meant for draining");
                }
                refuseNotReadyPublishers(target, id);
                return new DrainPlan(method, gates.contains(Names.OWN_READINESS_GATE) ? Names.OWN_READINESS_GATE : gates.get(0));
            }
            case RELABEL -> {
                if (target.services().isEmpty() || target.relabelKey().isEmpty()) {
                    throw new OrchestrationException(id + ": no Service selects " + target.describe()
                            + " on a label every one of them shares, so removing a label would drain nothing");
                }
                return new DrainPlan(method, target.relabelKey());
            }
            case FILE -> {
                refuseNotReadyPublishers(target, id);
                return new DrainPlan(method, target.maintenanceFile());
            }
            case AGENT -> {
                refuseNotReadyPublishers(target, id);
                return new DrainPlan(method, Integer.toString(target.agentPort()));
            }
            case NONE, HTTP_HOOK, COMMAND -> {
                return new DrainPlan(method, "");
            }
            default -> throw new OrchestrationException(id + " is not available on Kubernetes; use readiness-gate,"
                    + " relabel, file, agent, http-hook, command or none (docs/kubernetes.md)");
        }
    }

    /** A Service that publishes not-ready addresses keeps routing to the pod whatever its readiness says. */
    private static void refuseNotReadyPublishers(PodTarget target, String id) throws OrchestrationException {
        if (!target.publishNotReady().isEmpty()) {
            throw new OrchestrationException(id + " drains through readiness, but service(s) "
                    + String.join(", ", target.publishNotReady()) + " set publishNotReadyAddresses and keep routing to"
                    + " a pod that is not Ready; use --drain-method relabel");
        }
    }

    /** The undo of this plan's change to the pod; {@code labelValue} is the relabelled label's value now. */
    UndoRecord undo(PodTarget target, String runId, String labelValue) {
        return switch (method) {
            case READINESS_GATE -> UndoRecords.gate(target.namespace(), target.pod(), detail, target.services(), runId);
            case RELABEL -> UndoRecords.relabel(target.namespace(), target.pod(), detail, labelValue, target.services(),
                    runId);
            case FILE -> UndoRecords.file(target.namespace(), target.pod(), target.container(), detail, target.services(),
                    runId);
            case AGENT -> UndoRecords.agent(target.namespace(), target.pod(), target.container(), Integer.parseInt(detail),
                    target.services(), runId);
            default -> null;
        };
    }
}
