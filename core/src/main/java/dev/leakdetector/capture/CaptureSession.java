package dev.leakdetector.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leakdetector.heap.parse.ProgressListener;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * One inspector session with one Node.js process, kept open from the first snapshot to the last:
 * V8 resets its object ids when a session closes, and the exact diff depends on ids staying stable.
 *
 * <p>A snapshot streams {@code HeapProfiler.addHeapSnapshotChunk} events straight into
 * {@code <file>.partial} (mode 0600), never holding the snapshot in memory, and renames it when
 * V8 answers the {@code takeHeapSnapshot} request (the answer carries no data: it means "done").
 * On any failure the partial file is deleted.
 */
public final class CaptureSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Timeouts of a capture.
     *
     * @param connect  to open the WebSocket
     * @param idle     the target may stay silent this long during a snapshot (generation sends
     *                 progress events; a heap of millions of objects still needs minutes)
     * @param snapshot a whole snapshot may take this long
     */
    public record Timeouts(Duration connect, Duration idle, Duration snapshot) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1));
        }
    }

    private final CdpConnection connection;
    private final Timeouts timeouts;
    private final long pid;
    private boolean profilerEnabled;

    private CaptureSession(CdpConnection connection, Timeouts timeouts, long pid) {
        this.connection = connection;
        this.timeouts = timeouts;
        this.pid = pid;
    }

    /**
     * Opens a session with the target at {@code endpoint}.
     *
     * @param expectedPid the pid the target must report (in its own pid namespace), or -1 to accept any;
     *                    guards against snapshotting another process that took the inspector port
     */
    public static CaptureSession open(InspectorEndpoint endpoint, long expectedPid, Timeouts timeouts)
            throws CaptureException {
        List<InspectorTarget> targets = InspectorHttp.create().targets(endpoint);
        InspectorTarget target = null;
        for (InspectorTarget candidate : targets) {
            if (expectedPid < 0 || candidate.titlePid() < 0 || candidate.titlePid() == expectedPid) {
                target = candidate;
                break;
            }
        }
        if (target == null) {
            throw new CaptureException("the inspector at " + endpoint + " belongs to another process ("
                    + targets.get(0).title() + "), not pid " + expectedPid);
        }
        CdpConnection connection = CdpConnection.open(target.webSocketDebuggerUrl(), timeouts.connect());
        try {
            JsonNode pidValue = evaluate(connection, "process.pid", timeouts);
            long actualPid = pidValue.asLong(-1);
            if (expectedPid >= 0 && actualPid != expectedPid) {
                throw new CaptureException("the inspector at " + endpoint + " belongs to pid " + actualPid
                        + ", not " + expectedPid + " (another process took its port?)");
            }
            CaptureSession session = new CaptureSession(connection, timeouts, actualPid);
            // Enabled once, up front: the profiler then tracks object moves for the whole
            // session, and a snapshot later only waits on the snapshot itself.
            session.enableProfiler();
            return session;
        } catch (CaptureException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The target's pid, as it reported it. */
    public long pid() {
        return pid;
    }

    /** What the target says about its memory. */
    public TargetMemory memory() throws CaptureException {
        JsonNode value = evaluate(connection, "JSON.stringify((() => {"
                + " const m = process.memoryUsage();"
                + " let limit = 0;"
                + " try { const v8 = process.getBuiltinModule ? process.getBuiltinModule('v8')"
                + "   : (process.mainModule && process.mainModule.require('v8'));"
                + "   if (v8) limit = v8.getHeapStatistics().heap_size_limit; } catch (e) { }"
                + " const constrained = typeof process.constrainedMemory === 'function' ? (process.constrainedMemory() || 0) : 0;"
                + " return { pid: process.pid, rss: m.rss, heapUsed: m.heapUsed, limit, constrained, version: process.version };"
                + "})())", timeouts);
        try {
            JsonNode m = JSON.readTree(value.asText());
            long constrained = m.path("constrained").asLong(0);
            // Without a cgroup limit Node reports a huge number; some cgroup setups yield nonsense
            // such as a few hundred bytes. Neither is a limit to plan with.
            if (constrained > 1L << 50 || constrained < 64L << 20) {
                constrained = 0;
            }
            return new TargetMemory(m.path("pid").asLong(), m.path("rss").asLong(), m.path("heapUsed").asLong(),
                    m.path("limit").asLong(), constrained, m.path("version").asText());
        } catch (IOException e) {
            throw new CaptureException("the target's memory report is not readable: " + e.getMessage(), e);
        }
    }

    /**
     * Takes one heap snapshot into {@code file}.
     *
     * @param gc run a full garbage collection first (V8 also collects inside the snapshot)
     */
    public long takeSnapshot(Path file, boolean gc, ProgressListener progress) throws CaptureException {
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            enableProfiler();
            if (gc) {
                progress.onProgress("Collecting garbage", 0, -1);
                connection.call("HeapProfiler.collectGarbage", null, timeouts.snapshot(), timeouts.idle());
            }
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new CaptureException("cannot create " + partial + ": " + WriteFailures.reason(e), e);
        }
        ChunkWriter writer = new ChunkWriter(partial, progress);
        boolean done = false;
        try (writer) {
            connection.on("HeapProfiler.addHeapSnapshotChunk", writer::chunk);
            connection.on("HeapProfiler.reportHeapSnapshotProgress", params ->
                    progress.onProgress("Target writes its heap graph", params.path("done").asLong(),
                            params.path("total").asLong(-1)));
            ObjectNode params = JSON.createObjectNode();
            params.put("reportProgress", true);
            params.put("captureNumericValue", false);
            params.put("exposeInternals", false);
            connection.call("HeapProfiler.takeHeapSnapshot", params, timeouts.snapshot(), timeouts.idle());
            writer.finish();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return writer.bytes();
        } catch (CaptureException e) {
            throw writer.failure() != null ? diskFailure(partial, writer.failure()) : e;
        } catch (IOException e) {
            throw diskFailure(partial, e);
        } finally {
            connection.off("HeapProfiler.addHeapSnapshotChunk");
            connection.off("HeapProfiler.reportHeapSnapshotProgress");
            if (!done) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // Nothing more can be done about a file we cannot delete; the error above says why.
                }
            }
        }
    }

    private void enableProfiler() throws CaptureException {
        if (!profilerEnabled) {
            connection.call("HeapProfiler.enable", null, timeouts.connect(), null);
            profilerEnabled = true;
        }
    }

    private static CaptureException diskFailure(Path partial, IOException e) {
        return new CaptureException(WriteFailures.message(partial, e), e);
    }

    private static JsonNode evaluate(CdpConnection connection, String expression, Timeouts timeouts)
            throws CaptureException {
        ObjectNode params = JSON.createObjectNode();
        params.put("expression", expression);
        params.put("returnByValue", true);
        JsonNode result = connection.call("Runtime.evaluate", params, timeouts.connect(), null);
        if (result.has("exceptionDetails")) {
            throw new CaptureException("the target could not evaluate " + expression.substring(0,
                    Math.min(40, expression.length())) + "…: " + result.path("exceptionDetails").path("text").asText());
        }
        return result.path("result").path("value");
    }

    /**
     * Ends the session. The inspector itself stays open in the target, as {@code kill -USR1}
     * leaves it; it listens on loopback only.
     */
    @Override
    public void close() {
        connection.close();
    }

    /** Appends chunks to the partial file on the connection's thread; remembers the first failure. */
    private static final class ChunkWriter implements AutoCloseable {
        private final OutputStream out;
        private final ProgressListener progress;
        private long bytes;
        private volatile IOException failure;

        ChunkWriter(Path file, ProgressListener progress) throws CaptureException {
            try {
                this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), 1 << 20);
            } catch (IOException e) {
                throw new CaptureException("cannot write " + file + ": " + WriteFailures.reason(e), e);
            }
            this.progress = progress;
        }

        void chunk(JsonNode params) {
            if (failure != null) {
                return;
            }
            try {
                // The snapshot is pure ASCII (V8 escapes everything else), so chars are bytes.
                byte[] data = params.path("chunk").asText().getBytes(StandardCharsets.ISO_8859_1);
                out.write(data);
                bytes += data.length;
                progress.onProgress("Receiving snapshot", bytes, -1);
            } catch (IOException e) {
                failure = e;
                throw new java.io.UncheckedIOException(e);
            }
        }

        void finish() throws IOException {
            if (failure != null) {
                throw failure;
            }
            out.flush();
        }

        IOException failure() {
            return failure;
        }

        long bytes() {
            return bytes;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
