package dev.leakdetector.orchestrator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what runs left behind, from the labels alone (for when the journal is lost): every
 * replacement container, and through the labels each replacement carries about its target and
 * drain, a maintenance file with the run's marker still in the target or an agent still in
 * maintenance by its control channel. Traffic restores come first in the list, as in a run.
 */
final class DockerLeftovers {
    /** The target's full id. */
    static final String TARGET_LABEL = "leak-detector.target";
    /** The drain method the run used. */
    static final String DRAIN_LABEL = "leak-detector.drain";
    /** The maintenance file path in the target (file drain). */
    static final String FILE_LABEL = "leak-detector.maintenance-file";
    /** How to exec in the target: shell, node path, tools. */
    static final String EXEC_LABEL = "leak-detector.target-exec";

    private final DockerClient docker;
    private final ContainerExec exec;
    private final DockerDrains drains;

    DockerLeftovers(DockerClient docker, DockerDrains drains) {
        this.docker = docker;
        this.exec = new ContainerExec(docker);
        this.drains = drains;
    }

    /** The labels a replacement carries so that this sweep can repair its target. */
    static Map<String, String> labels(String runId, TargetContainer target, DrainMethod drain) {
        Map<String, String> labels = new HashMap<>();
        labels.put(RunContext.RUN_ID_LABEL, runId);
        labels.put(RunContext.ROLE_LABEL, RunContext.REPLACEMENT);
        labels.put(TARGET_LABEL, target.id());
        labels.put(DRAIN_LABEL, drain.id());
        if (drain == DrainMethod.FILE) {
            labels.put(FILE_LABEL, target.maintenanceFile());
        }
        ContainerTools tools = target.tools();
        labels.put(EXEC_LABEL, tools.shell() + "|" + tools.node() + "|" + String.join(",", tools.tools()));
        return labels;
    }

    List<UndoRecord> find(String runId) throws OrchestrationException {
        Map<String, String> filter = new HashMap<>();
        filter.put(RunContext.ROLE_LABEL, RunContext.REPLACEMENT);
        if (runId != null) {
            filter.put(RunContext.RUN_ID_LABEL, runId);
        }
        List<Container> containers;
        try {
            containers = docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec();
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot list containers: " + DockerConnection.rootMessage(e), e);
        }
        List<UndoRecord> restores = new ArrayList<>();
        List<UndoRecord> removals = new ArrayList<>();
        for (Container container : containers) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            String owner = labels.get(RunContext.RUN_ID_LABEL);
            if (owner == null) {
                continue;
            }
            String target = labels.get(TARGET_LABEL);
            if (target != null) {
                UndoRecord restore = restoreOf(target, owner, labels);
                if (restore != null) {
                    restores.add(restore);
                }
            }
            String name = container.getNames() != null && container.getNames().length > 0
                    ? container.getNames()[0].replaceFirst("^/", "") : container.getId();
            removals.add(DockerUndo.removeReplacement(name, owner));
        }
        restores.addAll(removals);
        return restores;
    }

    /** The traffic restore a target still needs, judged by looking at it; null when none. */
    private UndoRecord restoreOf(String targetId, String runId, Map<String, String> labels) {
        ContainerTools tools = tools(labels.getOrDefault(EXEC_LABEL, ""));
        String drain = labels.getOrDefault(DRAIN_LABEL, "");
        String shortId = ContainerExec.shortId(targetId);
        try {
            if (drain.equals(DrainMethod.FILE.id()) && labels.containsKey(FILE_LABEL)) {
                String file = labels.get(FILE_LABEL);
                String marker = DockerDrains.marker(runId);
                ContainerExec.Result result = exec.run(targetId, tools.markedFile(file, marker, false), Duration.ofSeconds(30));
                if (result.ok() && result.out().strip().equals("ours")) {
                    return DockerUndo.removeMaintenanceFile(targetId, shortId, file, marker, tools);
                }
            } else if (drain.equals(DrainMethod.AGENT.id())) {
                JsonNode status = drains.agent(targetId, tools, "/status", null, 15);
                if (status.path("maintenance").asBoolean() && "control".equals(status.path("maintenanceSource").asText())) {
                    return DockerUndo.agentMaintenanceOff(targetId, shortId, tools);
                }
            }
        } catch (OrchestrationException e) {
            // A stopped or vanished target, or an agent that does not answer: nothing to judge by
            // labels; the journal, when there is one, still holds the undo.
        }
        return null;
    }

    private static ContainerTools tools(String label) {
        String[] parts = label.split("\\|", -1);
        Map<String, String> params = new HashMap<>();
        params.put("shell", parts.length > 0 && !parts[0].isEmpty() ? parts[0] : "true");
        params.put("node", parts.length > 1 && !parts[1].isEmpty() ? parts[1] : "node");
        params.put("tools", parts.length > 2 ? parts[2] : "");
        return ContainerTools.fromParams(params);
    }
}
