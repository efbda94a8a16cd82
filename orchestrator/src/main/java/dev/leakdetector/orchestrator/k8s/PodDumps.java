package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.dumps.DumpChannel;
import dev.leakdetector.orchestrator.dumps.DumpCommands;
import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.dumps.SnapshotDownload;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a snapshot Node wrote in a pod leaves it: {@code cat FILE} (or Node, in images without cat)
 * through an exec whose output streams into the local file, the way {@code kubectl cp} and
 * fabric8's {@code file().copy()} read a pod's file, but with the exit code and the error output
 * checked, and without needing a shell or tar in the image.
 */
final class PodDumps implements DumpChannel {
    private static final String FROM = "the API server's exec stream";

    private final PodExec exec;
    private final PodTarget target;
    private final DumpCommands commands;
    private final Duration timeout;

    /** @param timeout for one whole copy */
    PodDumps(PodExec exec, PodTarget target, DumpCommands commands, Duration timeout) {
        this.exec = exec;
        this.target = target;
        this.commands = commands;
        this.timeout = timeout;
    }

    @Override
    public long copyOut(String path, long size, Path file, ProgressListener progress) throws OrchestrationException {
        String where = path + " in " + target.describe() + " (container " + target.container() + ")";
        return SnapshotDownload.save(out -> {
            PodExec.Result result = exec.stream(target.namespace(), target.pod(), target.container(), commands.read(path),
                    out, timeout);
            if (!result.ok()) {
                throw new OrchestrationException("cannot copy " + where + " out (exit " + result.exitCode() + "): "
                        + result.stderr().strip());
            }
        }, where, FROM, size, file, progress);
    }

    @Override
    public UndoRecord removal(HeapDumpFiles files, List<String> existing) {
        return UndoRecords.removeSnapshotFiles(target, files, existing);
    }
}
