package dev.leakdetector.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook against a real HTTP server on 127.0.0.1. */
class WebhookNotifierTest {
    private HttpServer server;
    private final List<String> bodies = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/T000/B000/secret-token", exchange -> {
            int call = calls.getAndIncrement();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = statuses[Math.min(call, statuses.length - 1)];
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/B000/secret-token");
    }

    @Test
    void deliversTheSeedPayloadWithSlackText() throws Exception {
        URI url = serve(200);
        WebhookNotifier.Outcome outcome = notifier().send(SampleReports.leak(), settings(url), m -> { });
        assertThat(outcome.delivered()).isTrue();
        JsonNode json = new ObjectMapper().readTree(bodies.get(0));
        for (String field : List.of("type", "container", "status", "growthMB", "confidence", "severity", "timestamp",
                "reportUrl", "text")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("status").asText()).isEqualTo("leak");
        assertThat(json.get("container").asText()).isEqualTo("api-7f9c");
        assertThat(json.get("text").asText()).contains("Memory leak detected in api-7f9c").contains("RequestRecord");
        assertThat(outcome.message()).doesNotContain("secret-token");
    }

    @Test
    void retriesServerErrorsThenSucceeds() throws Exception {
        URI url = serve(503, 500, 200);
        List<String> log = new ArrayList<>();
        WebhookNotifier.Outcome outcome = notifier().send(SampleReports.leak(), settings(url), log::add);
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(log).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain("secret-token"));
    }

    @Test
    void givesUpAfterThreeAttemptsAndSaysSoWithoutTheToken() throws Exception {
        URI url = serve(500);
        WebhookNotifier.Outcome outcome = notifier().send(SampleReports.leak(), settings(url), m -> { });
        assertThat(outcome.delivered()).isFalse();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(outcome.message()).contains("HTTP 500").contains("http://127.0.0.1").doesNotContain("secret-token");
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        URI url = serve(404);
        assertThat(notifier().send(SampleReports.leak(), settings(url), m -> { }).delivered()).isFalse();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void refusesPlainHttpUnlessAllowed() {
        assertThatThrownBy(() -> WebhookNotifier.validate(URI.create("http://hooks.example/T/secret"), false))
                .hasMessageContaining("must use https").hasMessageNotContaining("secret");
        WebhookNotifier.validate(URI.create("https://hooks.example/T/secret"), false);
        WebhookNotifier.validate(URI.create("http://127.0.0.1:1/x"), true);
    }

    @Test
    void anUnreachableHostIsAFailureNotAnException() {
        WebhookNotifier.Settings settings = new WebhookNotifier.Settings(URI.create("http://127.0.0.1:1/hook"), true,
                Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(10), null);
        WebhookNotifier.Outcome outcome = notifier().send(SampleReports.leak(), settings, m -> { });
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.attempts()).isEqualTo(3);
    }

    private static WebhookNotifier notifier() {
        return new WebhookNotifier(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    }

    private static WebhookNotifier.Settings settings(URI url) {
        return new WebhookNotifier.Settings(url, true, Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(10), "https://ci.example/job/1/report.html");
    }
}
