package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.capture.InspectorHttp;
import dev.leakdetector.orchestrator.dumps.SignalPlan;
import dev.leakdetector.orchestrator.dumps.SignalSnapshots;
import dev.leakdetector.orchestrator.workflow.InspectorAccess;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Platform;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.SnapshotSource;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pods in a Kubernetes cluster, through the API server only (kubeconfig or in-cluster service
 * account). The target is a pod, by name or by label selector; the replacement is one more replica
 * of its Deployment (or ReplicaSet), or a copy of a bare pod; the drain is a readiness gate, a
 * removed label, or the app's maintenance mode, and always ends when the pod has left its
 * Services' endpoints; the inspector is opened with SIGUSR1 through exec and reached through a
 * port-forward, or, for a service that cannot open it but was started with
 * {@code --heapsnapshot-signal}, each snapshot is taken by that signal and copied out by exec
 * ({@link SignalDumps}). docs/kubernetes.md explains the choices; deploy/k8s/ has the RBAC they need.
 */
public final class KubernetesPlatform implements Platform {
    public static final String NAME = "k8s";

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String defaultNamespace;
    private final PodDiscovery discovery;
    private final Preflight preflight;
    private final InspectorTunnels inspectors;
    private final ScaledReplacement scaled;
    private final PodCopy copies;
    private final Drainer drainer;
    private final Leftovers leftovers;
    private final SignalDumps signals;
    private final List<String> preflightNotes = new ArrayList<>();
    /** The signal method's plans that pre-flight settled, by pod; a pod without one uses the inspector. */
    private final Map<String, SignalPlan> signalPlans = new ConcurrentHashMap<>();

    /**
     * @param client           stays the caller's: {@link #close()} does not close it
     * @param defaultNamespace the namespace when the request names none (the kubeconfig context's,
     *                         or the service account's)
     */
    public KubernetesPlatform(KubernetesClient client, String defaultNamespace, PodExec exec, PortForwarder forwarder,
                              K8sSettings settings, Clock clock) {
        this(client, false, defaultNamespace, exec, forwarder, settings, clock);
    }

    private KubernetesPlatform(KubernetesClient client, boolean ownsClient, String defaultNamespace, PodExec exec,
                               PortForwarder forwarder, K8sSettings settings, Clock clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.defaultNamespace = defaultNamespace == null || defaultNamespace.isEmpty() ? "default" : defaultNamespace;
        Waits waits = new Waits(settings.poll());
        NodeProcesses processes = new NodeProcesses(exec, settings.exec());
        ContainerFiles files = new ContainerFiles(exec, settings.exec());
        this.discovery = new PodDiscovery(client);
        this.signals = new SignalDumps(client, exec, processes, files, settings);
        this.preflight = new Preflight(client, new AccessReview(client), processes, signals);
        this.inspectors = new InspectorTunnels(forwarder, processes, InspectorHttp.create(), waits, settings);
        this.scaled = new ScaledReplacement(client, waits, settings);
        this.copies = new PodCopy(client, waits, settings);
        this.drainer = new Drainer(client, new ServiceEndpoints(client, waits), files, new AgentSwitch(forwarder, files),
                waits, settings, clock);
        this.leftovers = new Leftovers(client, this.defaultNamespace);
    }

    /**
     * Connects as kubectl would: the first file of {@code KUBECONFIG}, else ~/.kube/config (with
     * {@code context}, or its current one), else the in-cluster service account. Nothing is
     * contacted yet.
     *
     * @param environment the process environment (KUBECONFIG, HOME, LEAK_DETECTOR_SNAPSHOT_APPEAR_SECONDS),
     *                    passed in rather than read
     * @throws OrchestrationException when the context does not exist or there is no configuration
     */
    public static KubernetesPlatform connect(String context, Map<String, String> environment)
            throws OrchestrationException {
        Path kubeconfig = kubeconfig(environment);
        Config config;
        if (kubeconfig != null) {
            config = Config.fromKubeconfig(context, kubeconfig.toFile());
            String current = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
            if (context != null && !context.equals(current)) {
                throw new OrchestrationException("context " + context + " not found in " + kubeconfig);
            }
        } else if (inCluster(environment)) {
            config = Config.autoConfigure(context);
        } else {
            throw new OrchestrationException("no Kubernetes configuration: set KUBECONFIG, create ~/.kube/config, or run"
                    + " inside a pod with a service account");
        }
        K8sSettings settings = K8sSettings.defaults().withDumps(SignalSnapshots.Timeouts.from(environment));
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubernetesPlatform(client, true, config.getNamespace(), new FabricPodExec(client),
                new FabricPortForwarder(client), settings, Clock.systemUTC());
    }

    /** True when {@link #connect} has a configuration to use. */
    public static boolean configured(Map<String, String> environment) {
        return kubeconfig(environment) != null || inCluster(environment);
    }

    private static Path kubeconfig(Map<String, String> environment) {
        String list = environment.get("KUBECONFIG");
        if (list != null && !list.isBlank()) {
            for (String file : list.split(":")) {
                if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
                    return Path.of(file);
                }
            }
            return null;
        }
        String home = environment.get("HOME");
        Path file = home == null ? null : Path.of(home, ".kube", "config");
        return file != null && Files.isRegularFile(file) ? file : null;
    }

    private static boolean inCluster(Map<String, String> environment) {
        return environment.containsKey("KUBERNETES_SERVICE_HOST")
                && Files.isRegularFile(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Target discover(RunRequest request) throws OrchestrationException {
        String namespace = request.namespace() == null ? defaultNamespace : request.namespace();
        return discovery.discover(namespace, request.targetId(), request.container()).toTarget();
    }

    @Override
    public void preflight(Target target, RunRequest request) throws OrchestrationException {
        PodTarget pod = PodTarget.from(target);
        SignalPlan plan = preflight.check(pod, request, preflightNotes::add);
        if (plan == null) {
            signalPlans.remove(key(pod));
        } else {
            signalPlans.put(key(pod), plan);
        }
    }

    /** The {@code --heapsnapshot-signal} method when pre-flight chose it for this pod, else null (the inspector). */
    @Override
    public SnapshotSource openSnapshots(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        showPreflightNotes(context);
        PodTarget pod = PodTarget.from(target);
        SignalPlan plan = signalPlans.get(key(pod));
        if (plan == null) {
            return null;
        }
        context.log().accept("snapshots by " + plan.signal() + " to pid " + plan.target().pid() + " in "
                + plan.target().displayName() + " (--heapsnapshot-signal; " + SignalDumps.reason(plan)
                + "), copied out by exec through the API server");
        if (request.gc()) {
            context.log().accept("--gc has no effect here: V8 collects garbage as part of every snapshot anyway");
        }
        return signals.open(pod, plan, context, this::undo, request.force());
    }

    @Override
    public InspectorAccess openInspector(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        showPreflightNotes(context);
        return inspectors.open(PodTarget.from(target), context, this::undo);
    }

    /** Pre-flight has no channel for warnings of its own; they are shown with the first step that has one. */
    private void showPreflightNotes(RunContext context) {
        preflightNotes.forEach(note -> context.warn().accept(note));
        preflightNotes.clear();
    }

    private static String key(PodTarget pod) {
        return pod.namespace() + "/" + pod.pod() + "/" + pod.container();
    }

    @Override
    public Replacement startReplacement(Target target, RunRequest request, RunContext context)
            throws OrchestrationException {
        PodTarget pod = PodTarget.from(target);
        return pod.bare() ? copies.start(pod, request.image(), context, this::undo) : scaled.start(pod, context, this::undo);
    }

    @Override
    public void drain(Target target, Replacement replacement, RunRequest request, RunContext context)
            throws OrchestrationException {
        PodTarget pod = PodTarget.from(target);
        drainer.drain(pod, replacement, DrainPlan.choose(pod, request.drainMethod()), request, context, this::undo);
    }

    @Override
    public void undo(UndoRecord record) throws Exception {
        switch (record.kind()) {
            case UndoRecords.CLOSE_TUNNEL -> inspectors.close(record);
            case UndoRecords.RESTORE_COST -> scaled.restoreCost(record);
            case UndoRecords.SCALE_DOWN -> scaled.scaleDown(record);
            case UndoRecords.DELETE_POD -> copies.delete(record);
            case UndoRecords.UNDRAIN -> drainer.undrain(record);
            case UndoRecords.GATE, UndoRecords.RELABEL, UndoRecords.FILE, UndoRecords.AGENT -> drainer.restore(record);
            case UndoRecords.HOOK -> Drainer.unhook(record);
            case UndoRecords.REMOVE_SNAPSHOT_FILES -> signals.removeFiles(record);
            default -> throw new IllegalArgumentException("unknown Kubernetes undo " + record.kind());
        }
    }

    @Override
    public List<UndoRecord> leftovers(String runId) throws OrchestrationException {
        return leftovers.find(runId);
    }

    @Override
    public void close() {
        inspectors.close();
        if (ownsClient) {
            try {
                client.close();
            } catch (KubernetesClientException e) {
                // Closing a client whose connections broke: nothing is left to release.
            }
        }
    }
}
