package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.dumps.DumpChannel;
import dev.leakdetector.orchestrator.dumps.HeapDumpFiles;
import dev.leakdetector.orchestrator.dumps.TargetShell;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code --heapsnapshot-signal} method's way into one container: {@code docker exec} as the
 * user asked for, the archive API for the copy, and Docker's own undo record for the files.
 */
final class DockerDumps implements TargetShell, DumpChannel {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

    private final DockerClient docker;
    private final String containerId;
    private final String containerName;

    /** @param containerName for the undo's description (the short id when it is not known) */
    DockerDumps(DockerClient docker, String containerId, String containerName) {
        this.docker = docker;
        this.containerId = containerId;
        this.containerName = containerName;
    }

    @Override
    public Result run(List<String> command, String user) throws OrchestrationException {
        ContainerExec.Result result = new ContainerExec(docker).run(containerId, command, EXEC_TIMEOUT, user);
        return new Result(result.exitCode(), result.out(), result.stderr());
    }

    @Override
    public String displayName() {
        return "container " + ContainerExec.shortId(containerId);
    }

    @Override
    public long copyOut(String path, long size, Path file, ProgressListener progress) throws OrchestrationException {
        return new ContainerFileCopy(docker).copy(containerId, path, size, file, progress);
    }

    @Override
    public UndoRecord removal(HeapDumpFiles files, List<String> existing) {
        return DockerUndo.removeSnapshotFiles(containerId, containerName, files, existing);
    }
}
