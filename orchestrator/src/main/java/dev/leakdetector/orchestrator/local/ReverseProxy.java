package dev.leakdetector.orchestrator.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local platform's load balancer: an HTTP reverse proxy on 127.0.0.1 in front of the service.
 * Each request goes to the current backend; {@link #switchTo} changes it for new requests while
 * requests already in flight finish on the old one, and {@link #awaitIdle} waits for them. That is
 * a real drain, with no failed request.
 */
public final class ReverseProxy implements AutoCloseable {
    /** Hop-by-hop headers, and the ones the JDK client sets itself. */
    private static final Set<String> SKIPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Map<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile int backendPort;

    private ReverseProxy(HttpServer server, ExecutorService executor, HttpClient client, int backendPort) {
        this.server = server;
        this.executor = executor;
        this.client = client;
        this.backendPort = backendPort;
    }

    /** Starts the proxy on 127.0.0.1:{@code port} (0 picks a free one) forwarding to {@code backendPort}. */
    public static ReverseProxy start(int port, int backendPort) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("proxy-", 0).factory());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
        ReverseProxy proxy = new ReverseProxy(server, executor, client, backendPort);
        server.createContext("/", proxy::forward);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int backendPort() {
        return backendPort;
    }

    /** New requests go to this backend from now on. */
    public void switchTo(int port) {
        backendPort = port;
    }

    /** Requests in flight to a backend. */
    public int inFlight(int port) {
        AtomicInteger count = inFlight.get(port);
        return count == null ? 0 : count.get();
    }

    /** Waits until no request is in flight to the backend; false on timeout. */
    public boolean awaitIdle(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight(port) > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void forward(HttpExchange exchange) throws IOException {
        int port = backendPort;
        AtomicInteger counter = inFlight.computeIfAbsent(port, p -> new AtomicInteger());
        counter.incrementAndGet();
        try (exchange) {
            URI uri = URI.create("http://127.0.0.1:" + port + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                if (!SKIPPED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    header.getValue().forEach(v -> request.header(header.getKey(), v));
                }
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!SKIPPED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            long length = response.headers().firstValueAsLong("content-length").orElse(0);
            boolean empty = exchange.getRequestMethod().equalsIgnoreCase("HEAD") || response.statusCode() == 204
                    || response.statusCode() == 304;
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : length);
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        } finally {
            counter.decrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
        executor.shutdownNow();
    }
}
