package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.capture.WriteFailures;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Saves a heap snapshot that streams out of a container: into {@code <file>.partial}, created
 * 0600 before the first byte because a snapshot holds every string of the heap, renamed over
 * {@code <file>} once it has every byte and its JSON is closed, deleted on any failure. The
 * stream's source (the Engine API's archive, a Kubernetes exec) is the platform's; the failures of
 * our own disk are told apart from the source's, since they need different fixes.
 */
public final class SnapshotDownload {

    /** Writes the file's bytes into the stream it is given, as they arrive. */
    @FunctionalInterface
    public interface Source {
        void writeTo(OutputStream out) throws IOException, OrchestrationException;
    }

    private SnapshotDownload() {
    }

    /**
     * @param where        the file and its container, for messages
     * @param from         what the bytes come through, for messages ("the Docker daemon")
     * @param expectedSize the size the file had in the container when it was complete
     * @return the bytes saved
     */
    public static long save(Source source, String where, String from, long expectedSize, Path file,
                            ProgressListener progress) throws OrchestrationException {
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        boolean done = false;
        try {
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Recording out = new Recording(new BufferedOutputStream(Files.newOutputStream(partial,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), 1 << 20), copied ->
                    progress.onProgress("Copying the snapshot out of the container", copied, expectedSize));
            try (out) {
                source.writeTo(out);
            } catch (IOException | OrchestrationException e) {
                // A failed write to our disk ends the source's stream too; our disk is what to fix.
                if (out.writeFailure != null) {
                    throw diskFailure(partial, out.writeFailure);
                }
                if (e instanceof OrchestrationException o) {
                    throw o;
                }
                throw new OrchestrationException("cannot read " + where + " from " + from + ": " + WriteFailures.reason((IOException) e), e);
            }
            if (out.writeFailure != null) {
                throw diskFailure(partial, out.writeFailure);
            }
            long size = Files.size(partial);
            if (size != expectedSize) {
                throw new OrchestrationException("the copy of " + where + " has " + size + " bytes, not the "
                        + expectedSize + " the file had when it was complete (did something change it?)");
            }
            if (!closesJson(partial)) {
                throw new OrchestrationException("the copy of " + where + " does not end with the close of its JSON;"
                        + " the snapshot is incomplete");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return size;
        } catch (IOException e) {
            throw diskFailure(partial, e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // The error being thrown says what went wrong; a file we cannot delete adds nothing.
                }
            }
        }
    }

    /** Counts what is written and keeps the first failure, whichever thread writes (an exec's reader may). */
    private static final class Recording extends OutputStream {
        private final OutputStream out;
        private final java.util.function.LongConsumer progress;
        private long copied;
        private volatile IOException writeFailure;

        Recording(OutputStream out, java.util.function.LongConsumer progress) {
            this.out = out;
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                if (writeFailure == null) {
                    writeFailure = e;
                }
                throw e;
            }
            copied += len;
            progress.accept(copied);
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                if (writeFailure == null) {
                    writeFailure = e;
                }
                throw e;
            }
        }
    }

    private static boolean closesJson(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length < 2) {
                return false;
            }
            raf.seek(length - 2);
            return raf.read() == ']' && raf.read() == '}';
        }
    }

    private static OrchestrationException diskFailure(Path partial, IOException e) {
        return new OrchestrationException(WriteFailures.message(partial, e), e);
    }
}
