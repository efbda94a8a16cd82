package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.leakdetector.capture.InspectorEndpoint;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A TCP port on 127.0.0.1 here that leads to 127.0.0.1:port inside a container's network
 * namespace, with nothing published and nothing written into the container: every accepted
 * connection gets its own {@code docker exec -i} running a relay ({@link ContainerTools#relay}),
 * and bytes are copied both ways between the socket and the exec's stdin/stdout.
 *
 * <p>One connection, one exec, because a relay process carries exactly one TCP stream, and a
 * connection's end (either side) must end its exec, so that nothing of ours keeps running in the
 * target: closing our side drops the exec's attach connection, the daemon closes the relay's
 * stdin, and the relay exits.
 */
final class ExecRelay implements AutoCloseable {
    private final DockerClient docker;
    private final ContainerExec exec;
    private final String containerId;
    private final List<String> command;
    private final Consumer<String> log;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ExecRelay(DockerClient docker, String containerId, List<String> command, Consumer<String> log,
                      ServerSocket server) {
        this.docker = docker;
        this.exec = new ContainerExec(docker);
        this.containerId = containerId;
        this.command = List.copyOf(command);
        this.log = log;
        this.server = server;
    }

    /** Listens on 127.0.0.1 (a free port) and relays each connection through a new exec of {@code command}. */
    static ExecRelay start(DockerClient docker, String containerId, List<String> command, Consumer<String> log)
            throws OrchestrationException {
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new OrchestrationException("cannot listen on 127.0.0.1 for the exec relay: " + e.getMessage(), e);
        }
        ExecRelay relay = new ExecRelay(docker, containerId, command, log, server);
        Thread.ofPlatform().daemon().name("docker-relay-" + ContainerExec.shortId(containerId)).start(relay::accept);
        return relay;
    }

    InspectorEndpoint endpoint() {
        return new InspectorEndpoint("127.0.0.1", server.getLocalPort());
    }

    /** Connections currently relayed (each one an exec running in the container). */
    int active() {
        return links.size();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Link link = new Link(socket);
            links.add(link);
            try {
                link.start();
            } catch (OrchestrationException | RuntimeException e) {
                log.accept("exec relay: " + e.getMessage());
                link.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listening socket that failed to close leaves nothing to undo.
        }
        for (Link link : links) {
            link.close();
        }
    }

    /** One relayed connection: a local socket and the exec that carries it. */
    private final class Link extends ResultCallback.Adapter<Frame> {
        private final Socket socket;
        private final OutputStream out;
        private volatile boolean done;

        Link(Socket socket) {
            this.socket = socket;
            OutputStream stream;
            try {
                socket.setTcpNoDelay(true);
                stream = socket.getOutputStream();
            } catch (IOException e) {
                stream = OutputStream.nullOutputStream();
            }
            this.out = stream;
        }

        void start() throws OrchestrationException {
            String execId = exec.create(containerId, command, true);
            InputStream in;
            try {
                in = new EndingInput(socket.getInputStream(), this);
            } catch (IOException e) {
                throw new OrchestrationException("exec relay socket failed: " + e.getMessage(), e);
            }
            docker.execStartCmd(execId).withDetach(false).withTty(false).withStdIn(in).exec(this);
        }

        @Override
        public void onNext(Frame frame) {
            if (frame.getStreamType() == StreamType.STDERR) {
                log.accept("exec relay in " + ContainerExec.shortId(containerId) + ": "
                        + new String(frame.getPayload(), StandardCharsets.UTF_8).strip());
                return;
            }
            try {
                // Written before returning: docker-java reuses the frame's buffer afterwards.
                out.write(frame.getPayload());
                out.flush();
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            if (!done && !closed) {
                log.accept("exec relay in " + ContainerExec.shortId(containerId) + " failed: "
                        + DockerConnection.rootMessage(throwable));
            }
            close();
        }

        @Override
        public void onComplete() {
            close();
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            links.remove(this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already closed by the peer.
            }
            try {
                super.close();
            } catch (IOException ignored) {
                // The attach connection is gone already; that is what we wanted.
            }
        }
    }

    /**
     * The socket's input as the exec's stdin. End of stream (or an error) closes the link: the
     * transport does not half-close the attach connection at the end of stdin, so the relay would
     * otherwise never learn that our side is gone. Errors become end of stream, because the
     * transport's copy thread would print them as uncaught exceptions.
     */
    private static final class EndingInput extends FilterInputStream {
        private final Link link;

        EndingInput(InputStream in, Link link) {
            super(in);
            this.link = link;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                link.close();
            }
            return n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }
}
