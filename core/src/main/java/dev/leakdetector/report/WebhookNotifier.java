package dev.leakdetector.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Posts the verdict to a chat or incident webhook, in the seed's payload ({@code type},
 * {@code container}, {@code status}, {@code growthMB}, {@code confidence}, {@code severity},
 * {@code timestamp}, {@code reportUrl}) plus a {@code text} field that Slack displays as is.
 *
 * <p>https only, unless explicitly allowed; connect and request timeouts; three attempts with a
 * growing pause on errors and 5xx. A webhook that fails is a warning: it never changes the verdict.
 * The URL (which usually embeds a secret token) is masked in every message.
 */
public final class WebhookNotifier {
    private static final int ATTEMPTS = 3;

    /** How the notifier behaves. */
    public record Settings(URI url, boolean allowInsecure, Duration connectTimeout, Duration requestTimeout,
                           Duration firstRetryPause, String reportUrl) {
        public static Settings of(URI url, boolean allowInsecure, String reportUrl) {
            return new Settings(url, allowInsecure, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1),
                    reportUrl);
        }
    }

    /** The outcome: delivered or not, and what to tell the user. */
    public record Outcome(boolean delivered, int attempts, String message) {
    }

    private final HttpClient client;

    public WebhookNotifier(HttpClient client) {
        this.client = client;
    }

    /** Checks the URL before anything runs, so a typo fails fast instead of after a long run. */
    public static void validate(URI url, boolean allowInsecure) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowInsecure && scheme.equals("http"))) {
            throw new IllegalArgumentException("webhook " + mask(url) + " must use https"
                    + (scheme.equals("http") ? " (or pass --allow-insecure-webhook)" : ""));
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("webhook " + mask(url) + " has no host");
        }
    }

    public Outcome send(LeakReport report, Settings settings, Consumer<String> log) {
        try {
            validate(settings.url(), settings.allowInsecure());
        } catch (IllegalArgumentException e) {
            return new Outcome(false, 0, e.getMessage());
        }
        String body = payload(report, settings.reportUrl());
        Duration pause = settings.firstRetryPause();
        String last = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpRequest request = HttpRequest.newBuilder(settings.url())
                        .timeout(settings.requestTimeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "leak-detector")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Outcome(true, attempt, "webhook " + mask(settings.url()) + " accepted the report");
                }
                last = "HTTP " + status;
                if (status < 500 && status != 429) {
                    break;
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, attempt, "webhook " + mask(settings.url()) + " interrupted");
            }
            if (attempt < ATTEMPTS) {
                log.accept("webhook " + mask(settings.url()) + " failed (" + last + "), retrying in "
                        + pause.toMillis() + " ms");
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(false, attempt, "webhook " + mask(settings.url()) + " interrupted");
                }
                pause = pause.multipliedBy(2);
            }
        }
        return new Outcome(false, ATTEMPTS, "webhook " + mask(settings.url()) + " failed: " + last);
    }

    /** The seed's payload plus {@code text}. */
    public static String payload(LeakReport report, String reportUrl) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = mapper.createObjectNode();
        LeakReport.Summary s = report.summary();
        json.put("type", "memory-leak-report");
        json.put("container", report.target() == null ? null : report.target().container());
        json.put("status", s.status());
        json.put("growthMB", s.totalGrowthMB());
        json.put("confidence", s.confidence());
        json.put("severity", s.severity() == null ? "none" : s.severity().label());
        json.put("timestamp", report.generatedAt());
        json.put("reportUrl", reportUrl);
        json.put("text", text(report));
        try {
            return mapper.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(LeakReport report) {
        LeakReport.Summary s = report.summary();
        String where = report.target() != null && report.target().container() != null
                ? " in " + report.target().container() : "";
        StringBuilder sb = new StringBuilder();
        sb.append(switch (s.status()) {
            case "leak" -> ":rotating_light: Memory leak detected" + where;
            case "suspicious" -> ":warning: Suspicious memory growth" + where;
            default -> ":white_check_mark: No memory leak detected" + where;
        });
        sb.append(String.format(Locale.ROOT, " (heap %+.1f MB", s.totalGrowthMB()));
        if (s.severity() != null) {
            sb.append(", severity ").append(s.severity().label()).append(", confidence ")
                    .append(Format.percent(s.confidence()));
        }
        sb.append(')');
        if (s.likelyLeakSource() != null) {
            sb.append("\nLikely source: ").append(s.likelyLeakSource());
        }
        return sb.toString();
    }

    /** {@code https://hooks.slack.com/***}: scheme and host only; paths and queries hold tokens. */
    public static String mask(URI url) {
        String scheme = url.getScheme() == null ? "?" : url.getScheme();
        String host = url.getHost() == null ? "?" : url.getHost();
        return scheme + "://" + host + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/***";
    }
}
