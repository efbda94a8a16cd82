package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link PodExec} through the API server's {@code pods/exec} subresource (fabric8, over a
 * WebSocket). fabric8 writes each stdout frame to the given stream in order, and completes the
 * exit code only after the frames before it, so a streamed output is whole once the code is known
 * (its own {@code file().copy()} relies on the same).
 */
final class FabricPodExec implements PodExec {
    private final KubernetesClient client;

    FabricPodExec(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Result exec(String namespace, String pod, String container, List<String> command, Duration timeout)
            throws OrchestrationException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result result = stream(namespace, pod, container, command, out, timeout);
        return new Result(result.exitCode(), out.toString(StandardCharsets.UTF_8), result.stderr());
    }

    @Override
    public Result stream(String namespace, String pod, String container, List<String> command, OutputStream stdout,
                         Duration timeout) throws OrchestrationException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // The error channel carries the runtime's own status, e.g. "executable file not found".
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        String what = "exec " + command.get(0) + " in pod " + namespace + "/" + pod + " (container " + container + ")";
        try (ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                .writingOutput(stdout).writingError(err).writingErrorChannel(status)
                .exec(command.toArray(String[]::new))) {
            int code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String stderr = err.toString(StandardCharsets.UTF_8);
            String failure = status.toString(StandardCharsets.UTF_8);
            // The runtime's own failure ("executable file not found") is told there; a command that
            // ran and exited non-zero has only its exit code there, which the result carries already.
            if (code != 0 && !failure.isEmpty() && !failure.contains("\"NonZeroExitCode\"")) {
                stderr = stderr + failure;
            }
            return new Result(code, "", stderr);
        } catch (KubernetesClientException e) {
            throw Api.failure(what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KubernetesClientException k) {
                throw Api.failure(what, k);
            }
            throw new OrchestrationException(what + " failed: " + (cause == null ? e : cause).getMessage(), e);
        } catch (TimeoutException e) {
            throw new OrchestrationException(what + " did not finish within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted during " + what);
        }
    }
}
