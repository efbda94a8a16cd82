package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Docker platform's undo kinds and how their records are made. Every record carries all it
 * needs (container ids and names, paths, markers, how to exec in the container) in its params,
 * so that {@code leak-detector cleanup} in another process can replay it from the journal.
 */
final class DockerUndo {
    /** Stop and remove the replacement; ends with {@link RunWorkflow#REMOVE_REPLACEMENT} so --no-cleanup keeps it. */
    static final String REMOVE_REPLACEMENT = "docker." + RunWorkflow.REMOVE_REPLACEMENT;
    /** Delete the maintenance file the drain created in the target (only if it still carries our marker). */
    static final String REMOVE_MAINTENANCE_FILE = "docker.remove-maintenance-file";
    /** Take the target's agent out of maintenance. */
    static final String AGENT_MAINTENANCE_OFF = "docker.agent-maintenance-off";
    /** Call the http-hook or command drain with the action restore. */
    static final String HOOK_RESTORE = "docker.hook-restore";
    /** Close the exec relay to the inspector (only the process that opened it has one). */
    static final String CLOSE_RELAY = "docker.close-relay";
    /** Delete the heap snapshot files the target wrote after the run's signal (not the ones it had before). */
    static final String REMOVE_SNAPSHOT_FILES = "docker.remove-snapshot-files";

    private DockerUndo() {
    }

    static UndoRecord removeReplacement(String name, String runId) {
        return new UndoRecord(DockerPlatform.NAME, REMOVE_REPLACEMENT, Map.of("name", name, "runId", runId),
                "stop and remove the replacement container " + name, false);
    }

    static UndoRecord removeMaintenanceFile(String containerId, String containerName, String file, String marker,
                                            ContainerTools tools) {
        Map<String, String> params = new HashMap<>(tools.toParams());
        params.put("containerId", containerId);
        params.put("file", file);
        params.put("marker", marker);
        return new UndoRecord(DockerPlatform.NAME, REMOVE_MAINTENANCE_FILE, params,
                "remove " + file + " from container " + containerName, true);
    }

    static UndoRecord agentMaintenanceOff(String containerId, String containerName, ContainerTools tools) {
        Map<String, String> params = new HashMap<>(tools.toParams());
        params.put("containerId", containerId);
        return new UndoRecord(DockerPlatform.NAME, AGENT_MAINTENANCE_OFF, params,
                "take the agent in container " + containerName + " out of maintenance", true);
    }

    static UndoRecord hookRestore(Map<String, String> values, String hook, String body, String method) {
        Map<String, String> params = new HashMap<>(values);
        params.put("hook", hook);
        params.put("body", body == null ? "" : body);
        params.put("method", method);
        return new UndoRecord(DockerPlatform.NAME, HOOK_RESTORE, params, "traffic hook: restore (" + method + ")", true);
    }

    static UndoRecord removeSnapshotFiles(String containerId, String containerName, HeapDumpFiles files,
                                          List<String> existing) {
        Map<String, String> params = new HashMap<>(files.toParams(existing));
        params.put("containerId", containerId);
        return new UndoRecord(DockerPlatform.NAME, REMOVE_SNAPSHOT_FILES, params, "remove the heap snapshot pid "
                + files.pid() + " wrote into " + files.directory() + " of container " + containerName, false);
    }

    static UndoRecord closeRelay(String containerId, String containerName, String relayId) {
        return new UndoRecord(DockerPlatform.NAME, CLOSE_RELAY, Map.of("containerId", containerId, "relay", relayId),
                "close the exec relay to the inspector of container " + containerName, false);
    }
}
