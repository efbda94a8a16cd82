package dev.leakdetector.cli;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.analysis.LeakAnalyzer;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.LeakReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code leak-detector analyze --before B --after A [--baseline S]}: the analysis and reports,
 * offline, on snapshots taken earlier.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Compares heap snapshots of one Node.js process and reports what leaks, with the retainer " +
                "paths that hold it. Exit code 0: no leak; 1: a leak at or above --fail-on; 2: bad input; 3: environment."})
final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--before", required = true, paramLabel = "FILE", description = "The earlier snapshot.")
    private Path before;

    @Option(names = "--after", required = true, paramLabel = "FILE", description = "The later snapshot.")
    private Path after;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "An even earlier snapshot of the same process, for the three-snapshot technique.")
    private Path baseline;

    @Option(names = {"-o", "--output", "--output-dir"}, paramLabel = "DIR",
            description = "Write the reports into this directory (created 0700; files 0600).")
    private Path output;

    @Mixin
    private AnalysisMixin analysis;

    @Mixin
    private ReportMixin reports;

    private final Environment environment;

    AnalyzeCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (Path file : baseline == null ? new Path[] {before, after} : new Path[] {baseline, before, after}) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
        }
        AnalysisOptions options = analysis.options();
        reports.validate(output);
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, reports.progress());
        LeakReport report;
        try {
            HeapSnapshotParser.Options parse = new HeapSnapshotParser.Options(
                    Runtime.getRuntime().availableProcessors(), listener, true);
            report = new LeakAnalyzer(options, parse, Clock.systemUTC())
                    .analyze(baseline, before, after, LeakReport.Target.none());
        } finally {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
        }
        reports.deliver(report, output, spec.commandLine().getOut(), err, environment);
        return report.summary().leakFound() ? ExitCode.LEAK : ExitCode.OK;
    }
}
