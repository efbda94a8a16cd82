package dev.leakdetector.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The inspector's small HTTP API: {@code /json/version} to see whether anything listens, and
 * {@code /json/list} for the targets and their WebSocket URLs.
 */
public final class InspectorHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;

    public InspectorHttp(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    public static InspectorHttp create() {
        // HTTP/1.1 only: the inspector's tiny server takes the h2c Upgrade header the JDK client
        // sends by default for a WebSocket upgrade attempt, and fails the request.
        return new InspectorHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build(), Duration.ofSeconds(5));
    }

    /** True when a Node inspector answers at the endpoint. */
    public boolean answers(InspectorEndpoint endpoint) {
        try {
            JsonNode version = get(endpoint.http("/json/version"));
            return version.has("Browser") && version.get("Browser").asText().startsWith("node");
        } catch (IOException e) {
            return false;
        }
    }

    public List<InspectorTarget> targets(InspectorEndpoint endpoint) throws CaptureException {
        JsonNode list;
        try {
            list = get(endpoint.http("/json/list"));
        } catch (ConnectException e) {
            throw new CaptureException("no inspector listens at " + endpoint + " (is the process running, and was"
                    + " its inspector opened?)", e);
        } catch (IOException e) {
            throw new CaptureException("the inspector at " + endpoint + " did not answer /json/list: " + e.getMessage(), e);
        }
        List<InspectorTarget> targets = new ArrayList<>();
        for (JsonNode target : list) {
            if (target.hasNonNull("webSocketDebuggerUrl")) {
                targets.add(new InspectorTarget(target.path("id").asText(), target.path("title").asText(),
                        target.path("type").asText(), URI.create(target.get("webSocketDebuggerUrl").asText())));
            }
        }
        return targets;
    }

    private JsonNode get(URI uri) throws IOException {
        // The inspector refuses Host headers that are not an IP literal or localhost (a guard
        // against DNS rebinding); the client sends the URI's host, which is what we connect to.
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri);
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
