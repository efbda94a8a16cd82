package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Copies a heap snapshot out of a container through the Engine API's archive endpoint (what
 * {@code docker cp} uses; it needs no tool in the image). The tar stream is unpacked as it
 * arrives into {@code <file>.partial}, created 0600 before the first byte because a snapshot holds
 * every string of the heap, and renamed over {@code <file>} once every byte is there and the JSON
 * is closed. On any failure the partial file is deleted.
 */
final class ContainerFileCopy {
    private final DockerClient docker;

    ContainerFileCopy(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * @param expectedSize the size the file had in the container when it was complete
     * @return the bytes copied
     */
    long copy(String containerId, String path, long expectedSize, Path file, ProgressListener progress)
            throws OrchestrationException {
        String where = path + " in container " + ContainerExec.shortId(containerId);
        try (InputStream tar = docker.copyArchiveFromContainerCmd(containerId, path).exec()) {
            return save(tar, where, expectedSize, file, progress);
        } catch (NotFoundException e) {
            throw new OrchestrationException("the snapshot " + where + " disappeared before it was copied", e);
        } catch (IOException e) {
            // Closing the archive stream after a complete copy failed: the file is in place already.
            return checkedSize(file);
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot copy " + where + " out: " + DockerConnection.rootMessage(e), e);
        }
    }

    /** Unpacks the archive's file into {@code file} through a 0600 partial file (separate for tests). */
    static long save(InputStream tar, String where, long expectedSize, Path file, ProgressListener progress)
            throws OrchestrationException {
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        boolean done = false;
        try {
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            SingleFileTar.Entry entry;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), 1 << 20)) {
                entry = readArchive(tar, out, where, expectedSize, progress);
            }
            if (entry.size() != expectedSize) {
                throw new OrchestrationException("the copy of " + where + " has " + entry.size() + " bytes, not the "
                        + expectedSize + " the file had when it was complete (did something change it?)");
            }
            if (!closesJson(partial)) {
                throw new OrchestrationException("the copy of " + where + " does not end with the close of its JSON;"
                        + " the snapshot is incomplete");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return entry.size();
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

    /** Reads the archive, telling read errors (the daemon's side) from write errors (ours). */
    private static SingleFileTar.Entry readArchive(InputStream tar, OutputStream out, String where, long expectedSize,
                                                   ProgressListener progress) throws IOException, OrchestrationException {
        OutputStream writes = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new WriteFailure(e);
                }
            }
        };
        try {
            return SingleFileTar.extract(tar, writes, copied -> progress.onProgress("Copying the snapshot out of the"
                    + " container", copied, expectedSize));
        } catch (WriteFailure e) {
            throw e.failure;
        } catch (IOException e) {
            throw new OrchestrationException("cannot read " + where + " from the Docker daemon: " + describe(e), e);
        }
    }

    /** An error of our own disk, carried through the tar reader so it is not taken for the daemon's. */
    private static final class WriteFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final IOException failure;

        WriteFailure(IOException failure) {
            super(failure);
            this.failure = failure;
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

    private static long checkedSize(Path file) throws OrchestrationException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new OrchestrationException("cannot read " + file + ": " + describe(e), e);
        }
    }

    private static OrchestrationException diskFailure(Path partial, IOException e) {
        String text = describe(e);
        if (text.contains("No space left")) {
            return new OrchestrationException("the disk is full while writing " + partial.getParent()
                    + "; free space or choose another output directory (the partial file was deleted)", e);
        }
        return new OrchestrationException("cannot write " + partial + ": " + text, e);
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
