package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.capture.CaptureException;
import dev.leakdetector.capture.CaptureSession;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.ProgressListener;

import java.nio.file.Path;

/** Snapshots through one inspector session, kept open from the first snapshot to the last. */
final class InspectorSnapshots implements SnapshotSource {
    private final CaptureSession session;

    private InspectorSnapshots(CaptureSession session) {
        this.session = session;
    }

    static InspectorSnapshots open(InspectorAccess access) throws CaptureException {
        return new InspectorSnapshots(CaptureSession.open(access.endpoint(), access.expectedPid(),
                CaptureSession.Timeouts.defaults()));
    }

    @Override
    public TargetMemory memory() throws CaptureException {
        return session.memory();
    }

    @Override
    public long take(Path file, boolean gc, ProgressListener progress) throws CaptureException {
        return session.takeSnapshot(file, gc, progress);
    }

    @Override
    public void close() {
        session.close();
    }
}
