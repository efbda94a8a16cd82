package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.time.Duration;
import java.util.List;

/**
 * The maintenance file inside a container, through exec: a POSIX shell where there is one, else
 * the image's own {@code node} (distroless images have no shell). Paths travel as arguments,
 * never spliced into a script.
 */
final class ContainerFiles {
    private final PodExec exec;
    private final Duration timeout;

    ContainerFiles(PodExec exec, Duration timeout) {
        this.exec = exec;
        this.timeout = timeout;
    }

    boolean exists(String ns, String pod, String container, String path) throws OrchestrationException {
        PodExec.Result result = run(ns, pod, container,
                List.of("sh", "-c", "if [ -e \"$1\" ]; then echo yes; else echo no; fi", "sh", path),
                List.of("node", "-e", "console.log(require('fs').existsSync(process.argv[1])?'yes':'no')", path));
        return result.stdout().trim().equals("yes");
    }

    void create(String ns, String pod, String container, String path) throws OrchestrationException {
        run(ns, pod, container, List.of("sh", "-c", ": > \"$1\"", "sh", path),
                List.of("node", "-e", "require('fs').writeFileSync(process.argv[1],'')", path));
    }

    void remove(String ns, String pod, String container, String path) throws OrchestrationException {
        run(ns, pod, container, List.of("sh", "-c", "rm -f \"$1\"", "sh", path),
                List.of("node", "-e", "require('fs').rmSync(process.argv[1],{force:true})", path));
    }

    /** The value of a variable in the container's environment (secrets included), or "". */
    String env(String ns, String pod, String container, String name) throws OrchestrationException {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a variable name: " + name);
        }
        PodExec.Result result = run(ns, pod, container, List.of("sh", "-c", "printf %s \"$" + name + "\""),
                List.of("node", "-e", "process.stdout.write(process.env[process.argv[1]]||'')", name));
        return result.stdout();
    }

    private PodExec.Result run(String ns, String pod, String container, List<String> shell, List<String> node)
            throws OrchestrationException {
        PodExec.Result result = exec.exec(ns, pod, container, shell, timeout);
        if (result.missingExecutable()) {
            result = exec.exec(ns, pod, container, node, timeout);
        }
        if (!result.ok()) {
            throw new OrchestrationException("exec in pod " + ns + "/" + pod + " (container " + container + ") failed with exit "
                    + result.exitCode() + ": " + result.stderr().trim());
        }
        return result;
    }
}
