package dev.leakdetector.orchestrator.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Node.js service inside a pretend pod ({@code node/k8s-app.js}): ready while its
 * maintenance file is absent, leaking all the while. Its inspector port is a free one, which the
 * port-forward double presents as the pod's 9229. Killed on close.
 */
final class LocalApp implements AutoCloseable {
    private final Process process;
    private final int port;
    private final int inspectorPort;
    private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalApp(Process process, int port, int inspectorPort) {
        this.process = process;
        this.port = port;
        this.inspectorPort = inspectorPort;
    }

    static LocalApp start(Path maintenanceFile) throws IOException {
        return start(Paths.get(script("node/k8s-app.js")), List.of(maintenanceFile.toString()), Map.of(),
                maintenanceFile.resolveSibling(maintenanceFile.getFileName() + ".log"));
    }

    /** A script with arguments; it must print {"port": N} once it listens. Its stderr goes to {@code log}. */
    static LocalApp start(Path script, List<String> args, Map<String, String> env, Path log) throws IOException {
        return start(List.of(), script, args, env, log);
    }

    /**
     * The same with Node options before the script. It runs in the directory of {@code log} (a
     * test's temporary one), where a --heapsnapshot-signal writes its snapshots.
     */
    static LocalApp start(List<String> nodeOptions, Path script, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        int inspector = freePort();
        List<String> command = new java.util.ArrayList<>(List.of("node"));
        command.addAll(nodeOptions);
        command.add(script.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(log.toAbsolutePath().getParent().toFile());
        builder.environment().remove("LEAK_DETECTOR_AGENT_TOKEN");
        builder.environment().put("NODE_OPTIONS", "--inspect-port=" + inspector);
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.contains("\"port\"")) {
            process.destroyForcibly();
            throw new IOException(script + " did not start (said " + line + ")");
        }
        int port = new ObjectMapper().readTree(line).get("port").asInt();
        LocalApp app = new LocalApp(process, port, inspector);
        Thread drain = new Thread(() -> {
            try {
                for (String next = out.readLine(); next != null; next = out.readLine()) {
                    app.output.add(next);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "local-app-out");
        drain.setDaemon(true);
        drain.start();
        return app;
    }

    static String script(String resource) {
        try {
            return Paths.get(LocalApp.class.getClassLoader().getResource(resource).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** What the app printed after its first line. */
    List<String> output() {
        return List.copyOf(output);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    int inspectorPort() {
        return inspectorPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
