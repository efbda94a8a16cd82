package dev.leakdetector.cli;

import dev.leakdetector.report.LeakReport;
import dev.leakdetector.report.ReportFiles;
import dev.leakdetector.report.ReportFormat;
import dev.leakdetector.report.TextReportWriter;
import dev.leakdetector.report.WebhookNotifier;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Where reports go: files, stdout, a webhook. Shared by {@code analyze} and {@code run}. */
final class ReportMixin {

    @Option(names = "--format", paramLabel = "FORMATS", defaultValue = "json,text,junit,html", split = ",",
            description = "Reports to write with --output: json, text, junit, html. Default: ${DEFAULT-VALUE}.")
    private List<String> formats;

    @Option(names = "--webhook", paramLabel = "URL", description = "POST the verdict here (https).")
    private String webhook;

    @Option(names = "--allow-insecure-webhook", description = "Allow an http:// webhook (not recommended).")
    private boolean allowInsecureWebhook;

    @Option(names = "--report-url", paramLabel = "URL",
            description = "Link to the published report, sent in the webhook's reportUrl (for example a Jenkins artifact URL).")
    private String reportUrl;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true",
            description = "Show progress on a terminal (default), or not.")
    private boolean progress;

    boolean progress() {
        return progress;
    }

    /** Checks options that would otherwise fail only after a long analysis. */
    void validate(Path output) {
        formats();
        if (webhook != null) {
            try {
                WebhookNotifier.validate(webhookUri(), allowInsecureWebhook);
            } catch (IllegalArgumentException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }
        if (output != null) {
            try {
                ReportFiles.prepareDirectory(output);
            } catch (IOException e) {
                throw new UserException(ExitCode.USAGE, "cannot use output directory " + output.toAbsolutePath()
                        + ": " + ErrorHandler.message(e));
            }
        }
    }

    Set<ReportFormat> formats() {
        Set<ReportFormat> result = new LinkedHashSet<>();
        for (String format : formats) {
            try {
                result.add(ReportFormat.parse(format));
            } catch (IllegalArgumentException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }
        return result;
    }

    /**
     * Writes the files into {@code output} (when not null), prints the text summary, sends the
     * webhook (a failure there is a warning).
     */
    List<Path> deliver(LeakReport report, Path output, PrintWriter out, PrintWriter err, Environment environment)
            throws IOException {
        List<Path> written = new ArrayList<>();
        if (output != null) {
            written = ReportFiles.write(report, output, formats());
        }
        new TextReportWriter().write(report, out);
        if (!written.isEmpty()) {
            out.println("Reports: " + written.get(0).getParent());
            written.forEach(p -> out.println("  " + p.getFileName()));
        }
        out.flush();
        if (webhook != null) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            WebhookNotifier.Outcome outcome = new WebhookNotifier(client).send(report,
                    WebhookNotifier.Settings.of(webhookUri(), allowInsecureWebhook, reportUrl),
                    message -> err.println("leak-detector: warning: " + message));
            if (outcome.delivered()) {
                if (environment.debug()) {
                    err.println("leak-detector: " + outcome.message());
                }
            } else {
                err.println("leak-detector: warning: " + outcome.message() + " (the verdict is unchanged)");
            }
        }
        return written;
    }

    private URI webhookUri() {
        try {
            return new URI(webhook);
        } catch (URISyntaxException e) {
            throw new UserException(ExitCode.USAGE, "--webhook is not a valid URL");
        }
    }
}
