package dev.leakdetector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Node.js service for the maintenance and internal-snapshot tests, from a script in
 * {@code node/internal-snapshot/}. The script prints one JSON line once it listens (with its
 * {@code port}) and one per maintenance transition. Killed on close.
 */
public final class NodeApp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final JsonNode ready;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private NodeApp(Process process, JsonNode ready) {
        this.process = process;
        this.ready = ready;
    }

    /** The service with the agent, its control channel on {@code controlPort}. */
    public static NodeApp withAgent(int controlPort, int objects, Map<String, String> environment) throws IOException {
        return start("node/internal-snapshot/agent-app.js", List.of(agentModule().toString(),
                Integer.toString(controlPort), Integer.toString(objects)), environment);
    }

    /** The service without the agent, in maintenance while {@code maintenanceFile} exists. */
    public static NodeApp plain(Path maintenanceFile, int objects) throws IOException {
        return start("node/internal-snapshot/plain-app.js", List.of(maintenanceFile.toString(),
                Integer.toString(objects)), Map.of());
    }

    private static NodeApp start(String script, List<String> args, Map<String, String> environment) throws IOException {
        // --inspect-port=0: SIGUSR1 then opens the inspector on a free port (found through /proc),
        // so tests running side by side never meet on 9229.
        List<String> command = new ArrayList<>(List.of("node", "--inspect-port=0", NodeFixtures.resource(script).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("LEAK_DETECTOR_AGENT_TOKEN");
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        JsonNode ready = line == null ? null : JSON.readTree(line);
        if (ready == null || !ready.has("port")) {
            process.destroyForcibly();
            throw new IOException("the Node app " + script + " did not start (said " + line + ")");
        }
        NodeApp app = new NodeApp(process, ready);
        Thread reader = new Thread(() -> app.readEvents(out), "node-app-events");
        reader.setDaemon(true);
        reader.start();
        return app;
    }

    private void readEvents(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                events.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    /** {@code agent/index.js} of this checkout, found from the working directory up. */
    public static Path agentModule() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path module = dir.resolve("agent/index.js");
            if (Files.isRegularFile(module)) {
                return module;
            }
        }
        throw new IllegalStateException("agent/index.js not found above " + Paths.get("").toAbsolutePath());
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the condition holds; fails after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return ready.get("port").asInt();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The transitions the app printed so far: {@code {"maintenance": bool, "source": …}}. */
    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** GET on the service; the status code and body. */
    public CompletableFuture<HttpResponse<String>> get(String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the agent's control channel at {@code port}, parsed. */
    public static JsonNode agentStatus(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
