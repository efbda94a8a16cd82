package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HealthCheck;
import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.capture.InspectorHttp;
import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.dumps.SignalPlan;
import dev.leakdetector.orchestrator.dumps.SignalSnapshots;
import dev.leakdetector.orchestrator.dumps.SnapshotMethodChoice;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.InspectorAccess;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Platform;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import dev.leakdetector.orchestrator.workflow.SnapshotSource;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Containers on a Docker daemon, through the Engine API ({@code DOCKER_HOST} is honoured). The
 * target is a running container whose main process is Node.js; the replacement is a container
 * with its configuration and the run's labels; the inspector is reached through an exec relay
 * into the container's network namespace, so nothing needs publishing and nothing is written into
 * the container. A service that cannot open its inspector but was started with
 * {@code --heapsnapshot-signal} is snapshotted by that signal instead ({@link SignalSnapshots}).
 * See docs/run.md for what each drain method needs.
 */
public final class DockerPlatform implements Platform {
    public static final String NAME = "docker";
    private static final Duration INSPECTOR_WAIT = Duration.ofSeconds(15);

    private final DockerConnection connection;
    private final Map<String, TargetContainer> targets = new ConcurrentHashMap<>();
    private final Map<String, ExecRelay> relays = new ConcurrentHashMap<>();
    private final AtomicInteger relayCount = new AtomicInteger();
    private final Map<String, SignalPlan> signalPlans = new ConcurrentHashMap<>();
    private final Map<String, String> environment;

    /**
     * @param environment where DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH are read, and
     *                    LEAK_DETECTOR_SNAPSHOT_APPEAR_SECONDS for the signal method
     */
    public DockerPlatform(Map<String, String> environment) {
        this(new DockerConnection(environment), environment);
    }

    public DockerPlatform(DockerConnection connection) {
        this(connection, Map.of());
    }

    private DockerPlatform(DockerConnection connection, Map<String, String> environment) {
        this.connection = connection;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Target discover(RunRequest request) throws OrchestrationException {
        DockerClient docker = connection.client();
        TargetContainer target = new ContainerDiscovery(docker, connection.host()).discover(request.targetId(),
                request.port());
        targets.put(target.id(), target);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("containerId", target.id());
        facts.put("name", target.name());
        facts.put("nodePid", Long.toString(target.process().pid()));
        facts.put("nodeCommand", target.process().commandLine());
        facts.put("inspectPort", Integer.toString(target.flags().inspectPort()));
        facts.put("probePort", Integer.toString(target.probePort()));
        facts.put("hostPort", Integer.toString(target.hostPort()));
        facts.put("networkMode", target.networkMode());
        facts.put("healthCheck", Boolean.toString(target.healthCheck()));
        facts.put("execTools", (target.tools().shell() ? "sh," : "") + String.join(",", target.tools().tools()));
        return new Target(target.id(), target.name() + " (" + target.shortId() + ")", target.image(), facts);
    }

    @Override
    public void preflight(Target target, RunRequest request) throws OrchestrationException {
        TargetContainer container = container(target);
        new ContainerDiscovery(connection.client(), connection.host()).inspect(container.id());
        String mode = container.networkMode();
        if (mode.equals("host") || mode.startsWith("container:")) {
            throw new OrchestrationException(container.displayName() + " uses the network namespace of "
                    + (mode.equals("host") ? "the host" : mode.substring(10)) + ", so a replacement would have to bind"
                    + " the same ports there; leak-detector needs the target on a bridge or user-defined network");
        }
        if (SnapshotMethodChoice.choose(request.snapshotMethod(), container.dumpTarget()) == SnapshotMethod.SIGNAL) {
            signalPlans.put(container.id(), SignalPlan.preflight(dumps(container), container.dumpTarget(),
                    container.tools().dumpCommands(), SignalSnapshots.Timeouts.from(environment)));
        } else {
            signalPlans.remove(container.id());
        }
        DrainMethod method = drainMethod(request);
        switch (method) {
            case PROXY, READINESS_GATE, RELABEL -> throw new OrchestrationException("--drain-method " + method.id()
                    + " is not available on Docker; use file (the default), agent, http-hook, command or none");
            case HTTP_HOOK, COMMAND -> {
                if (request.trafficHook() == null || request.trafficHook().isBlank()) {
                    throw new OrchestrationException("--drain-method " + method.id() + " needs --traffic-hook");
                }
            }
            case AGENT -> new DockerDrains(new ContainerExec(connection.client()), this::undo)
                    .agent(container.id(), container.tools(), "/status", null, 15);
            default -> {
            }
        }
    }

    @Override
    public InspectorAccess openInspector(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        TargetContainer container = container(target);
        DockerClient docker = connection.client();
        long pid = container.process().pid();
        int port = container.flags().inspectPort();
        String relayId = context.runId() + "-" + relayCount.incrementAndGet();
        context.undo().register(DockerUndo.closeRelay(container.id(), container.name(), relayId), this::undo);
        ExecRelay relay = ExecRelay.start(docker, container.id(), container.tools().relay(port), context.log());
        relays.put(relayId, relay);
        InspectorEndpoint endpoint = relay.endpoint();
        context.log().accept("exec relay " + endpoint + " -> 127.0.0.1:" + port + " in " + container.displayName()
                + " (" + container.tools().relay(port).get(0) + ")");
        InspectorHttp http = InspectorHttp.create();
        if (!http.answers(endpoint)) {
            ContainerExec.Result signal = new ContainerExec(docker).run(container.id(),
                    container.tools().signalUsr1(pid), Duration.ofSeconds(30));
            if (!signal.ok()) {
                throw new OrchestrationException("cannot send SIGUSR1 to pid " + pid + " in " + container.displayName()
                        + " (exit " + signal.exitCode() + ": " + signal.lastLine() + ")");
            }
            context.log().accept("sent SIGUSR1 to pid " + pid + " in " + container.displayName());
            long deadline = System.nanoTime() + INSPECTOR_WAIT.toNanos();
            while (!http.answers(endpoint)) {
                if (System.nanoTime() > deadline) {
                    throw new OrchestrationException("the inspector of pid " + pid + " in " + container.displayName()
                            + " did not answer on 127.0.0.1:" + port + " within " + INSPECTOR_WAIT.toSeconds()
                            + " s after SIGUSR1 (is the port taken inside the container? then start Node with"
                            + " --inspect-port=<free port>)");
                }
                sleep(200);
            }
        }
        return new InspectorAccess(endpoint, pid);
    }

    /** The {@code --heapsnapshot-signal} method when pre-flight chose it for this target, else null (the inspector). */
    @Override
    public SnapshotSource openSnapshots(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        TargetContainer container = container(target);
        SignalPlan plan = signalPlans.get(container.id());
        if (plan == null) {
            return null;
        }
        context.log().accept("snapshots by " + plan.signal() + " to pid " + container.process().pid() + " in "
                + container.displayName() + " (--heapsnapshot-signal; " + (SnapshotMethodChoice.inspectorProblem(
                container.dumpTarget()) == null ? "--snapshot-method signal" : "no inspector")
                + "), copied out through the archive API");
        if (request.gc()) {
            context.log().accept("--gc has no effect here: V8 collects garbage as part of every snapshot anyway");
        }
        return new SignalSnapshots(plan, dumps(container), context, this::undo, request.force());
    }

    private DockerDumps dumps(TargetContainer container) throws OrchestrationException {
        return new DockerDumps(connection.client(), container.id(), container.name());
    }

    @Override
    public Replacement startReplacement(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        TargetContainer container = container(target);
        DockerClient docker = connection.client();
        ReplacementLauncher launcher = new ReplacementLauncher(docker);
        String name = ReplacementLauncher.nameFor(container, context.runId());
        context.undo().register(DockerUndo.removeReplacement(name, context.runId()), this::undo);
        Map<String, String> labels = DockerLeftovers.labels(context.runId(), container, drainMethod(request));
        String id = launcher.create(container, name, request.image(), labels, context);
        context.log().accept("replacement container " + name + " (" + ContainerExec.shortId(id) + ") started");
        launcher.awaitReady(id, name, container.probePort(), container.tools(), readyTimeout(docker, id),
                context.warn());
        int hostPort = launcher.hostPort(id, container.probePort());
        if (container.hostPort() > 0) {
            context.warn().accept("the replacement " + name + " publishes port " + container.probePort() + " on host port "
                    + hostPort + ", not on " + container.hostPort() + " like the target (a host port cannot be bound"
                    + " twice); only a load balancer that knows it (--drain-method http-hook or command) or the"
                    + " network aliases it shares send it traffic");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("containerId", id);
        facts.put("name", name);
        facts.put("hostPort", Integer.toString(hostPort));
        return new Replacement(id, name, facts);
    }

    @Override
    public void drain(Target target, Replacement replacement, RunRequest request, RunContext context)
            throws OrchestrationException {
        new DockerDrains(new ContainerExec(connection.client()), this::undo)
                .drain(drainMethod(request), container(target), replacement, request, context);
    }

    @Override
    public void undo(UndoRecord record) throws Exception {
        Map<String, String> p = record.params();
        switch (record.kind()) {
            case DockerUndo.CLOSE_RELAY -> {
                // Only the process that opened a relay has one; a killed detector's relay ended with
                // its connection to the daemon.
                ExecRelay relay = relays.remove(p.get("relay"));
                if (relay != null) {
                    relay.close();
                }
            }
            case DockerUndo.REMOVE_REPLACEMENT -> removeReplacement(p.get("name"), p.get("runId"));
            case DockerUndo.REMOVE_SNAPSHOT_FILES -> removeSnapshotFiles(p);
            default -> {
                DockerClient docker = connection.client();
                if (!new DockerDrains(new ContainerExec(docker), this::undo).undo(record)) {
                    throw new IllegalArgumentException("unknown docker undo " + record.kind());
                }
            }
        }
    }

    private void removeSnapshotFiles(Map<String, String> params) throws OrchestrationException {
        String containerId = params.get("containerId");
        HeapDumpFiles files = HeapDumpFiles.fromParams(new DockerDumps(connection.client(), containerId,
                ContainerExec.shortId(containerId)), params);
        try {
            files.removeAllBut(HeapDumpFiles.existingFromParams(params));
        } catch (ContainerUnavailableException e) {
            if (!e.removed()) {
                // A stopped container keeps its files, and a snapshot can be gigabytes.
                throw new OrchestrationException(e.getMessage() + "; the snapshot stays in " + files.directory()
                        + " until it runs again and leak-detector cleanup removes it", e);
            }
        }
    }

    private void removeReplacement(String name, String runId) throws OrchestrationException {
        DockerClient docker = connection.client();
        InspectContainerResponse container;
        try {
            container = docker.inspectContainerCmd(name).exec();
        } catch (NotFoundException e) {
            return;
        }
        Map<String, String> labels = container.getConfig().getLabels() == null ? Map.of()
                : container.getConfig().getLabels();
        if (!runId.equals(labels.get(RunContext.RUN_ID_LABEL))
                || !RunContext.REPLACEMENT.equals(labels.get(RunContext.ROLE_LABEL))) {
            throw new OrchestrationException("container " + name + " is not the replacement of run " + runId
                    + " (its labels say otherwise); it was left alone");
        }
        try {
            new ReplacementLauncher(docker).remove(container.getId());
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot remove container " + name + ": " + DockerConnection.rootMessage(e), e);
        }
    }

    @Override
    public List<UndoRecord> leftovers(String runId) throws OrchestrationException {
        DockerClient docker = connection.client();
        return new DockerLeftovers(docker, new DockerDrains(new ContainerExec(docker), this::undo)).find(runId);
    }

    /** {@code file} unless asked otherwise: see {@link DockerDrains} for why. */
    static DrainMethod drainMethod(RunRequest request) {
        return request.drainMethod() != null ? request.drainMethod() : DrainMethod.FILE;
    }

    private TargetContainer container(Target target) throws OrchestrationException {
        TargetContainer container = targets.get(target.id());
        if (container == null) {
            throw new OrchestrationException("container " + target.displayName() + " was not discovered by this platform");
        }
        return container;
    }

    /** Long enough for the replacement's own health check to pass (its start period and retries), else two minutes. */
    private static Duration readyTimeout(DockerClient docker, String id) {
        try {
            HealthCheck check = docker.inspectContainerCmd(id).exec().getConfig().getHealthcheck();
            if (ContainerDiscovery.hasHealthCheck(check)) {
                long interval = check.getInterval() == null || check.getInterval() == 0 ? 30_000_000_000L
                        : check.getInterval();
                long start = check.getStartPeriod() == null ? 0 : check.getStartPeriod();
                int retries = check.getRetries() == null || check.getRetries() == 0 ? 3 : check.getRetries();
                return Duration.ofNanos(start + interval * (retries + 1)).plusSeconds(30);
            }
        } catch (RuntimeException e) {
            // The wait itself reports a replacement that vanished.
        }
        return Duration.ofMinutes(2);
    }

    private static void sleep(long millis) throws OrchestrationException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted while waiting for the inspector");
        }
    }

    @Override
    public void close() {
        for (ExecRelay relay : relays.values()) {
            relay.close();
        }
        relays.clear();
        connection.close();
    }
}
