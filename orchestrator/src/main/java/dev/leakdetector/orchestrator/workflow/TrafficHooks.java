package dev.leakdetector.orchestrator.workflow;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The platform-independent drain methods: an HTTP call to a load balancer's admin API
 * ({@code http-hook}) and a user script ({@code command}). Both are called twice, with the action
 * {@code drain} and later {@code restore}, and see the target's and the replacement's addresses.
 *
 * <p>Templates replace {@code ${action}}, {@code ${targetHost}}, {@code ${targetPort}},
 * {@code ${targetId}}, {@code ${replacementHost}}, {@code ${replacementPort}} and
 * {@code ${replacementId}}; a script gets the same values as environment variables
 * {@code LD_ACTION}, {@code LD_TARGET_HOST}, … {@code LD_REPLACEMENT_ID}.
 */
public final class TrafficHooks {
    private TrafficHooks() {
    }

    /** The values templates and scripts see. */
    public static Map<String, String> values(String action, String targetId, String targetHost, int targetPort,
                                             String replacementId, String replacementHost, int replacementPort) {
        Map<String, String> values = new HashMap<>();
        values.put("action", action);
        values.put("targetId", targetId);
        values.put("targetHost", targetHost);
        values.put("targetPort", Integer.toString(targetPort));
        values.put("replacementId", replacementId);
        values.put("replacementHost", replacementHost);
        values.put("replacementPort", Integer.toString(replacementPort));
        return values;
    }

    public static String expand(String template, Map<String, String> values) {
        String result = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            result = result.replace("${" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        return result;
    }

    /** POSTs the body template (or nothing) to the URL template; a non-2xx answer is a failure. */
    public static void http(String urlTemplate, String bodyTemplate, Map<String, String> values)
            throws OrchestrationException {
        URI uri = URI.create(expand(urlTemplate, values));
        String body = bodyTemplate == null ? "" : expand(bodyTemplate, values);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new OrchestrationException("traffic hook " + values.get("action") + " at " + uri.getHost()
                        + " answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new OrchestrationException("traffic hook " + values.get("action") + " at " + uri.getHost()
                    + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted during the traffic hook");
        }
    }

    /** Runs the script with LD_* variables; a non-zero exit is a failure. */
    public static void command(String script, Map<String, String> values) throws OrchestrationException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
        values.forEach((k, v) -> builder.environment().put("LD_" + k.replaceAll("([A-Z])", "_$1").toUpperCase(
                java.util.Locale.ROOT), v == null ? "" : v));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new OrchestrationException("traffic hook script did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                String last = output.isEmpty() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse("");
                throw new OrchestrationException("traffic hook script (" + values.get("action") + ") exited with "
                        + process.exitValue() + last);
            }
        } catch (IOException e) {
            throw new OrchestrationException("cannot run the traffic hook script: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted during the traffic hook script");
        }
    }
}
