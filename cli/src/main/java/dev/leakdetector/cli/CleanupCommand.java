package dev.leakdetector.cli;

import dev.leakdetector.orchestrator.workflow.Cleanup;
import dev.leakdetector.orchestrator.workflow.Platform;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code leak-detector cleanup [--run-id ID | --all]}: repairs what an interrupted run left behind. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Restores traffic and removes replacements that an interrupted run (for example one killed " +
                "with SIGKILL) left behind, from the run's journal and by the labels every created object carries."})
final class CleanupCommand implements Callable<Integer> {

    static final class Which {
        @Option(names = "--run-id", paramLabel = "ID", description = "One run (its id is printed at start and in the journal).")
        String runId;

        @Option(names = "--all", description = "Every run found in --output-dir and by label.")
        boolean all;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Which which;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "/tmp/leak-reports",
            description = "Where runs keep their journals. Default: ${DEFAULT-VALUE}.")
    private Path outputDir;

    private final Environment environment;

    CleanupCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Platform> platforms = Platforms.all(environment);
        try {
            Cleanup.Result result = new Cleanup(platforms, Clock.systemUTC(), line -> {
                out.println(line);
                out.flush();
            }).run(which.all ? null : which.runId, outputDir);
            if (result.done().isEmpty() && result.failed().isEmpty()) {
                out.println("Nothing to clean up" + (which.all ? "." : " for run " + which.runId + "."));
            }
            result.failed().forEach(f -> spec.commandLine().getErr().println("leak-detector: cleanup failed: " + f));
            out.printf("%d change(s) undone, %d failed.%n", result.done().size(), result.failed().size());
            return result.failed().isEmpty() ? ExitCode.OK : ExitCode.ENVIRONMENT;
        } finally {
            platforms.forEach(Platform::close);
        }
    }
}
