package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.DumpCommands;
import dev.leakdetector.orchestrator.dumps.DumpTarget;
import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.dumps.NodeFlags;
import dev.leakdetector.orchestrator.dumps.SignalPlan;
import dev.leakdetector.orchestrator.dumps.SignalSnapshots;
import dev.leakdetector.orchestrator.dumps.SnapshotMethodChoice;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import dev.leakdetector.orchestrator.workflow.SnapshotSource;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --heapsnapshot-signal} fallback on Kubernetes, the same method as on Docker
 * ({@link SignalSnapshots}) with the pod's exec for its commands and its copy: the choice between
 * it and the inspector in pre-flight, from what the running process shows (its signal mask, its
 * command line, and {@code NODE_OPTIONS} as the container's environment has it); the snapshot
 * source; and the undo that deletes the files Node wrote.
 */
final class SignalDumps {
    private final KubernetesClient client;
    private final PodExec exec;
    private final NodeProcesses processes;
    private final ContainerFiles files;
    private final K8sSettings settings;

    SignalDumps(KubernetesClient client, PodExec exec, NodeProcesses processes, ContainerFiles files,
                K8sSettings settings) {
        this.client = client;
        this.exec = exec;
        this.processes = processes;
        this.files = files;
        this.settings = settings;
    }

    /**
     * How the pod's snapshots are taken. Reads only.
     *
     * @return the plan of the signal method, or null for the inspector
     * @throws OrchestrationException when the requested method cannot work, or the signal method
     *                                would endanger the service (see {@link SignalPlan#preflight})
     */
    SignalPlan choose(PodTarget target, NodeProcesses.Process node, SnapshotMethod requested)
            throws OrchestrationException {
        PodShell shell = PodShell.of(exec, target, settings.exec());
        NodeFlags flags = NodeFlags.of(processes.arguments(target, node),
                files.env(target.namespace(), target.pod(), target.container(), "NODE_OPTIONS"));
        DumpTarget dumpTarget = new DumpTarget(shell.displayName(), node.pid(), node.caught(), flags);
        if (SnapshotMethodChoice.choose(requested, dumpTarget) == SnapshotMethod.INSPECTOR) {
            return null;
        }
        return SignalPlan.preflight(shell, dumpTarget, commands(target, node), settings.dumps());
    }

    /** Why the inspector is not used for this plan's target, for the log. */
    static String reason(SignalPlan plan) {
        String problem = SnapshotMethodChoice.inspectorProblem(plan.target());
        return problem == null ? "--snapshot-method signal" : "no inspector";
    }

    SnapshotSource open(PodTarget target, SignalPlan plan, RunContext context, UndoStack.Executor undoer,
                        boolean force) {
        return new SignalSnapshots(plan, new PodDumps(exec, target, plan.commands(), settings.dumps().total()), context,
                undoer, force);
    }

    /**
     * The undo of {@link UndoRecords#REMOVE_SNAPSHOT_FILES}, also from {@code cleanup}: nothing to
     * do when the pod is gone (its containers' files went with it) or is another pod of that name.
     */
    void removeFiles(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        String namespace = p.get("namespace");
        String name = p.get("pod");
        Pod pod = Api.call("get pod " + namespace + "/" + name,
                () -> client.pods().inNamespace(namespace).withName(name).get());
        if (pod == null || !p.get("uid").equals(pod.getMetadata().getUid())) {
            return;
        }
        HeapDumpFiles dumps = HeapDumpFiles.fromParams(new PodShell(exec, namespace, name, p.get("container"),
                settings.exec()), p);
        try {
            dumps.removeAllBut(HeapDumpFiles.existingFromParams(p));
        } catch (OrchestrationException e) {
            throw new OrchestrationException(e.getMessage() + "; the snapshot may stay in " + dumps.directory()
                    + " until leak-detector cleanup can reach the container", e);
        }
    }

    /** The shell form when the image has sh (and which tools), else the service's own node. */
    private DumpCommands commands(PodTarget target, NodeProcesses.Process node) throws OrchestrationException {
        PodExec.Result probe = exec.exec(target.namespace(), target.pod(), target.container(),
                DumpCommands.toolsProbe(), settings.exec());
        if (probe.missingExecutable()) {
            return new DumpCommands(false, node.nodeExecutable(), Set.of());
        }
        if (!probe.ok()) {
            throw new OrchestrationException("cannot list the tools of " + target.describe() + " container "
                    + target.container() + " (exit " + probe.exitCode() + "): " + probe.stderr().strip());
        }
        return new DumpCommands(true, node.nodeExecutable(), DumpCommands.toolsFrom(List.of(probe.stdout().split("\n"))));
    }
}
