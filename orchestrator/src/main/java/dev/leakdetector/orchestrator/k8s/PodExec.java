package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Runs a command in a container of a pod, as {@code kubectl exec} does. An interface so that tests
 * can put a real local process behind it: the API server's mock runs no containers.
 */
public interface PodExec {

    /**
     * What the command did.
     *
     * @param exitCode its exit code; -1 when the runtime could not start it
     * @param stdout   what it printed
     * @param stderr   its error output, and the runtime's own message when it could not start it
     */
    record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** True when the executable does not exist in the image (a distroless image has no sh). */
        public boolean missingExecutable() {
            String text = stderr.toLowerCase(Locale.ROOT);
            return exitCode != 0 && (text.contains("executable file not found") || text.contains("no such file or directory")
                    || exitCode == 127 && text.contains("not found"));
        }
    }

    /**
     * @throws OrchestrationException when the command cannot be run at all: the pod is gone, exec
     *                                is forbidden, the API server is unreachable, or it timed out
     */
    Result exec(String namespace, String pod, String container, List<String> command, Duration timeout)
            throws OrchestrationException;

    /**
     * As {@link #exec}, with the command's standard output written to {@code stdout} as it
     * arrives rather than kept: for a heap snapshot copied out of the container, which can be
     * bigger than this process's memory. The result's {@code stdout} is empty.
     */
    Result stream(String namespace, String pod, String container, List<String> command, OutputStream stdout,
                  Duration timeout) throws OrchestrationException;
}
