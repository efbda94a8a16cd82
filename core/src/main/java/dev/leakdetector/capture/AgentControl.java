package dev.leakdetector.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The in-app agent's control channel (HTTP and JSON on 127.0.0.1, {@code agent/README.md}) as a
 * {@link MaintenanceSwitch}: {@code POST /maintenance {"enabled":true,"drainTimeoutMs":…}} switches
 * maintenance on at once and answers when the requests in flight are done, so entering waits only
 * as long as needed.
 *
 * <p>The agent lives inside the target: while a snapshot blocks the target's event loop, it cannot
 * answer, so leaving waits up to {@code leaveTimeout} for it.
 */
public final class AgentControl implements MaintenanceSwitch {
    /** The agent's default control port, also {@code $LEAK_DETECTOR_AGENT_PORT}. */
    public static final int DEFAULT_PORT = 9339;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The agent answers /maintenance after draining; give it this much on top of the grace period. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);

    /** What the agent says about itself ({@code GET /status}); the pid is in the agent's own pid namespace. */
    public record AgentStatus(long pid, boolean maintenance, String maintenanceSource, int inFlight,
                              String agentVersion) {
    }

    private final HttpClient client;
    private final String host;
    private final int port;
    private final String token;
    private final Duration leaveTimeout;
    private volatile boolean entering;
    private boolean left;

    /**
     * @param token        the agent's {@code LEAK_DETECTOR_AGENT_TOKEN}, or null
     * @param leaveTimeout how long leaving may wait for an agent whose process is busy (a snapshot)
     */
    public AgentControl(HttpClient client, String host, int port, String token, Duration leaveTimeout) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.token = token == null || token.isEmpty() ? null : token;
        this.leaveTimeout = leaveTimeout;
    }

    /** The agent on 127.0.0.1:port, with the JDK's HTTP/1.1 client. */
    public static AgentControl loopback(int port, String token) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        return new AgentControl(client, "127.0.0.1", port, token, Duration.ofSeconds(60));
    }

    /**
     * The agent's status, or empty when no agent answers (nothing listens, or something that is not
     * the agent; the latter is logged).
     *
     * @throws CaptureException when the agent answers but wants a token we do not have
     */
    public Optional<AgentStatus> probe(Consumer<String> log) throws CaptureException {
        JsonNode status;
        try {
            status = call("GET", "/status", null, Duration.ofSeconds(3));
        } catch (AgentUnreachableException e) {
            return Optional.empty();
        } catch (AgentAuthorizationException e) {
            throw e;
        } catch (CaptureException e) {
            log.accept("no agent on " + address() + ": " + e.getMessage());
            return Optional.empty();
        }
        if (!status.path("pid").canConvertToLong() || !status.has("maintenance")) {
            log.accept("something answers on " + address() + " but it is not a leak-detector agent");
            return Optional.empty();
        }
        return Optional.of(new AgentStatus(status.path("pid").asLong(), status.path("maintenance").asBoolean(),
                status.path("maintenanceSource").isNull() ? null : status.path("maintenanceSource").asText(null),
                status.path("inFlight").asInt(-1), status.path("agentVersion").asText("")));
    }

    @Override
    public String kind() {
        return "agent";
    }

    @Override
    public String describe() {
        return "agent on " + address();
    }

    @Override
    public Entered enter(Duration grace) throws CaptureException {
        // Set before asking: the agent switches on before it answers, so an interrupt during the
        // drain must still switch off.
        entering = true;
        ObjectNode body = JSON.createObjectNode();
        body.put("enabled", true);
        body.put("drainTimeoutMs", grace.toMillis());
        JsonNode answer = call("POST", "/maintenance", body, grace.plus(ANSWER_MARGIN));
        return new Entered(answer.path("drained").asBoolean(false), answer.path("inFlight").asInt(-1));
    }

    /**
     * Leaves maintenance. A maintenance file that exists keeps the agent in maintenance; that is the
     * file owner's decision, not ours.
     *
     * @throws AgentUnreachableException when nothing listens any more (the target may have exited)
     */
    @Override
    public synchronized void leave() throws CaptureException {
        if (!entering || left) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("enabled", false);
        call("POST", "/maintenance", body, leaveTimeout);
        left = true;
    }

    private String address() {
        return host + ":" + port;
    }

    private JsonNode call(String method, String path, JsonNode body, Duration timeout) throws CaptureException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address() + path))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new AgentUnreachableException("no agent answers on " + address() + " (" + method + " " + path + ")", e);
        } catch (HttpTimeoutException e) {
            throw new CaptureException("the agent on " + address() + " did not answer " + method + " " + path
                    + " within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            // The connection broke before an answer: typically a kept-alive connection whose process
            // has just exited, which the caller can check, as when nothing listens.
            throw new AgentUnreachableException("the agent on " + address() + " dropped the connection during "
                    + method + " " + path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted during " + method + " " + path + " to the agent on " + address(), e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() == 401) {
            throw new AgentAuthorizationException("the agent on " + address() + " requires a token: set"
                    + " LEAK_DETECTOR_AGENT_TOKEN to the app's token");
        }
        if (response.statusCode() != 200) {
            String error = answer.path("error").asText("");
            throw new CaptureException("the agent on " + address() + " answered HTTP " + response.statusCode() + " to "
                    + method + " " + path + (error.isEmpty() ? "" : ": " + error));
        }
        return answer;
    }

    /**
     * Nothing listens on the agent's port, or the connection broke before an answer: no agent, or
     * its process has exited.
     */
    public static final class AgentUnreachableException extends CaptureException {
        private static final long serialVersionUID = 1L;

        AgentUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The agent refused us for want of the right token. */
    public static final class AgentAuthorizationException extends CaptureException {
        private static final long serialVersionUID = 1L;

        AgentAuthorizationException(String message) {
            super(message);
        }
    }
}
