package dev.leakdetector.cli;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.cli.scenarios.Scenario;
import dev.leakdetector.cli.scenarios.ScenarioRunner;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.TextReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code leak-detector test [--scenario basic|leak|closure|cleanup]}: runs bundled Node.js
 * workloads, captures them live through the inspector, analyses them, and checks each verdict.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs built-in scenarios against real Node.js processes: starts a workload, opens its " +
                "inspector with SIGUSR1, snapshots it twice in one session, analyses, and prints PASS or FAIL. " +
                "Exit code 0 when every scenario gives its expected verdict."})
final class TestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "basic, leak, closure or cleanup (several with commas). Default: all of them.")
    private List<String> scenarios;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "/tmp/leak-reports",
            description = "Snapshots and reports go to DIR/test-SCENARIO. Default: ${DEFAULT-VALUE}.")
    private Path outputDir;

    @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "8",
            description = "Seconds the workload runs between the two snapshots. Default: ${DEFAULT-VALUE}.")
    private int window;

    @Option(names = "--node", paramLabel = "PATH", defaultValue = "node", description = "Node.js binary. Default: node.")
    private String node;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true", description = "Show progress on a terminal.")
    private boolean progress;

    private final Environment environment;

    TestCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Scenario> selected = new ArrayList<>();
        if (scenarios == null || scenarios.isEmpty()) {
            selected.addAll(List.of(Scenario.values()));
        } else {
            for (String name : scenarios) {
                try {
                    selected.add(Scenario.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UserException(ExitCode.USAGE, "unknown scenario '" + name
                            + "' (expected basic, leak, closure or cleanup)");
                }
            }
        }
        if (window < 1 || window > 3600) {
            throw new UserException(ExitCode.USAGE, "--window must be between 1 and 3600 seconds");
        }
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, progress);
        ScenarioRunner runner = new ScenarioRunner(new ScenarioRunner.Settings(outputDir, Duration.ofSeconds(window),
                node, AnalysisOptions.defaults()), out, listener);
        int failed = 0;
        List<ScenarioRunner.Outcome> outcomes = new ArrayList<>();
        try {
            for (Scenario scenario : selected) {
                ScenarioRunner.Outcome outcome = runner.run(scenario);
                outcomes.add(outcome);
                if (selected.size() == 1) {
                    new TextReportWriter().write(outcome.report(), out);
                }
                out.printf("%s %s: %s%n      reports: %s%n", outcome.passed() ? "PASS" : "FAIL", scenario.id(),
                        outcome.explanation(), outcome.reports());
                out.flush();
                if (!outcome.passed()) {
                    failed++;
                }
            }
        } finally {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
        }
        if (selected.size() > 1) {
            out.printf("%d of %d scenarios passed%n", selected.size() - failed, selected.size());
        }
        return failed == 0 ? ExitCode.OK : ExitCode.LEAK;
    }
}
