package dev.leakdetector.cli;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.analysis.Severity;
import dev.leakdetector.analysis.Suppressions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options that decide what counts as a leak; shared by {@code analyze} and {@code run}. */
final class AnalysisMixin {

    @Option(names = {"--threshold", "--analysis-threshold"}, paramLabel = "SIZE", defaultValue = "10MB",
            description = "Growth that makes a class an offender by itself, e.g. 10MB, 512KB or bytes."
                    + " Default: ${DEFAULT-VALUE}.")
    private String threshold;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "medium",
            description = "Lowest severity that counts as a leak (exit code 1, failing JUnit test):"
                    + " low, medium, high or critical. Default: ${DEFAULT-VALUE}.")
    private String failOn;

    @Option(names = "--severity-thresholds", paramLabel = "MB:RATE,MB:RATE,MB:RATE",
            description = "Critical, high and medium thresholds as growth in MB and growth rate."
                    + " Default: 100:10,50:5,10:2 (the seed's rules).")
    private String severityThresholds;

    @Option(names = "--suppress", paramLabel = "FILE",
            description = "JSON file of known, accepted growth (see docs/analysis.md).")
    private Path suppress;

    @Option(names = "--include-values",
            description = "Allow data-like property names from the heap in reports (off by default: snapshots hold secrets).")
    private boolean includeValues;

    AnalysisOptions options() throws IOException {
        AnalysisOptions options = AnalysisOptions.defaults();
        try {
            options = options.withAbsoluteThreshold(Suppressions.parseSize(threshold, "--threshold"));
            options = options.withFailOn(Severity.parse(failOn));
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage().startsWith("No enum")
                    ? "--fail-on must be low, medium, high or critical, not '" + failOn + "'" : e.getMessage());
        }
        if (severityThresholds != null) {
            options = options.withSeverity(parseSeverity(severityThresholds));
        }
        if (suppress != null) {
            try {
                options = options.withSuppressions(Suppressions.read(suppress));
            } catch (IllegalArgumentException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }
        return options.withIncludeValues(includeValues);
    }

    private static Severity.Thresholds parseSeverity(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            double[] mb = new double[3];
            double[] rate = new double[3];
            for (int i = 0; i < 3; i++) {
                String[] pair = parts[i].trim().split(":");
                mb[i] = Double.parseDouble(pair[0]);
                rate[i] = Double.parseDouble(pair[1]);
            }
            return new Severity.Thresholds(mb[0], rate[0], mb[1], rate[1], mb[2], rate[2]);
        } catch (RuntimeException e) {
            throw new UserException(ExitCode.USAGE, "--severity-thresholds must look like 100:10,50:5,10:2"
                    + " (critical, high, medium as MB:rate), not '" + text + "'");
        }
    }
}
