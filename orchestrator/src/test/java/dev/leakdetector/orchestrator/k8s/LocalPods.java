package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The containers of pretend pods, for the tests: exec runs the command for real on this machine
 * (a real sh, a real kill, a real file), limited to the processes that belong to the pod, and a
 * port-forward is a real TCP relay from a loopback port to the local port that stands for the
 * pod's port. So the platform's scripts, its SIGUSR1 and a real inspector session are exercised;
 * only the API server's streaming is not (the mock has none).
 */
final class LocalPods implements PodExec, PortForwarder, AutoCloseable {

    /**
     * One pod's container.
     *
     * @param pids    host pids that are "in the container" (the process listing shows only these)
     * @param ports   pod port → local port
     * @param env     the container's environment for exec
     * @param noShell behave like a distroless image: no sh, no kill, no cat; Node is the only executable
     */
    record Container(Set<Long> pids, Map<Integer, Integer> ports, Map<String, String> env, boolean noShell) {
    }

    private final Map<String, Container> pods = new ConcurrentHashMap<>();
    private final List<String> execs = Collections.synchronizedList(new ArrayList<>());
    private final List<Relay> relays = Collections.synchronizedList(new ArrayList<>());

    void put(String namespace, String pod, Container container) {
        pods.put(namespace + "/" + pod, container);
    }

    /** The pod's one process. */
    long pidOf(String namespace, String pod) {
        return pods.get(namespace + "/" + pod).pids().iterator().next();
    }

    /** Every command run, as "pod: argv0 argv1…" (scripts shortened to their first word). */
    List<String> execs() {
        return List.copyOf(execs);
    }

    int openRelays() {
        synchronized (relays) {
            return (int) relays.stream().filter(r -> !r.server.isClosed()).count();
        }
    }

    /** How many port-forwards were ever opened. */
    int tunnelsOpened() {
        return relays.size();
    }

    @Override
    public Result exec(String namespace, String pod, String container, List<String> command, Duration timeout)
            throws OrchestrationException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Result result = stream(namespace, pod, container, command, out, timeout);
        String stdout = out.toString(StandardCharsets.UTF_8);
        if (command.contains(NodeProcesses.SHELL_LISTING) || command.contains(NodeProcesses.NODE_LISTING)) {
            stdout = onlyThePod(stdout, pods.get(namespace + "/" + pod).pids());
        }
        return new Result(result.exitCode(), stdout, result.stderr());
    }

    @Override
    public Result stream(String namespace, String pod, String container, List<String> command, OutputStream stdout,
                         Duration timeout) throws OrchestrationException {
        Container c = pods.get(namespace + "/" + pod);
        if (c == null) {
            throw new OrchestrationException("exec in pod " + namespace + "/" + pod + ": not found");
        }
        execs.add(pod + ": " + String.join(" ", command.stream().map(a -> a.contains("\n") ? "<script>" : a).toList()));
        String program = command.get(0);
        if (c.noShell() && !program.substring(program.lastIndexOf('/') + 1).equals("node")) {
            // A distroless image: Node is the only executable there is.
            return new Result(-1, "", "exec: \"" + program + "\": executable file not found in $PATH: unknown");
        }
        if (String.join(" ", command).contains("kill") && c.pids().stream().noneMatch(pid -> names(command, pid))) {
            // Never signal a process of this machine that the pretend pod does not own.
            return new Result(1, "", "kill: no such process");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv("PATH"));
            builder.environment().putAll(c.env());
            Process process = builder.start();
            process.getOutputStream().close();
            // Errors are a line or two: read them after the output, which may be a whole snapshot.
            process.getInputStream().transferTo(stdout);
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new OrchestrationException("exec timed out");
            }
            return new Result(process.exitValue(), "", new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, "", e.getMessage() + ": not found");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted");
        }
    }

    /** Whether the command names the pid: as an argument, or inside a script ({@code process.kill(42,…)}). */
    private static boolean names(List<String> command, long pid) {
        String p = Long.toString(pid);
        return command.stream().anyMatch(a -> a.equals(p) || a.contains("(" + p + ","));
    }

    /** The listing ran on this machine: keep its own line and the pod's processes, as a pid namespace would. */
    private static String onlyThePod(String listing, Set<Long> pids) {
        StringBuilder kept = new StringBuilder();
        for (String line : listing.split("\n")) {
            String first = line.split("\t", 2)[0];
            if (first.equals("self") || first.matches("\\d+") && pids.contains(Long.parseLong(first))) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    @Override
    public Tunnel open(String namespace, String pod, int remotePort) throws OrchestrationException {
        Container c = pods.get(namespace + "/" + pod);
        if (c == null) {
            throw new OrchestrationException("port-forward to pod " + namespace + "/" + pod + ": not found");
        }
        // A port the pod does not listen on: connections through the tunnel fail, as with fabric8.
        int local = c.ports().getOrDefault(remotePort, 1);
        try {
            Relay relay = new Relay(local);
            relays.add(relay);
            return relay;
        } catch (IOException e) {
            throw new OrchestrationException("cannot listen: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        synchronized (relays) {
            relays.forEach(Relay::close);
        }
    }

    /** A loopback TCP relay: one thread accepts, two per connection copy bytes. */
    private static final class Relay implements Tunnel {
        private final ServerSocket server;
        private final int upstream;
        private volatile String problem;

        Relay(int upstream) throws IOException {
            this.upstream = upstream;
            this.server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread accept = new Thread(this::accept, "relay-" + server.getLocalPort());
            accept.setDaemon(true);
            accept.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket target;
                    try {
                        target = new Socket(InetAddress.getLoopbackAddress(), upstream);
                    } catch (IOException e) {
                        problem = "error connecting to the pod's port: " + e.getMessage();
                        client.close();
                        continue;
                    }
                    pump(client, target);
                    pump(target, client);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // One side closed: the other follows.
                } finally {
                    try {
                        to.close();
                        from.close();
                    } catch (IOException ignored) {
                        // Already closed.
                    }
                }
            }, "relay-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public int localPort() {
            return server.getLocalPort();
        }

        @Override
        public String problem() {
            return problem;
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // Closing twice is fine.
            }
        }
    }
}
