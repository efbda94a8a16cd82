package dev.leakdetector.orchestrator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.TrafficHooks;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Docker drain methods and their undos. Each drain registers its undo (restoring traffic)
 * before it changes anything, and can run again after its undo: the workflow drains around each
 * snapshot and gives traffic back in between.
 *
 * <ul>
 *   <li>{@code file} (the default): creates the maintenance file in the target through exec. The
 *       agent (or an app's own check) then refuses new requests with 503 and fails readiness. It
 *       needs no port, token or network path, and its undo is one file deletion that is safe to
 *       repeat, which is why it is the default.</li>
 *   <li>{@code agent}: POST /maintenance on the agent's control channel, 127.0.0.1 inside the
 *       container, through exec; the agent answers once in-flight requests finished.</li>
 *   <li>{@code http-hook}, {@code command}: the user's load balancer is told, with the target's
 *       and the replacement's published host ports.</li>
 *   <li>{@code none}: a warning; the target keeps its traffic.</li>
 * </ul>
 */
final class DockerDrains {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContainerExec exec;
    private final UndoStack.Executor undoer;

    /** @param undoer the platform's undo dispatcher, registered with each undo */
    DockerDrains(ContainerExec exec, UndoStack.Executor undoer) {
        this.exec = exec;
        this.undoer = undoer;
    }

    /** The marker written into a maintenance file we create: tells ours from an operator's. */
    static String marker(String runId) {
        return "leak-detector " + runId;
    }

    void drain(DrainMethod method, TargetContainer target, Replacement replacement, RunRequest request,
               RunContext context) throws OrchestrationException {
        switch (method) {
            case FILE -> drainFile(target, context);
            case AGENT -> drainAgent(target, request.drainGracePeriod(), context);
            case HTTP_HOOK, COMMAND -> {
                Map<String, String> values = TrafficHooks.values("drain", target.id(), "127.0.0.1", target.hostPort(),
                        replacement.id(), "127.0.0.1", Integer.parseInt(replacement.facts().getOrDefault("hostPort", "-1")));
                context.undo().register(DockerUndo.hookRestore(values, request.trafficHook(), request.trafficHookBody(),
                        method.id()), undoer);
                if (method == DrainMethod.HTTP_HOOK) {
                    TrafficHooks.http(request.trafficHook(), request.trafficHookBody(), values);
                } else {
                    TrafficHooks.command(request.trafficHook(), values);
                }
            }
            case NONE -> context.warn().accept("--drain-method none: " + target.displayName() + " keeps its traffic while"
                    + " it is snapshotted; its requests stall during each snapshot");
            default -> throw new OrchestrationException("--drain-method " + method.id() + " is not available on Docker");
        }
    }

    private void drainFile(TargetContainer target, RunContext context) throws OrchestrationException {
        String file = target.maintenanceFile();
        String marker = marker(context.runId());
        context.undo().register(DockerUndo.removeMaintenanceFile(target.id(), target.name(), file, marker,
                target.tools()), undoer);
        ContainerExec.Result result = exec.run(target.id(), target.tools().createMarkedFile(file, marker),
                Duration.ofSeconds(30));
        if (!result.ok()) {
            throw new OrchestrationException("cannot create " + file + " in " + target.displayName() + " (exit "
                    + result.exitCode() + ": " + result.lastLine() + ")");
        }
        if (result.out().contains("exists")) {
            context.warn().accept(file + " already exists in " + target.displayName() + " (someone else's maintenance?);"
                    + " it is left as it is");
        } else {
            context.log().accept("created " + file + " in " + target.displayName());
        }
    }

    private void drainAgent(TargetContainer target, Duration grace, RunContext context) throws OrchestrationException {
        context.undo().register(DockerUndo.agentMaintenanceOff(target.id(), target.name(), target.tools()), undoer);
        String body = "{\"enabled\":true,\"drainTimeoutMs\":" + grace.toMillis() + "}";
        JsonNode answer = agent(target.id(), target.tools(), "/maintenance", body,
                (int) Math.min(600, grace.toSeconds() + 30));
        context.log().accept("agent in " + target.displayName() + ": maintenance " + answer.path("maintenance").asBoolean()
                + ", in flight " + answer.path("inFlight").asInt() + ", drained " + answer.path("drained").asText());
        if (!answer.path("drained").asBoolean(true)) {
            context.warn().accept(answer.path("inFlight").asInt() + " request(s) were still running in "
                    + target.displayName() + " after the drain grace period");
        }
    }

    /** The agent's answer to one control request, or a failure that says what to check. */
    JsonNode agent(String containerId, ContainerTools tools, String path, String body, int timeoutSeconds)
            throws OrchestrationException {
        ContainerExec.Result result = exec.run(containerId, tools.agentCall(path, body, timeoutSeconds),
                Duration.ofSeconds(timeoutSeconds + 15L));
        if (!result.ok()) {
            String last = result.lastLine().isEmpty() ? "exit " + result.exitCode()
                    : result.lastLine() + " (exit " + result.exitCode() + ")";
            String hint = last.contains("401") ? " (the agent wants a token: set LEAK_DETECTOR_AGENT_TOKEN in the"
                    + " container's environment, where leak-detector reads it)"
                    : " (is leak-detector-agent loaded by the service, with its control port on 127.0.0.1:"
                    + "${LEAK_DETECTOR_AGENT_PORT:-9339}?)";
            throw new OrchestrationException("the agent in container " + ContainerExec.shortId(containerId)
                    + " did not answer " + path + ": " + last + hint);
        }
        try {
            return JSON.readTree(result.out().isBlank() ? "{}" : result.out());
        } catch (IOException e) {
            throw new OrchestrationException("the agent in container " + ContainerExec.shortId(containerId)
                    + " gave an unreadable answer: " + result.out().strip(), e);
        }
    }

    /** Executes one of the drain undos; false when the kind is not a drain's. */
    boolean undo(UndoRecord record) throws OrchestrationException {
        Map<String, String> p = record.params();
        switch (record.kind()) {
            case DockerUndo.REMOVE_MAINTENANCE_FILE -> {
                ContainerTools tools = ContainerTools.fromParams(p);
                try {
                    ContainerExec.Result result = exec.run(p.get("containerId"), tools.markedFile(p.get("file"),
                            p.get("marker"), true), Duration.ofSeconds(30));
                    if (!result.ok()) {
                        throw new OrchestrationException("cannot remove " + p.get("file") + " (exit " + result.exitCode()
                                + ": " + result.lastLine() + ")");
                    }
                } catch (ContainerUnavailableException e) {
                    if (!e.removed()) {
                        // A stopped container keeps its files: it would come back in maintenance.
                        throw new OrchestrationException(e.getMessage() + "; " + p.get("file") + " stays in it until"
                                + " it runs again and leak-detector cleanup removes it", e);
                    }
                }
                return true;
            }
            case DockerUndo.AGENT_MAINTENANCE_OFF -> {
                try {
                    agent(p.get("containerId"), ContainerTools.fromParams(p), "/maintenance", "{\"enabled\":false}", 30);
                } catch (ContainerUnavailableException e) {
                    // The agent's maintenance state lived in the process, and the process is gone.
                }
                return true;
            }
            case DockerUndo.HOOK_RESTORE -> {
                Map<String, String> values = new HashMap<>(p);
                values.put("action", "restore");
                if (p.get("method").equals(DrainMethod.HTTP_HOOK.id())) {
                    TrafficHooks.http(p.get("hook"), p.get("body").isEmpty() ? null : p.get("body"), values);
                } else {
                    TrafficHooks.command(p.get("hook"), values);
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
