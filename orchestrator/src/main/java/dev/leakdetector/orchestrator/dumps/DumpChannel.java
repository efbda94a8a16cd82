package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.nio.file.Path;
import java.util.List;

/**
 * What a platform adds to the {@code --heapsnapshot-signal} method: how a complete snapshot file
 * leaves the container, and the undo record (in its own kind and params, so that its
 * {@code cleanup} can replay it) that deletes what the signal made Node write.
 */
public interface DumpChannel {

    /**
     * Copies the file out into {@code file} through {@link SnapshotDownload}: 0600, under a
     * partial name until complete, deleted on failure.
     *
     * @param size the size the file had in the container when it was complete
     * @return the bytes copied
     */
    long copyOut(String path, long size, Path file, ProgressListener progress) throws OrchestrationException;

    /** Deletes the process's snapshot files in the directory, except those that were there before the signal. */
    UndoRecord removal(HeapDumpFiles files, List<String> existing);
}
