package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The Docker Engine API client of one run, made from {@code DOCKER_HOST} (and
 * {@code DOCKER_TLS_VERIFY}/{@code DOCKER_CERT_PATH}) as the {@code docker} CLI reads them. The
 * variables come from the injected environment, not from {@link System#getenv()}, so tests and
 * embedders decide which daemon is used. The client is made on first use: building a platform for
 * {@code cleanup} must not fail just because no daemon runs.
 */
public final class DockerConnection implements AutoCloseable {
    /** Where the daemon listens when {@code DOCKER_HOST} is not set. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private final String host;
    private final Map<String, String> environment;
    private DockerClient client;
    private ApacheDockerHttpClient http;

    public DockerConnection(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        String configured = environment.get("DOCKER_HOST");
        this.host = configured == null || configured.isBlank() ? DEFAULT_HOST : configured.trim();
    }

    /** True when a daemon may be reachable: DOCKER_HOST is set, or the default socket exists. */
    public static boolean configured(Map<String, String> environment) {
        String configured = environment.get("DOCKER_HOST");
        return (configured != null && !configured.isBlank()) || Files.exists(Paths.get("/var/run/docker.sock"));
    }

    /**
     * Whether {@code cleanup} should sweep Docker: always when DOCKER_HOST names a daemon (the user
     * asked for it, so a failure must show), else when the default socket exists and answers.
     */
    public static boolean reachable(Map<String, String> environment) {
        String configured = environment.get("DOCKER_HOST");
        if (configured != null && !configured.isBlank()) {
            return true;
        }
        if (!Files.exists(Paths.get("/var/run/docker.sock"))) {
            return false;
        }
        try (DockerConnection connection = new DockerConnection(environment)) {
            connection.client();
            return true;
        } catch (OrchestrationException e) {
            return false;
        }
    }

    public String host() {
        return host;
    }

    /** The client, connected and checked with a ping; failures name the daemon and what to do. */
    public synchronized DockerClient client() throws OrchestrationException {
        if (client != null) {
            return client;
        }
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withDockerTlsVerify(isTrue(environment.get("DOCKER_TLS_VERIFY")));
        String certPath = environment.get("DOCKER_CERT_PATH");
        if (certPath != null && !certPath.isBlank()) {
            config.withDockerCertPath(certPath);
        } else if (isTrue(environment.get("DOCKER_TLS_VERIFY"))) {
            config.withDockerCertPath(Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")),
                    ".docker").toString());
        }
        DefaultDockerClientConfig built;
        try {
            built = config.build();
        } catch (RuntimeException e) {
            throw new OrchestrationException("DOCKER_HOST '" + host + "' is not usable: " + e.getMessage(), e);
        }
        // Timeouts bound API calls only; exec streams (relays, long drains) are read without one.
        ApacheDockerHttpClient transport = new ApacheDockerHttpClient.Builder()
                .dockerHost(built.getDockerHost()).sslConfig(built.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10)).maxConnections(64).build();
        DockerClient candidate = DockerClientImpl.getInstance(built, transport);
        try {
            candidate.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(candidate, transport);
            throw unreachable(e);
        }
        this.http = transport;
        this.client = candidate;
        return candidate;
    }

    /** An error for a daemon that cannot be used, saying why and what to do. */
    OrchestrationException unreachable(RuntimeException e) {
        String detail = rootMessage(e);
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            return new OrchestrationException("permission denied on the Docker socket " + host + ": run leak-detector as"
                    + " a user in the 'docker' group (or root), or point DOCKER_HOST at a daemon you may use", e);
        }
        if (lower.contains("no such file") || lower.contains("connection refused") || lower.contains("timed out")
                || lower.contains("unknown host") || lower.contains("unresolved")) {
            return new OrchestrationException("the Docker daemon at " + host + " is not reachable (" + detail
                    + "); is it running? Set DOCKER_HOST to the daemon to use", e);
        }
        return new OrchestrationException("the Docker daemon at " + host + " failed: " + detail, e);
    }

    /** The innermost message of a docker-java failure (they wrap IO errors several times). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (e instanceof DockerException docker && docker.getHttpStatus() > 0) {
            // The daemon's JSON answer: {"message":"..."}; the text is what a user recognises.
            String body = docker.getMessage();
            int start = body.indexOf("\"message\":\"");
            if (start >= 0) {
                int end = body.indexOf('"', start + 11);
                return end > start ? body.substring(start + 11, end) : body;
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.trim();
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }

    private static void closeQuietly(DockerClient client, ApacheDockerHttpClient http) {
        try {
            client.close();
            http.close();
        } catch (IOException | RuntimeException ignored) {
            // Nothing was created with it; closing is best effort.
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            closeQuietly(client, http);
            client = null;
            http = null;
        }
    }
}
