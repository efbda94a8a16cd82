package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.dumps.SnapshotDownload;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies a heap snapshot out of a container through the Engine API's archive endpoint (what
 * {@code docker cp} uses; it needs no tool in the image). The tar stream is unpacked as it
 * arrives, through {@link SnapshotDownload}: a 0600 partial file, renamed once complete.
 */
final class ContainerFileCopy {
    private static final String FROM = "the Docker daemon";

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

    /** Unpacks the archive's one file into {@code file} (separate for tests). */
    static long save(InputStream tar, String where, long expectedSize, Path file, ProgressListener progress)
            throws OrchestrationException {
        // The download reports the progress: it counts what reaches the disk.
        return SnapshotDownload.save(out -> SingleFileTar.extract(tar, out, copied -> { }), where, FROM, expectedSize,
                file, progress);
    }

    private static long checkedSize(Path file) throws OrchestrationException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new OrchestrationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
