package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.leakdetector.orchestrator.dumps.TargetShell;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command inside a container, as {@code docker exec} does, and returns its exit code and
 * output. Used for everything the run does inside a container: the process probe, the drain file,
 * the agent call, the signal that opens the inspector.
 */
final class ContainerExec {

    /** What a command printed and how it ended. */
    record Result(int exitCode, byte[] stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** True when the executable does not exist in the image (the runtime's 126/127 answers). */
        boolean missingExecutable() {
            String text = (stderr + " " + out()).toLowerCase(Locale.ROOT);
            return (exitCode == 126 || exitCode == 127) && (text.contains("not found") || text.contains("no such file")
                    || text.isBlank());
        }

        /** The last line of stderr (or stdout), for error messages. */
        String lastLine() {
            String text = stderr.isBlank() ? out() : stderr;
            String[] lines = text.strip().split("\n");
            return lines.length == 0 ? "" : lines[lines.length - 1].strip();
        }
    }

    private final DockerClient docker;

    ContainerExec(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * Runs {@code command} in the container and waits for it.
     *
     * @throws OrchestrationException when the container is gone or stopped, or the command does not
     *                                finish in time (a hung exec is a failure, not a wait forever)
     */
    Result run(String containerId, List<String> command, Duration timeout) throws OrchestrationException {
        return run(containerId, command, timeout, null);
    }

    /** As {@link #run(String, List, Duration)}, as the given {@code uid:gid} (null: the container's user). */
    Result run(String containerId, List<String> command, Duration timeout, String user) throws OrchestrationException {
        String execId = create(containerId, command, false, user);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                // docker-java reuses the frame's buffer: copy the bytes before returning.
                (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).writeBytes(frame.getPayload());
            }
        };
        try {
            docker.execStartCmd(execId).withDetach(false).withTty(false).exec(callback);
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new OrchestrationException("'" + shortCommand(command) + "' in container " + shortId(containerId)
                        + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted while running '" + shortCommand(command) + "' in container "
                    + shortId(containerId));
        } catch (RuntimeException e) {
            throw failure(containerId, command, e);
        } finally {
            closeQuietly(callback);
        }
        Long exit;
        try {
            exit = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        } catch (RuntimeException e) {
            throw failure(containerId, command, e);
        }
        return new Result(exit == null ? -1 : exit.intValue(), stdout.toByteArray(),
                stderr.toString(StandardCharsets.UTF_8));
    }

    /** Creates an exec instance; {@code stdin} attaches standard input (for relays). */
    String create(String containerId, List<String> command, boolean stdin) throws OrchestrationException {
        return create(containerId, command, stdin, null);
    }

    private String create(String containerId, List<String> command, boolean stdin, String user)
            throws OrchestrationException {
        try {
            var create = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                    .withAttachStdin(stdin).withAttachStdout(true).withAttachStderr(true).withTty(false);
            if (user != null) {
                create.withUser(user);
            }
            return create.exec().getId();
        } catch (RuntimeException e) {
            throw failure(containerId, command, e);
        }
    }

    private OrchestrationException failure(String containerId, List<String> command, RuntimeException e) {
        if (e instanceof NotFoundException) {
            return new ContainerUnavailableException("container " + shortId(containerId) + " no longer exists", true, e);
        }
        if (e instanceof ConflictException) {
            return new ContainerUnavailableException("container " + shortId(containerId) + " is not running ("
                    + DockerConnection.rootMessage(e) + ")", false, e);
        }
        return new OrchestrationException("cannot run '" + shortCommand(command) + "' in container "
                + shortId(containerId) + ": " + DockerConnection.rootMessage(e), e);
    }

    static String shortId(String id) {
        return id.length() == 64 ? id.substring(0, 12) : id;
    }

    /** The command for messages: scripts passed with -c/-e are long and say nothing to a user. */
    static String shortCommand(List<String> command) {
        return TargetShell.shortCommand(command);
    }

    private static void closeQuietly(ResultCallback.Adapter<Frame> callback) {
        try {
            callback.close();
        } catch (IOException ignored) {
            // The exec finished or failed already; closing its stream is cleanup only.
        }
    }
}
