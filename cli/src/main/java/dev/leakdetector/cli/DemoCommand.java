package dev.leakdetector.cli;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.orchestrator.local.LoadGenerator;
import dev.leakdetector.orchestrator.local.ManagedService;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.report.ReportFormat;
import dev.leakdetector.report.TextReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code leak-detector demo}: the README's first command. Starts a bundled leaky Node.js service
 * behind the embedded proxy, puts a steady load on it, and runs the whole {@code run} workflow on
 * the local platform: replacement, drain through the proxy, two live snapshots, restore, cleanup,
 * analysis. Prints the report and the load's count of failed requests (zero).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole workflow on a bundled leaky Node.js service under load, on this machine: " +
                "a real leak, found with zero failed requests. Exit 0 when the demo behaves as expected."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--delay", paramLabel = "MINUTES", defaultValue = "0.25",
            description = "Minutes between the snapshots. Default: ${DEFAULT-VALUE}.")
    private double delayMinutes;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "/tmp/leak-reports",
            description = "Where the run's reports go. Default: ${DEFAULT-VALUE}.")
    private Path outputDir;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200", description = "Requests per second. Default: ${DEFAULT-VALUE}.")
    private int rate;

    @Option(names = "--node", paramLabel = "PATH", defaultValue = "node", description = "Node.js binary.")
    private String node;

    private final Environment environment;

    DemoCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path work = Files.createTempDirectory("leak-detector-demo",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path service = work.resolve("service.js");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/service.js")) {
            if (in == null) {
                throw new UserException(ExitCode.INTERNAL, "the jar lacks demo/service.js; rebuild with bin/build");
            }
            Files.copy(in, service, StandardCopyOption.REPLACE_EXISTING);
        }
        out.println("Starting the demo service (" + service + ") behind leak-detector's proxy, under "
                + rate + " requests/s...");
        out.flush();
        try (ManagedService managed = ManagedService.start(List.of(node, service.toString()), Map.of(), work, 0,
                work.resolve("service.log"), Duration.ofSeconds(30))) {
            LoadGenerator.Stats stats;
            RunWorkflow.Result result;
            try (LoadGenerator load = LoadGenerator.start(managed.proxy().port(), "/api/orders/", rate,
                    Duration.ofMinutes(30))) {
                // Let the service warm up under load before the first snapshot.
                Thread.sleep(2000);
                RunRequest request = new RunRequest(Long.toString(managed.pid()),
                        Duration.ofMillis(Math.round(delayMinutes * 60_000)), outputDir, null, "local", true,
                        DrainMethod.PROXY, Duration.ofSeconds(2), false, null, null, null, null, List.of(),
                        managed.proxy().port(), Map.of(), false, false, AnalysisOptions.defaults());
                result = RunExecution.execute(request, managed, environment, EnumSet.allOf(ReportFormat.class), true, err);
                stats = load.stop();
            }
            new TextReportWriter().write(result.report(), out);
            out.printf("Load through the proxy during the run: %,d requests, %,d failed.%n", stats.sent(), stats.failed());
            stats.failures().forEach(f -> out.println("  failed: " + f));
            out.println("Reports: " + result.directory());
            boolean expected = result.report().summary().leakFound() && stats.failed() == 0;
            out.println(expected ? "The demo found the leak (AuditEntry objects in the auditLog array) with zero"
                    + " failed requests." : "The demo did not behave as expected; see the report above.");
            return expected ? ExitCode.OK : ExitCode.LEAK;
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
