package dev.leakdetector.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.leakdetector.orchestrator.docker.DockerConnection;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Docker daemon for the Docker platform tests: the one {@code DOCKER_HOST} names (CI's
 * private daemon), else the default socket. When neither exists the tests are skipped with a
 * message; when DOCKER_HOST is set but the daemon does not answer, they fail, because CI must run
 * them. Images are built once per test JVM from the host's node with
 * {@code testenv/docker/build-node-image.sh}; every container a test starts carries
 * {@value #TEST_LABEL}, and so do the replacements (they copy the target's labels).
 */
final class DockerTestEnv {
    static final String TEST_LABEL = "leak-detector.test";
    static final String IMAGE = "ld-node-test:docker-platform";
    static final String BROKEN_IMAGE = "ld-node-test:docker-broken";

    private static DockerTestEnv instance;

    private final Map<String, String> environment;
    private final DockerClient docker;

    private DockerTestEnv(Map<String, String> environment, DockerClient docker) {
        this.environment = environment;
        this.docker = docker;
    }

    /** The daemon, with the test images built; skips the calling test when no daemon is configured. */
    static synchronized DockerTestEnv get() {
        if (instance != null) {
            return instance;
        }
        Map<String, String> env = new HashMap<>();
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            env.put("DOCKER_HOST", host);
        }
        boolean explicit = env.containsKey("DOCKER_HOST");
        Assumptions.assumeTrue(DockerConnection.configured(env), "Docker tests skipped: DOCKER_HOST is not set and"
                + " /var/run/docker.sock does not exist (.ci/run starts a private daemon; see testenv/docker/README.md)");
        Assumptions.assumeFalse("none".equals(System.getenv("LD_DOCKER_NET_MODE")), "Docker tests skipped: the private"
                + " daemon runs without a bridge network (LD_DOCKER_NET_MODE=none), so published ports do not work");
        DockerConnection connection = new DockerConnection(env);
        DockerClient docker;
        try {
            docker = connection.client();
        } catch (OrchestrationException e) {
            if (explicit) {
                throw new IllegalStateException("DOCKER_HOST=" + host + " is set but the daemon does not answer: "
                        + e.getMessage(), e);
            }
            Assumptions.abort("Docker tests skipped: " + e.getMessage());
            return null;
        }
        DockerTestEnv created = new DockerTestEnv(Map.copyOf(env), docker);
        created.buildImages();
        instance = created;
        return created;
    }

    Map<String, String> environment() {
        return environment;
    }

    DockerClient docker() {
        return docker;
    }

    private void buildImages() {
        try {
            Path root = NodeFixtures.repositoryRoot();
            Path apps = Files.createDirectories(root.resolve("cli/target/docker-apps"));
            Path service = apps.resolve("service");
            copyTree(NodeFixtures.resource("docker-apps/service/server.js").getParent(), service);
            Path agent = service.resolve("agent");
            Files.createDirectories(agent.resolve("lib"));
            for (String file : List.of("index.js", "package.json")) {
                Files.copy(root.resolve("agent").resolve(file), agent.resolve(file),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            copyTree(root.resolve("agent/lib"), agent.resolve("lib"));
            Path broken = apps.resolve("broken");
            copyTree(NodeFixtures.resource("docker-apps/broken/server.js").getParent(), broken);
            String script = root.resolve("testenv/docker/build-node-image.sh").toString();
            run(List.of(script, IMAGE, service.toString()), 300);
            run(List.of(script, BROKEN_IMAGE, broken.toString()), 300);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the Docker test images", e);
        }
    }

    /**
     * Starts a container of the test image with --init and port 8080 published on a free port of
     * 127.0.0.1, and waits until it answers HTTP. Extra {@code docker run} options go before the image.
     */
    Started start(String namePrefix, List<String> options, List<String> command) {
        int port = freePort();
        String name = namePrefix + "-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        List<String> args = new ArrayList<>(List.of("docker", "run", "-d", "--init", "--name", name, "--label",
                TEST_LABEL + "=1", "-p", "127.0.0.1:" + port + ":8080"));
        args.addAll(options);
        args.add(IMAGE);
        args.addAll(command);
        // The CLI may print warnings first ("IPv4 forwarding is disabled"); the id is the last line.
        String[] lines = run(args, 60).strip().split("\n");
        String id = lines[lines.length - 1].strip();
        if (command.isEmpty()) {
            awaitServing(port, Duration.ofSeconds(30));
        }
        return new Started(id, name, port);
    }

    /** A started test container. */
    record Started(String id, String name, int port) {
    }

    /** GET / on 127.0.0.1:port: the status code, or -1 when nothing answers. */
    static int get(int port) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until GET / answers 200; a target in maintenance answers 503 and never gets there. */
    static void awaitServing(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = get(port);
            if (last == 200) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("127.0.0.1:" + port + " does not serve (last answer " + last + ")");
    }

    /** Runs a command in a container with the docker CLI: exit code and output. */
    ExecResult exec(String container, String... command) {
        List<String> args = new ArrayList<>(List.of("docker", "exec", container));
        args.addAll(List.of(command));
        return runCode(args, 60);
    }

    record ExecResult(int exitCode, String output) {
    }

    /** Containers (running or not) that carry the label (key or key=value). */
    List<Container> containers(String label) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec();
    }

    /** Exec instances still running in the container (relays, probes). */
    List<String> runningExecs(String container) {
        InspectContainerResponse inspect = docker.inspectContainerCmd(container).exec();
        List<String> running = new ArrayList<>();
        if (inspect.getExecIds() != null) {
            for (String execId : inspect.getExecIds()) {
                try {
                    var exec = docker.inspectExecCmd(execId).exec();
                    if (Boolean.TRUE.equals(exec.isRunning())) {
                        running.add(execId + " " + exec.getProcessConfig().getEntryPoint() + " "
                                + exec.getProcessConfig().getArguments());
                    }
                } catch (RuntimeException e) {
                    // Finished and collected meanwhile.
                }
            }
        }
        return running;
    }

    /** Waits a little for execs to end: the daemon learns of a closed attach connection asynchronously. */
    List<String> awaitNoRunningExecs(String container) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> running = runningExecs(container);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            sleep(200);
            running = runningExecs(container);
        }
        return running;
    }

    /** Removes the containers the test started and whatever replacement copied their labels. */
    void removeTestContainers() {
        for (Container c : containers(TEST_LABEL)) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException e) {
                // Gone already.
            }
        }
    }

    /**
     * What every test checks after a run, however it ended: the target serves again (no
     * maintenance file, its agent out of maintenance), and nothing of the run is left (no
     * replacement container, no exec still running in the target, such as a relay).
     */
    void assertRestored(Started target, String runId) {
        if (runId != null) {
            org.assertj.core.api.Assertions.assertThat(containers("leak-detector.run-id=" + runId))
                    .as("containers of run " + runId).isEmpty();
        }
        org.assertj.core.api.Assertions.assertThat(containers("leak-detector=replacement")).as("replacements").isEmpty();
        org.assertj.core.api.Assertions.assertThat(exec(target.name(), "test", "-e", "/tmp/maintenance").exitCode())
                .as("/tmp/maintenance in the target").isEqualTo(1);
        if (!exec(target.name(), "busybox", "sh", "-c", "echo \"$NO_AGENT\"").output().strip().equals("1")) {
            String status = agentStatus(target.name());
            org.assertj.core.api.Assertions.assertThat(status).as("agent status").isNotBlank();
            try {
                org.assertj.core.api.Assertions.assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(status).path("maintenance").asBoolean(true)).as("agent in maintenance").isFalse();
            } catch (IOException e) {
                throw new AssertionError("unreadable agent status: " + status, e);
            }
        }
        awaitServing(target.port(), Duration.ofSeconds(10));
        org.assertj.core.api.Assertions.assertThat(awaitNoRunningExecs(target.name())).as("execs still running")
                .isEmpty();
    }

    /** The agent's GET /status inside the container (with the container's token, if it has one). */
    String agentStatus(String container) {
        return exec(container, "busybox", "sh", "-c", "wget -q -O - ${LEAK_DETECTOR_AGENT_TOKEN:+--header=\"Authorization: Bearer"
                + " $LEAK_DETECTOR_AGENT_TOKEN\"} http://127.0.0.1:9339/status").output();
    }

    /** The run id the CLI printed on stderr, or null. */
    static String runId(String err) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (ld-[0-9a-f-]+) on docker").matcher(err);
        return m.find() ? m.group(1) : null;
    }

    /** Waits until the journal of the (only) run in {@code output} shows the step started; returns the run directory. */
    static Path awaitStep(Path output, String step, Duration timeout, Process detector) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (detector != null && !detector.isAlive()) {
                throw new AssertionError("the detector exited (" + detector.exitValue() + ") before step " + step);
            }
            if (Files.isDirectory(output)) {
                try (var runs = Files.list(output)) {
                    for (Path run : runs.toList()) {
                        Path journal = run.resolve("journal.jsonl");
                        if (Files.exists(journal) && started(journal, step)) {
                            return run;
                        }
                    }
                }
            }
            sleep(100);
        }
        throw new AssertionError("no run in " + output + " reached step " + step + " within " + timeout.toSeconds() + " s");
    }

    /** Whether the journal records the step as started (its fields come in no fixed order). */
    private static boolean started(Path journal, String step) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(journal)) {
            try {
                var event = json.readTree(line);
                if (event.path("event").asText().equals("step") && event.path("step").asText().equals(step)
                        && event.path("status").asText().equals("started")) {
                    return true;
                }
            } catch (IOException e) {
                // A line being written: the next poll reads it whole.
            }
        }
        return false;
    }

    String run(List<String> command, int timeoutSeconds) {
        ExecResult result = runCode(command, timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.exitCode() + "): "
                    + result.output());
        }
        return result.output();
    }

    ExecResult runCode(List<String> command, int timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new ExecResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
