package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.capture.InspectorHttp;
import dev.leakdetector.orchestrator.workflow.InspectorAccess;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reaches the service's own inspector: finds its Node process in the container, opens a
 * port-forward to the inspector port, and sends SIGUSR1 through exec unless an inspector already
 * answers. The capture then verifies over the session that it talks to the pid found here.
 *
 * <p>Node keeps the inspector open on the pod's loopback after SIGUSR1 until the process exits;
 * that cannot be undone from outside, and only what can reach the pod's loopback (its containers,
 * exec, port-forward) can use it.
 */
final class InspectorTunnels implements AutoCloseable {
    private final PortForwarder forwarder;
    private final NodeProcesses processes;
    private final InspectorHttp http;
    private final Waits waits;
    private final K8sSettings settings;
    private final Map<String, PortForwarder.Tunnel> open = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    InspectorTunnels(PortForwarder forwarder, NodeProcesses processes, InspectorHttp http, Waits waits,
                     K8sSettings settings) {
        this.forwarder = forwarder;
        this.processes = processes;
        this.http = http;
        this.waits = waits;
        this.settings = settings;
    }

    InspectorAccess open(PodTarget target, RunContext context, UndoStack.Executor executor) throws OrchestrationException {
        NodeProcesses.Process node = processes.find(target);
        context.log().accept("Node.js process in " + target.describe() + ": pid " + node.pid() + " (" + node.name() + ")");
        String id = target.pod() + ":" + target.inspectorPort() + "#" + sequence.incrementAndGet();
        context.undo().register(UndoRecords.closeTunnel(target.namespace(), target.pod(), target.inspectorPort(), id),
                executor);
        PortForwarder.Tunnel tunnel = forwarder.open(target.namespace(), target.pod(), target.inspectorPort());
        open.put(id, tunnel);
        InspectorEndpoint endpoint = new InspectorEndpoint("127.0.0.1", tunnel.localPort());
        if (!http.answers(endpoint)) {
            if (!node.catchesSigusr1()) {
                throw new OrchestrationException("pid " + node.pid() + " in " + target.describe() + " does not handle"
                        + " SIGUSR1 (started with --disable-sigusr1, or a Node.js without the inspector), and SIGUSR1"
                        + " would kill it; leak-detector cannot open its inspector");
            }
            processes.signalUsr1(target, node.pid());
            context.log().accept("sent SIGUSR1 to pid " + node.pid() + "; waiting for its inspector on port "
                    + target.inspectorPort());
            waits.until("the inspector of pid " + node.pid() + " in " + target.describe() + " to answer through the"
                    + " port-forward", settings.inspectorOpen(), seen -> {
                        if (http.answers(endpoint)) {
                            return Boolean.TRUE;
                        }
                        String problem = tunnel.problem();
                        seen.accept(problem == null ? "no answer on port " + target.inspectorPort() : problem);
                        return null;
                    });
        }
        context.log().accept("inspector of " + target.describe() + " at " + endpoint + " (port-forward to port "
                + target.inspectorPort() + ")");
        return new InspectorAccess(endpoint, node.pid());
    }

    /** Closes a tunnel this process opened; one of a crashed run died with its process. */
    void close(UndoRecord record) {
        PortForwarder.Tunnel tunnel = open.remove(record.params().get("tunnel"));
        if (tunnel != null) {
            tunnel.close();
        }
    }

    @Override
    public void close() {
        open.values().forEach(PortForwarder.Tunnel::close);
        open.clear();
    }
}
