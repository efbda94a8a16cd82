package dev.leakdetector.cli;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.SnapshotSummary;
import dev.leakdetector.report.SummaryJsonWriter;
import dev.leakdetector.report.SummaryTextWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code leak-detector summary FILE}: totals and the classes ranked by retained size. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Loads one heap snapshot (.heapsnapshot or .heapsnapshot.gz) and prints its totals and " +
                "its classes ranked by retained size, computed as Chrome DevTools' Memory panel does."})
final class SummaryCommand implements Callable<Integer> {

    enum Format { text, json }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The heap snapshot.")
    private Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (a table of the top classes) or json (every class). Default: ${DEFAULT-VALUE}.")
    private Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this file instead of stdout.")
    private Path output;

    @Option(names = "--top", paramLabel = "N", defaultValue = "25",
            description = "Classes shown in the text table. Default: ${DEFAULT-VALUE}.")
    private int top;

    @Option(names = "--threads", paramLabel = "N", description = "Parser threads. Default: all cores.")
    private Integer threads;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true",
            description = "Show a progress bar on a terminal (default), or not.")
    private boolean progress;

    @Option(names = "--timings", description = "Print the time of each loading step to stderr.")
    private boolean timings;

    private final Environment environment;

    SummaryCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1 || top < 0) {
            throw new UserException(ExitCode.USAGE, "--threads must be at least 1 and --top at least 0");
        }
        HeapSnapshot snapshot;
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, progress);
        try {
            HeapSnapshotParser.Options options = new HeapSnapshotParser.Options(threadCount, listener, true);
            snapshot = new HeapSnapshotLoader(options).load(file);
        } finally {
            if (listener instanceof ProgressBar bar) {
                bar.close();
            }
        }
        if (timings || environment.debug()) {
            snapshot.stepMillis().forEach((step, ms) -> err.printf("leak-detector: %-22s %6d ms%n", step, ms));
        }
        SnapshotSummary summary = SnapshotSummary.of(snapshot);
        try (Output out = Output.open(output, spec.commandLine().getOut())) {
            if (format == Format.json) {
                new SummaryJsonWriter().write(summary, out.stream());
            } else {
                new SummaryTextWriter().write(summary, top, out.writer());
            }
        }
        return ExitCode.OK;
    }
}
