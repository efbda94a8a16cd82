package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.dumps.TargetShell;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.time.Duration;
import java.util.List;

/**
 * The {@code --heapsnapshot-signal} method's commands in the target's container, through
 * {@link PodExec}. A Kubernetes exec cannot choose its user: every command runs as the
 * container's (its {@code securityContext.runAsUser}, else the image's USER), and the method's
 * pre-flight checks what that allows (see {@code SignalPlan.preflight}).
 */
record PodShell(PodExec exec, String namespace, String pod, String container, Duration timeout) implements TargetShell {

    static PodShell of(PodExec exec, PodTarget target, Duration timeout) {
        return new PodShell(exec, target.namespace(), target.pod(), target.container(), timeout);
    }

    @Override
    public Result run(List<String> command, String user) throws OrchestrationException {
        PodExec.Result result = exec.exec(namespace, pod, container, command, timeout);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }

    @Override
    public String displayName() {
        return "pod " + namespace + "/" + pod + " (container " + container + ")";
    }
}
