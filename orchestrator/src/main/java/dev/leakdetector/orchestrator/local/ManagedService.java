package dev.leakdetector.orchestrator.local;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service the local platform starts itself ({@code run --command}): the command runs with
 * {@code PORT} set to a private port, behind the embedded {@link ReverseProxy} on the public port,
 * so that a run can move traffic to a replacement and back with no failed request.
 */
public final class ManagedService implements AutoCloseable {
    private final Process process;
    private final ReverseProxy proxy;
    private final int servicePort;

    private ManagedService(Process process, ReverseProxy proxy, int servicePort) {
        this.process = process;
        this.proxy = proxy;
        this.servicePort = servicePort;
    }

    /**
     * Starts the command and the proxy, and waits until the service accepts connections.
     *
     * @param publicPort the proxy's port on 127.0.0.1 (0 for any free one)
     */
    public static ManagedService start(List<String> command, Map<String, String> environment, Path workingDirectory,
                                       int publicPort, Path log, Duration startTimeout) throws OrchestrationException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new OrchestrationException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            awaitListening(process, port, startTimeout, log);
            ReverseProxy proxy = ReverseProxy.start(publicPort, port);
            return new ManagedService(process, proxy, port);
        } catch (OrchestrationException | IOException | RuntimeException e) {
            stop(process);
            throw e instanceof OrchestrationException oe ? oe
                    : new OrchestrationException("cannot start the service: " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public ReverseProxy proxy() {
        return proxy;
    }

    public int servicePort() {
        return servicePort;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until something listens on 127.0.0.1:port while the process lives. */
    static void awaitListening(Process process, int port, Duration timeout, Path log) throws OrchestrationException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new OrchestrationException("the process exited with code " + process.exitValue()
                        + " before listening on port " + port + lastLine(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        throw new OrchestrationException("the process did not listen on port " + port + " within "
                + timeout.toSeconds() + " s (does it read its port from PORT?)" + lastLine(log));
    }

    static int freePort() throws OrchestrationException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new OrchestrationException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    static void stop(Process process) {
        stop(process.toHandle());
    }

    /** SIGTERM, then SIGKILL after five seconds. */
    static void stop(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) throws OrchestrationException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted");
        }
    }

    @Override
    public void close() {
        proxy.close();
        stop(process);
    }
}
