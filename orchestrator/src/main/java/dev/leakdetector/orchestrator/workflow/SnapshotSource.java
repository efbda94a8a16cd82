package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.capture.CaptureException;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.ProgressListener;

import java.nio.file.Path;

/**
 * Where the run's heap snapshots of the target come from: one inspector session by default, or a
 * platform's own way when the inspector cannot be used (see {@link Platform#openSnapshots}). One
 * source takes every snapshot of a run, because V8 keeps object ids stable only within one
 * session or, without an inspector, within the process.
 */
public interface SnapshotSource extends AutoCloseable {

    /** What the target's memory is, for the pre-flight check; null when it cannot be known from here. */
    TargetMemory memory() throws OrchestrationException, CaptureException;

    /**
     * Takes one snapshot into {@code file}: mode 0600, written under a {@code .partial} name and
     * renamed when complete, deleted on failure.
     *
     * @param gc collect garbage first, when the source can (V8 collects during a snapshot anyway)
     * @return the size of the file in bytes
     */
    long take(Path file, boolean gc, ProgressListener progress) throws OrchestrationException, CaptureException;

    @Override
    void close();
}
