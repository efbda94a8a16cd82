package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The undo records of the Kubernetes platform. Each carries everything its undo needs (namespace,
 * names, previous values) so that {@code leak-detector cleanup} can replay it from the journal in
 * another process; the traffic restores also travel as a pod annotation, for a cleanup without
 * the journal.
 */
final class UndoRecords {
    static final String PLATFORM = "k8s";
    static final String CLOSE_TUNNEL = "k8s.close-port-forward";
    static final String RESTORE_COST = "k8s.restore-deletion-cost";
    static final String SCALE_DOWN = "k8s.scale-" + RunWorkflow.REMOVE_REPLACEMENT;
    static final String DELETE_POD = "k8s.pod-" + RunWorkflow.REMOVE_REPLACEMENT;
    static final String UNDRAIN = "k8s.undrain";
    static final String GATE = "k8s.readiness-gate-restore";
    static final String RELABEL = "k8s.relabel-restore";
    static final String FILE = "k8s.maintenance-file-remove";
    static final String AGENT = "k8s.agent-maintenance-off";
    static final String HOOK = "k8s.hook-restore";
    static final String REMOVE_SNAPSHOT_FILES = "k8s.remove-snapshot-files";

    private UndoRecords() {
    }

    static UndoRecord closeTunnel(String namespace, String pod, int port, String tunnel) {
        return new UndoRecord(PLATFORM, CLOSE_TUNNEL, Map.of("namespace", namespace, "pod", pod, "port",
                Integer.toString(port), "tunnel", tunnel), "close the port-forward to " + pod + ":" + port, false);
    }

    static UndoRecord restoreCost(String namespace, String pod, String previous, String runId) {
        return new UndoRecord(PLATFORM, RESTORE_COST, Map.of("namespace", namespace, "pod", pod, "previous", previous,
                "runId", runId), "restore the deletion cost of pod " + namespace + "/" + pod, false);
    }

    static UndoRecord scaleDown(String namespace, String kind, String name, String targetPod, int replicasBefore,
                                String runId) {
        return new UndoRecord(PLATFORM, SCALE_DOWN, Map.of("namespace", namespace, "kind", kind, "name", name,
                "pod", targetPod, "replicasBefore", Integer.toString(replicasBefore), "runId", runId),
                "scale " + kind.toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name + " back to "
                        + replicasBefore + " (removes the replacement)", false);
    }

    static UndoRecord deletePod(String namespace, String pod, String runId) {
        return new UndoRecord(PLATFORM, DELETE_POD, Map.of("namespace", namespace, "pod", pod, "runId", runId),
                "delete the replacement pod " + namespace + "/" + pod, false);
    }

    static UndoRecord undrain(String namespace, String pod, String runId) {
        return new UndoRecord(PLATFORM, UNDRAIN, Map.of("namespace", namespace, "pod", pod, "runId", runId),
                "remove the drain annotations of pod " + namespace + "/" + pod, true);
    }

    static UndoRecord gate(String namespace, String pod, String condition, List<String> services, String runId) {
        return traffic(GATE, namespace, pod, services, runId, "condition", condition,
                "set readiness gate " + condition + " of pod " + namespace + "/" + pod + " back to True");
    }

    static UndoRecord relabel(String namespace, String pod, String key, String value, List<String> services,
                              String runId) {
        Map<String, String> params = params(namespace, pod, services, runId);
        params.put("key", key);
        params.put("value", value);
        return new UndoRecord(PLATFORM, RELABEL, params, "put label " + key + "=" + value + " back on pod " + namespace
                + "/" + pod, true);
    }

    static UndoRecord file(String namespace, String pod, String container, String path, List<String> services,
                           String runId) {
        Map<String, String> params = params(namespace, pod, services, runId);
        params.put("container", container);
        params.put("path", path);
        return new UndoRecord(PLATFORM, FILE, params, "remove " + path + " in pod " + namespace + "/" + pod, true);
    }

    static UndoRecord agent(String namespace, String pod, String container, int port, List<String> services,
                            String runId) {
        Map<String, String> params = params(namespace, pod, services, runId);
        params.put("container", container);
        params.put("port", Integer.toString(port));
        return new UndoRecord(PLATFORM, AGENT, params, "leave maintenance mode (agent on port " + port + " of pod "
                + namespace + "/" + pod + ")", true);
    }

    /**
     * Deletes the snapshot files Node wrote into the container after the run's signal. The pod's
     * uid guards against a new pod of the same name, whose files are not ours.
     */
    static UndoRecord removeSnapshotFiles(PodTarget target, HeapDumpFiles files, List<String> existing) {
        Map<String, String> params = new LinkedHashMap<>(files.toParams(existing));
        params.put("namespace", target.namespace());
        params.put("pod", target.pod());
        params.put("uid", target.uid());
        params.put("container", target.container());
        return new UndoRecord(PLATFORM, REMOVE_SNAPSHOT_FILES, params, "remove the heap snapshot pid " + files.pid()
                + " wrote into " + files.directory() + " of pod " + target.namespace() + "/" + target.pod(), false);
    }

    static UndoRecord hook(Map<String, String> values) {
        return new UndoRecord(PLATFORM, HOOK, values, "traffic hook: restore", true);
    }

    private static UndoRecord traffic(String kind, String namespace, String pod, List<String> services, String runId,
                                      String key, String value, String description) {
        Map<String, String> params = params(namespace, pod, services, runId);
        params.put(key, value);
        return new UndoRecord(PLATFORM, kind, params, description, true);
    }

    private static Map<String, String> params(String namespace, String pod, List<String> services, String runId) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("namespace", namespace);
        params.put("pod", pod);
        params.put("services", String.join(",", services));
        params.put("runId", runId);
        return params;
    }

    /** A record as an annotation value: its kind, then {@code key=value} pairs, ';'-separated. */
    static String encode(UndoRecord record) {
        StringBuilder text = new StringBuilder(record.kind());
        new java.util.TreeMap<>(record.params()).forEach((k, v) -> text.append(';').append(k).append('=').append(v));
        return text.toString();
    }

    /** The record an annotation describes, or null when it is not one of ours. */
    static UndoRecord decode(String text) {
        String[] parts = text.split(";");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2) {
                params.put(kv[0], kv[1]);
            }
        }
        String pod = params.getOrDefault("namespace", "?") + "/" + params.getOrDefault("pod", "?");
        return switch (parts[0]) {
            case GATE -> new UndoRecord(PLATFORM, GATE, params, "set readiness gate " + params.get("condition")
                    + " of pod " + pod + " back to True", true);
            case RELABEL -> new UndoRecord(PLATFORM, RELABEL, params, "put label " + params.get("key") + "="
                    + params.get("value") + " back on pod " + pod, true);
            case FILE -> new UndoRecord(PLATFORM, FILE, params, "remove " + params.get("path") + " in pod " + pod, true);
            case AGENT -> new UndoRecord(PLATFORM, AGENT, params, "leave maintenance mode (agent on port "
                    + params.get("port") + " of pod " + pod + ")", true);
            default -> null;
        };
    }
}
