package dev.leakdetector.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Chrome DevTools Protocol connection over the JDK's WebSocket client: numbered requests with
 * their responses, and events delivered to handlers on the connection's thread.
 *
 * <p>Messages arrive in parts; a part is appended until the last one and the whole message is
 * then decoded. Events are handled one at a time, before the next message is requested, so a
 * handler that writes to disk slows the stream down instead of buffering it in memory.
 */
public final class CdpConnection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonNode>> handlers = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong lastMessageNanos = new AtomicLong(System.nanoTime());
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final String description;

    private CdpConnection(WebSocket socket, String description, Listener listener) {
        this.socket = socket;
        this.description = description;
        listener.connection = this;
    }

    public static CdpConnection open(URI webSocketUrl, Duration connectTimeout) throws CaptureException {
        Listener listener = new Listener();
        try {
            WebSocket socket = HttpClient.newBuilder().connectTimeout(connectTimeout).build()
                    .newWebSocketBuilder().connectTimeout(connectTimeout)
                    .buildAsync(webSocketUrl, listener).get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            CdpConnection connection = new CdpConnection(socket, webSocketUrl.getHost() + ":" + webSocketUrl.getPort(),
                    listener);
            listener.ready.complete(null);
            return connection;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new CaptureException("cannot open the inspector WebSocket at " + webSocketUrl.getHost() + ":"
                    + webSocketUrl.getPort() + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while connecting to the inspector", e);
        }
    }

    /** Registers the handler for an event method, replacing any previous one. */
    public void on(String method, Consumer<JsonNode> handler) {
        handlers.put(method, handler);
    }

    public void off(String method) {
        handlers.remove(method);
    }

    /** Sends a request; the future completes with its {@code result}, or fails with the protocol error. */
    public CompletableFuture<JsonNode> send(String method, ObjectNode params) {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        if (closed.isDone()) {
            pending.remove(id);
            result.completeExceptionally(new IOException("the inspector connection is closed: " + closed.join()));
            return result;
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        socket.sendText(message.toString(), true).whenComplete((ws, error) -> {
            if (error != null) {
                pending.remove(id);
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /**
     * Sends a request and waits for its result. While waiting, the connection must stay alive
     * and, when {@code idleTimeout} is not null, deliver some message at least that often.
     */
    public JsonNode call(String method, ObjectNode params, Duration overallTimeout, Duration idleTimeout)
            throws CaptureException {
        CompletableFuture<JsonNode> result = send(method, params);
        long deadline = System.nanoTime() + overallTimeout.toNanos();
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (now > deadline) {
                    throw new CaptureException(method + " did not finish within " + human(overallTimeout)
                            + " (the target at " + description + " may be stuck; raise --timeout if it is just big)");
                }
                if (idleTimeout != null && now - lastMessageNanos.get() > idleTimeout.toNanos()) {
                    throw new CaptureException("the target at " + description + " sent nothing for "
                            + human(idleTimeout) + " during " + method + " (stuck or out of memory?)");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ProtocolError protocol) {
                    throw new CaptureException(method + " failed: " + protocol.getMessage());
                }
                if (cause instanceof CaptureException capture) {
                    throw capture;
                }
                throw new CaptureException("the inspector connection to " + description + " broke during " + method
                        + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()),
                        cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CaptureException("interrupted during " + method, e);
            }
        }
    }

    /** Completes with a reason when the connection closes or fails. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
            socket.abort();
            fail("closed by leak-detector");
        }
    }

    private void dispatch(String text) {
        lastMessageNanos.set(System.nanoTime());
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> result = pending.remove(message.get("id").asInt());
            if (result != null) {
                if (message.has("error")) {
                    result.completeExceptionally(new ProtocolError(message.get("error").path("message").asText("error")));
                } else {
                    result.complete(message.path("result"));
                }
            }
            return;
        }
        Consumer<JsonNode> handler = handlers.get(message.path("method").asText());
        if (handler != null) {
            try {
                handler.accept(message.path("params"));
            } catch (RuntimeException e) {
                // A failing handler (a full disk) must not kill the connection thread silently:
                // fail every pending call with the cause.
                failAll(e);
            }
        }
    }

    private void fail(String reason) {
        closed.complete(reason);
        failAll(new IOException("the inspector connection closed: " + reason));
    }

    private void failAll(Throwable cause) {
        for (Integer id : pending.keySet()) {
            CompletableFuture<JsonNode> future = pending.remove(id);
            if (future != null) {
                future.completeExceptionally(cause);
            }
        }
    }

    private static String human(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 120 ? seconds / 60 + " min" : seconds + " s";
    }

    /** An error object in a CDP response. */
    static final class ProtocolError extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolError(String message) {
            super(message, null, false, false);
        }
    }

    /** Accumulates message parts and hands whole messages to the connection. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private volatile CdpConnection connection;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (text.capacity() > 1 << 22) {
                    text.trimToSize();
                }
                ready.join();
                connection.dispatch(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ready.join();
            connection.fail("the target closed it (status " + statusCode + (reason.isEmpty() ? "" : ", " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (connection != null) {
                connection.fail(error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
            }
        }
    }
}
