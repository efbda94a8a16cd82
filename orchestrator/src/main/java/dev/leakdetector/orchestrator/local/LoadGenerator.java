package dev.leakdetector.orchestrator.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load on loopback: requests at a fixed rate until stopped or until its deadline, with
 * counts of successes and failures. It stops by itself; it never targets anything but 127.0.0.1.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Counts so far. */
    public record Stats(long sent, long succeeded, long failed, List<String> failures) {
    }

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("load-", 0).factory());
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
    private final Thread pacer;
    private volatile boolean running = true;

    private LoadGenerator(int port, String pathPrefix, int perSecond, Duration maximum) {
        long intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
        long deadline = System.nanoTime() + maximum.toNanos();
        pacer = Thread.ofPlatform().daemon().name("load-pacer").start(() -> {
            long next = System.nanoTime();
            long n = 0;
            while (running && System.nanoTime() < deadline) {
                long id = n++;
                executor.execute(() -> request(port, pathPrefix + id));
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    /** Starts {@code perSecond} GET requests per second to 127.0.0.1:port, for at most {@code maximum}. */
    public static LoadGenerator start(int port, String pathPrefix, int perSecond, Duration maximum) {
        return new LoadGenerator(port, pathPrefix, perSecond, maximum);
    }

    private void request(int port, String path) {
        sent.incrementAndGet();
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                succeeded.incrementAndGet();
            } else {
                fail("HTTP " + response.statusCode() + " for " + path);
            }
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + " for " + path + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private void fail(String what) {
        failed.incrementAndGet();
        if (failures.size() < 20) {
            failures.add(what);
        }
    }

    public Stats stats() {
        return new Stats(sent.get(), succeeded.get(), failed.get(), List.copyOf(failures));
    }

    /** Stops sending and waits for requests in flight; returns the final counts. */
    public Stats stop() throws InterruptedException {
        running = false;
        pacer.join(5000);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sent.get() > succeeded.get() + failed.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return stats();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        client.close();
        executor.shutdownNow();
    }
}
