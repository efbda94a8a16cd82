package dev.leakdetector.cli;

import dev.leakdetector.orchestrator.local.ManagedService;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code leak-detector run --container-id X --delay MINUTES}: the whole orchestrated flow with
 * zero downtime: replacement, drain, two snapshots, restore, cleanup, analysis, reports, webhook.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Finds leaks in a live service with zero downtime: starts an identical replacement, drains the " +
                "target, snapshots it twice --delay minutes apart, gives traffic back, removes the replacement, " +
                "analyses and reports. Exit 0: no leak; 1: leak; 2: bad input; 3: environment failure."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--container-id", paramLabel = "ID",
            description = "The target: a container id or name (docker), a pod or a label selector such as app=orders"
                    + " (k8s: the oldest Ready pod it matches), a pid (local).")
    private String containerId;

    @Option(names = "--delay", required = true, paramLabel = "MINUTES",
            description = "Minutes between the two snapshots; fractions allowed (0.5 = 30 s).")
    private double delayMinutes;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "/tmp/leak-reports",
            description = "Reports, snapshots and the journal go to DIR/RUN-ID (0700). Default: ${DEFAULT-VALUE}.")
    private Path outputDir;

    @Option(names = "--replace-strategy", paramLabel = "STRATEGY", defaultValue = "docker",
            description = "local, docker or k8s. Default: ${DEFAULT-VALUE}.")
    private String strategy;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Image for the replacement (default: the target's).")
    private String image;

    @Option(names = "--no-cleanup", description = "Keep the replacement running after the run.")
    private boolean noCleanup;

    @Option(names = "--drain-method", paramLabel = "METHOD",
            description = "proxy (local with --command), file, agent, http-hook, command, readiness-gate, relabel (k8s),"
                    + " none. Default: the platform's (see docs/run.md).")
    private String drainMethod;

    @Option(names = "--drain-grace-period", paramLabel = "DURATION", defaultValue = "30s",
            description = "Wait after the drain for requests in flight, e.g. 30s, 2m, 500ms. Default: ${DEFAULT-VALUE}.")
    private String drainGracePeriod;

    @Option(names = "--drain-whole-delay",
            description = "Keep the target drained from the first snapshot to the second (the seed's flow). By default"
                    + " it is drained only around each snapshot and serves during the delay, so request-driven leaks grow.")
    private boolean drainWholeDelay;

    @Option(names = "--traffic-hook", paramLabel = "URL|SCRIPT",
            description = "http-hook: the load balancer's URL template; command: the script to run (see docs/run.md).")
    private String trafficHook;

    @Option(names = "--traffic-hook-body", paramLabel = "TEMPLATE", description = "http-hook: the body template.")
    private String trafficHookBody;

    @Option(names = "--namespace", paramLabel = "NS", description = "Kubernetes namespace.")
    private String namespace;

    @Option(names = "--container", paramLabel = "NAME", description = "Kubernetes: the container, when the pod has several.")
    private String container;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubernetes: the kubeconfig context.")
    private String kubeContext;

    @Option(names = "--command", paramLabel = "COMMAND", split = " ",
            description = "local: start this service (it must read its port from PORT) behind the embedded proxy.")
    private List<String> command;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "local with --command: the proxy's public port on 127.0.0.1 (0: any free port).")
    private int port;

    @Option(names = "--gc", description = "Collect garbage before each snapshot.")
    private boolean gc;

    @Option(names = "--force", description = "Snapshot even when the memory check says the target could run out.")
    private boolean force;

    @Option(names = "--snapshot-method", paramLabel = "METHOD", defaultValue = "auto",
            description = "auto, inspector or signal. signal (docker, k8s): the target's own --heapsnapshot-signal"
                    + " writes the file inside the container and it is copied out; auto uses it when the inspector"
                    + " cannot be opened. Default: ${DEFAULT-VALUE}.")
    private String snapshotMethod;

    @Mixin
    private AnalysisMixin analysis;

    @Mixin
    private ReportMixin reports;

    private final Environment environment;

    RunCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (delayMinutes <= 0 || delayMinutes > 24 * 60) {
            throw new UserException(ExitCode.USAGE, "--delay must be more than 0 and at most 1440 minutes");
        }
        if ((containerId == null) == (command == null || command.isEmpty())) {
            throw new UserException(ExitCode.USAGE, command == null
                    ? "--container-id is required (or --command with --replace-strategy local)"
                    : "give either --container-id or --command, not both");
        }
        if (command != null && !strategy.equals("local")) {
            throw new UserException(ExitCode.USAGE, "--command works with --replace-strategy local");
        }
        reports.validate(null);
        RunRequest request = new RunRequest(containerId, Duration.ofMillis(Math.round(delayMinutes * 60_000)),
                outputDir, image, strategy, !noCleanup, drainMethod == null ? null : parseDrain(drainMethod),
                parseDuration(drainGracePeriod), drainWholeDelay, trafficHook, trafficHookBody, namespace, container, command, port,
                kubeContext == null ? Map.of() : Map.of("context", kubeContext), gc, force, analysis.options(),
                parseSnapshotMethod(snapshotMethod));
        ManagedService managed = null;
        try {
            if (command != null) {
                Path logs = Files.createTempFile("leak-detector-service", ".log");
                managed = ManagedService.start(command, Map.of(), Paths.get("").toAbsolutePath(), port, logs,
                        Duration.ofSeconds(60));
                out.println("started " + String.join(" ", command) + " (pid " + managed.pid() + ") behind the proxy on"
                        + " 127.0.0.1:" + managed.proxy().port());
            }
            RunWorkflow.Result result = execute(request, managed, out, err);
            return result.report().summary().leakFound() ? ExitCode.LEAK : ExitCode.OK;
        } finally {
            if (managed != null) {
                managed.close();
            }
        }
    }

    private RunWorkflow.Result execute(RunRequest request, ManagedService managed, PrintWriter out, PrintWriter err)
            throws Exception {
        RunWorkflow.Result result = RunExecution.execute(request, managed, environment, reports.formats(),
                reports.progress(), err);
        reports.deliver(result.report(), null, out, err, environment);
        out.println("Reports: " + result.directory());
        return result;
    }

    static String newRunId() {
        byte[] random = new byte[2];
        ThreadLocalRandom.current().nextBytes(random);
        return "ld-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + HexFormat.of().formatHex(random);
    }

    private static DrainMethod parseDrain(String text) {
        try {
            return DrainMethod.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage());
        }
    }

    private static SnapshotMethod parseSnapshotMethod(String text) {
        try {
            return SnapshotMethod.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage());
        }
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new UserException(ExitCode.USAGE, "'" + text + "' is not a duration (examples: 30s, 2m, 500ms)");
        }
    }
}
