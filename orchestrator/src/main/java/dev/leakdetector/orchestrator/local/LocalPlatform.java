package dev.leakdetector.orchestrator.local;

import dev.leakdetector.capture.CaptureException;
import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.capture.InspectorOpener;
import dev.leakdetector.capture.LocalProcess;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.InspectorAccess;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Platform;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;
import dev.leakdetector.orchestrator.workflow.TrafficHooks;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Processes on this machine: the embedded default. The target is a pid, or a command the
 * platform starts behind its own reverse proxy ({@link ManagedService}). The replacement is the
 * same command, environment and working directory with {@code PORT} set to another port; with the
 * proxy, the drain is a real switch of traffic.
 *
 * <p>The replacement carries {@code LEAK_DETECTOR_RUN_ID} and {@code LEAK_DETECTOR_ROLE=replacement}
 * in its environment, which is how {@code cleanup} finds it after a crash. It also gets its own
 * maintenance file and no agent control port, so that draining the target never drains it.
 */
public final class LocalPlatform implements Platform {
    public static final String NAME = "local";
    private static final String RUN_ID_ENV = "LEAK_DETECTOR_RUN_ID";
    private static final String ROLE_ENV = "LEAK_DETECTOR_ROLE";

    private final ManagedService managed;
    private final Map<String, Process> replacements = new HashMap<>();

    /** @param managed the service this platform started with {@code --command}, or null for a pid target */
    public LocalPlatform(ManagedService managed) {
        this.managed = managed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Target discover(RunRequest request) throws OrchestrationException {
        long pid;
        if (managed != null) {
            pid = managed.pid();
        } else {
            try {
                pid = Long.parseLong(request.targetId().trim());
            } catch (NumberFormatException e) {
                throw new TargetNotFoundException("--container-id '" + request.targetId()
                        + "' is not a pid; the local platform takes a process id (or --command to start one)");
            }
        }
        LocalProcess process = LocalProcess.of(pid)
                .orElseThrow(() -> new TargetNotFoundException("no process with pid " + request.targetId()));
        if (!process.isNode()) {
            throw new TargetNotFoundException("pid " + pid + " is not a Node.js process (" + process.commandLine() + ")");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("pid", Long.toString(pid));
        facts.put("commandLine", process.commandLine());
        facts.put("managed", Boolean.toString(managed != null));
        int port = managed != null ? managed.servicePort() : portOf(process);
        facts.put("port", Integer.toString(port));
        return new Target(Long.toString(pid), "pid " + pid, process.commandLine(), facts);
    }

    @Override
    public void preflight(Target target, RunRequest request) throws OrchestrationException {
        long pid = Long.parseLong(target.id());
        LocalProcess process = LocalProcess.of(pid)
                .orElseThrow(() -> new TargetNotFoundException("pid " + pid + " exited"));
        if (process.arguments().isEmpty() || workingDirectory(pid) == null) {
            throw new OrchestrationException("cannot read pid " + pid + "'s command line and working directory"
                    + " (another user's process? run leak-detector as its owner)");
        }
        DrainMethod method = drainMethod(request);
        if (method == DrainMethod.PROXY && managed == null) {
            throw new OrchestrationException("--drain-method proxy needs the embedded proxy, which exists only when"
                    + " leak-detector starts the service (--command); use agent, file, http-hook, command or none");
        }
        if ((method == DrainMethod.HTTP_HOOK || method == DrainMethod.COMMAND) && request.trafficHook() == null) {
            throw new OrchestrationException("--drain-method " + method.id() + " needs --traffic-hook");
        }
        if (method == DrainMethod.READINESS_GATE || method == DrainMethod.RELABEL) {
            throw new OrchestrationException("--drain-method " + method.id() + " is for Kubernetes only");
        }
        if (Integer.parseInt(target.facts().get("port")) <= 0) {
            throw new OrchestrationException("cannot tell which port pid " + pid + " serves on; the replacement needs"
                    + " the service to read its port from PORT");
        }
    }

    @Override
    public InspectorAccess openInspector(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        long pid = Long.parseLong(target.id());
        try {
            InspectorEndpoint endpoint = InspectorOpener.create().open(pid);
            context.log().accept("inspector of pid " + pid + " at " + endpoint);
            return new InspectorAccess(endpoint, pid);
        } catch (dev.leakdetector.capture.TargetNotFoundException e) {
            throw new TargetNotFoundException(e.getMessage());
        } catch (CaptureException e) {
            throw new OrchestrationException(e.getMessage(), e);
        }
    }

    @Override
    public Replacement startReplacement(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        long pid = Long.parseLong(target.id());
        LocalProcess process = LocalProcess.of(pid).orElseThrow(() -> new TargetNotFoundException("pid " + pid + " exited"));
        int port = ManagedService.freePort();
        ProcessBuilder builder = new ProcessBuilder(process.arguments()).directory(workingDirectory(pid).toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(pid));
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put(RUN_ID_ENV, context.runId());
        builder.environment().put(ROLE_ENV, "replacement");
        builder.environment().put("LEAK_DETECTOR_AGENT_PORT", "0");
        builder.environment().put("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE", "/tmp/maintenance-" + context.runId());
        Path log = context.directory().resolve("replacement.log");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process replacement;
        try {
            replacement = builder.start();
        } catch (IOException e) {
            throw new OrchestrationException("cannot start the replacement: " + e.getMessage(), e);
        }
        replacements.put(Long.toString(replacement.pid()), replacement);
        context.undo().register(new UndoRecord(NAME, "local.remove-replacement", Map.of("pid",
                Long.toString(replacement.pid()), "runId", context.runId()),
                "stop the replacement (pid " + replacement.pid() + ")", false), this::undo);
        context.log().accept("replacement pid " + replacement.pid() + " on port " + port + " (log: " + log + ")");
        ManagedService.awaitListening(replacement, port, Duration.ofSeconds(60), log);
        return new Replacement(Long.toString(replacement.pid()), "pid " + replacement.pid(),
                Map.of("port", Integer.toString(port), "pid", Long.toString(replacement.pid())));
    }

    @Override
    public void drain(Target target, Replacement replacement, RunRequest request, RunContext context)
            throws OrchestrationException {
        int targetPort = Integer.parseInt(target.facts().get("port"));
        int replacementPort = Integer.parseInt(replacement.facts().get("port"));
        DrainMethod method = drainMethod(request);
        switch (method) {
            case PROXY -> {
                ReverseProxy proxy = managed.proxy();
                context.undo().register(new UndoRecord(NAME, "local.proxy-restore", Map.of("port",
                        Integer.toString(targetPort), "replacementPort", Integer.toString(replacementPort)),
                        "send traffic back to the target (port " + targetPort + ")", true), this::undo);
                proxy.switchTo(replacementPort);
                context.log().accept("proxy on port " + proxy.port() + " now sends new requests to the replacement");
                try {
                    if (!proxy.awaitIdle(targetPort, request.drainGracePeriod())) {
                        context.warn().accept(proxy.inFlight(targetPort) + " requests to the target were still running"
                                + " after the grace period");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OrchestrationException("interrupted during the drain");
                }
            }
            case FILE -> {
                Path file = Paths.get(envOr(Long.parseLong(target.id()), "LEAK_DETECTOR_AGENT_MAINTENANCE_FILE",
                        "/tmp/maintenance"));
                try {
                    if (!Files.exists(file)) {
                        context.undo().register(new UndoRecord(NAME, "local.remove-file", Map.of("path", file.toString()),
                                "remove " + file, true), this::undo);
                        Files.createFile(file);
                    }
                } catch (IOException e) {
                    throw new OrchestrationException("cannot create " + file + ": " + e.getMessage(), e);
                }
            }
            case AGENT -> {
                long pid = Long.parseLong(target.id());
                String port = envOr(pid, "LEAK_DETECTOR_AGENT_PORT", "9339");
                String token = envOr(pid, "LEAK_DETECTOR_AGENT_TOKEN", "");
                Map<String, String> params = Map.of("port", port, "token", token);
                context.undo().register(new UndoRecord(NAME, "local.agent-maintenance-off", params,
                        "leave maintenance mode (agent on port " + port + ")", true), this::undo);
                agentMaintenance(port, token, true, request.drainGracePeriod());
            }
            case HTTP_HOOK, COMMAND -> {
                Map<String, String> values = TrafficHooks.values("drain", target.id(), "127.0.0.1", targetPort,
                        replacement.id(), "127.0.0.1", replacementPort);
                Map<String, String> params = new HashMap<>(values);
                params.put("hook", request.trafficHook());
                params.put("body", request.trafficHookBody() == null ? "" : request.trafficHookBody());
                params.put("method", method.id());
                context.undo().register(new UndoRecord(NAME, "hook.restore", params, "traffic hook: restore", true),
                        this::undo);
                if (method == DrainMethod.HTTP_HOOK) {
                    TrafficHooks.http(request.trafficHook(), request.trafficHookBody(), values);
                } else {
                    TrafficHooks.command(request.trafficHook(), values);
                }
            }
            case NONE -> context.warn().accept("--drain-method none: the target keeps its traffic while it is"
                    + " snapshotted; requests will stall during each snapshot");
            default -> throw new OrchestrationException("--drain-method " + method.id() + " is not available locally");
        }
    }

    private DrainMethod drainMethod(RunRequest request) {
        if (request.drainMethod() != null) {
            return request.drainMethod();
        }
        return managed != null ? DrainMethod.PROXY : DrainMethod.NONE;
    }

    @Override
    public void undo(UndoRecord record) throws Exception {
        Map<String, String> p = record.params();
        switch (record.kind()) {
            case "local.remove-replacement" -> {
                Process process = replacements.remove(p.get("pid"));
                if (process != null) {
                    ManagedService.stop(process);
                } else {
                    // A crashed run's replacement: stop it only if it really is ours.
                    long pid = Long.parseLong(p.get("pid"));
                    if (p.get("runId").equals(envOr(pid, RUN_ID_ENV, ""))) {
                        ProcessHandle.of(pid).ifPresent(ManagedService::stop);
                    }
                }
            }
            case "local.proxy-restore" -> {
                if (managed != null && managed.alive()) {
                    managed.proxy().switchTo(Integer.parseInt(p.get("port")));
                    // Requests still running on the replacement finish before anything stops it.
                    managed.proxy().awaitIdle(Integer.parseInt(p.get("replacementPort")), Duration.ofSeconds(60));
                }
            }
            case "local.remove-file" -> Files.deleteIfExists(Paths.get(p.get("path")));
            case "local.agent-maintenance-off" -> agentMaintenance(p.get("port"), p.get("token"), false, Duration.ZERO);
            case "hook.restore" -> {
                Map<String, String> values = new HashMap<>(p);
                values.put("action", "restore");
                if (p.get("method").equals(DrainMethod.HTTP_HOOK.id())) {
                    TrafficHooks.http(p.get("hook"), p.get("body").isEmpty() ? null : p.get("body"), values);
                } else {
                    TrafficHooks.command(p.get("hook"), values);
                }
            }
            default -> throw new IllegalArgumentException("unknown local undo " + record.kind());
        }
    }

    @Override
    public List<UndoRecord> leftovers(String runId) {
        List<UndoRecord> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                String owner = envOr(pid, RUN_ID_ENV, "");
                if (!owner.isEmpty() && "replacement".equals(envOr(pid, ROLE_ENV, ""))
                        && (runId == null || runId.equals(owner))) {
                    result.add(new UndoRecord(NAME, "local.remove-replacement", Map.of("pid", Long.toString(pid),
                            "runId", owner), "stop the replacement (pid " + pid + ") of run " + owner, false));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return result;
        }
        return result;
    }

    private static void agentMaintenance(String port, String token, boolean enabled, Duration drain)
            throws OrchestrationException {
        String body = "{\"enabled\":" + enabled + (enabled ? ",\"drainTimeoutMs\":" + drain.toMillis() : "") + "}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maintenance"))
                .timeout(Duration.ofSeconds(30).plus(drain)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new OrchestrationException("the agent on port " + port + " answered HTTP " + response.statusCode()
                        + ": " + response.body());
            }
        } catch (IOException e) {
            throw new OrchestrationException("the agent on 127.0.0.1:" + port + " does not answer (is leak-detector-agent"
                    + " installed in the service?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted");
        }
    }

    /** The port a process serves on: its PORT variable, else its only loopback or wildcard listener. */
    private static int portOf(LocalProcess process) {
        String port = process.environment("PORT");
        if (!port.isEmpty()) {
            try {
                return Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        List<Integer> ports = process.loopbackListeningPorts();
        return ports.size() == 1 ? ports.get(0) : -1;
    }

    private static Path workingDirectory(long pid) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "cwd"));
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, String> environment(long pid) throws OrchestrationException {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "environ"));
            Map<String, String> env = new LinkedHashMap<>();
            for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return env;
        } catch (IOException e) {
            throw new OrchestrationException("cannot read pid " + pid + "'s environment: " + e.getMessage(), e);
        }
    }

    private static String envOr(long pid, String name, String fallback) {
        String value = LocalProcess.of(pid).map(p -> p.environment(name)).orElse("");
        return value.isEmpty() ? fallback : value;
    }

    @Override
    public void close() {
        for (Process process : replacements.values()) {
            ManagedService.stop(process);
        }
        replacements.clear();
    }
}
