package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the service's Node.js process inside a container, through exec: PID 1 when Node runs as
 * the entrypoint, else the Node child of an init (tini, dumb-init, a shell). The process list is
 * read from /proc by a POSIX shell loop, or, in images without a shell (distroless), by a short
 * Node script; both print one line per process so that the choice is made here, in Java.
 *
 * <p>Only facts are taken from the container (pid, signal mask, command line); the snapshot itself
 * is always the service's own (its inspector, or its {@code --heapsnapshot-signal}), never taken by
 * a {@code node} process started for the purpose.
 */
final class NodeProcesses {
    /** SIGUSR1 is signal 10: bit 9 of the caught-signals mask in /proc/PID/status. */
    private static final long SIGUSR1_BIT = 1L << 9;

    static final String SHELL_LISTING = """
            printf 'self\\t%s\\n' "$$"
            for d in /proc/[0-9]*; do
              [ -r "$d/status" ] || continue
              n=; pp=; sc=
              while read -r k v; do
                case "$k" in Name:) n=$v;; PPid:) pp=$v;; SigCgt:) sc=$v;; esac
              done < "$d/status"
              e=$(readlink "$d/exe" 2>/dev/null)
              printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "${d#/proc/}" "${pp:-0}" "${sc:-0}" "${e:--}" "$n"
            done
            """;

    static final String NODE_LISTING = "const fs=require('fs');console.log('self\\t'+process.pid);"
            + "for(const p of fs.readdirSync('/proc')){if(!/^\\d+$/.test(p))continue;try{"
            + "const s=fs.readFileSync('/proc/'+p+'/status','utf8');"
            + "const g=k=>{const m=s.match(new RegExp('^'+k+':\\\\s*(.*)$','m'));return m?m[1]:''};"
            + "let e='-';try{e=fs.readlinkSync('/proc/'+p+'/exe')}catch(x){}"
            + "console.log([p,g('PPid')||'0',g('SigCgt')||'0',e,g('Name')].join('\\t'))}catch(x){}}";

    /** One process in the container; {@code caught} is its SigCgt mask. */
    record Process(long pid, long ppid, String exe, String name, long caught) {
        boolean node() {
            String base = exe.substring(exe.lastIndexOf('/') + 1);
            return name.equals("node") || base.equals("node") || base.equals("nodejs");
        }

        boolean catchesSigusr1() {
            return (caught & SIGUSR1_BIT) != 0;
        }

        /** The executable for {@code node -e} helpers: the service's own, else whatever PATH has. */
        String nodeExecutable() {
            return exe.startsWith("/") && node() ? exe.replace(" (deleted)", "") : "node";
        }
    }

    private final PodExec exec;
    private final Duration timeout;

    NodeProcesses(PodExec exec, Duration timeout) {
        this.exec = exec;
        this.timeout = timeout;
    }

    /** The service's Node.js process; a TargetNotFoundException when the container runs none. */
    Process find(PodTarget target) throws OrchestrationException {
        PodExec.Result result = exec.exec(target.namespace(), target.pod(), target.container(),
                List.of("sh", "-c", SHELL_LISTING), timeout);
        if (result.missingExecutable()) {
            result = exec.exec(target.namespace(), target.pod(), target.container(), List.of("node", "-e", NODE_LISTING),
                    timeout);
            if (result.missingExecutable()) {
                throw new TargetNotFoundException(target.describe() + " container " + target.container()
                        + " has neither sh nor node on its PATH; it does not look like a Node.js container");
            }
        }
        if (!result.ok()) {
            throw new OrchestrationException("cannot list the processes of " + target.describe() + " container "
                    + target.container() + " (exit " + result.exitCode() + "): " + result.stderr().trim());
        }
        List<Process> processes = parse(result.stdout());
        return choose(processes).orElseThrow(() -> new TargetNotFoundException(target.describe() + " container "
                + target.container() + " runs no Node.js process (it runs: " + String.join(", ",
                processes.stream().map(p -> p.pid() + " " + p.name()).toList()) + ")"));
    }

    /** Sends SIGUSR1, which makes Node open its inspector on 127.0.0.1 of the pod. */
    void signalUsr1(PodTarget target, long pid) throws OrchestrationException {
        PodExec.Result result = exec.exec(target.namespace(), target.pod(), target.container(),
                List.of("kill", "-USR1", Long.toString(pid)), timeout);
        if (result.missingExecutable()) {
            result = exec.exec(target.namespace(), target.pod(), target.container(),
                    List.of("node", "-e", "process.kill(" + pid + ",'SIGUSR1')"), timeout);
        }
        if (!result.ok()) {
            throw new OrchestrationException("cannot send SIGUSR1 to pid " + pid + " in " + target.describe()
                    + " (exit " + result.exitCode() + "): " + result.stderr().trim());
        }
    }

    /**
     * The process's command line from {@code /proc/PID/cmdline} (world-readable): {@code cat}, or
     * the image's node where there is none. Read from the process, not the pod spec, because the
     * image's own entrypoint, or a shell in between, may add Node options the spec does not show.
     */
    List<String> arguments(PodTarget target, Process process) throws OrchestrationException {
        String file = "/proc/" + process.pid() + "/cmdline";
        PodExec.Result result = exec.exec(target.namespace(), target.pod(), target.container(), List.of("cat", file),
                timeout);
        if (result.missingExecutable()) {
            result = exec.exec(target.namespace(), target.pod(), target.container(), List.of(process.nodeExecutable(),
                    "-e", "process.stdout.write(require('fs').readFileSync(process.argv[1]))", file), timeout);
        }
        if (!result.ok()) {
            throw new OrchestrationException("cannot read " + file + " in " + target.describe() + " (exit "
                    + result.exitCode() + "): " + result.stderr().trim());
        }
        List<String> arguments = new ArrayList<>(List.of(result.stdout().split("\0")));
        arguments.removeIf(String::isEmpty);
        return arguments;
    }

    static List<Process> parse(String listing) {
        List<Process> processes = new ArrayList<>();
        long self = -1;
        for (String line : listing.split("\n")) {
            String[] f = line.split("\t", -1);
            try {
                if (f.length == 2 && f[0].equals("self")) {
                    self = Long.parseLong(f[1].trim());
                } else if (f.length >= 5) {
                    long mask = f[2].isBlank() ? 0 : Long.parseUnsignedLong(f[2].trim(), 16);
                    processes.add(new Process(Long.parseLong(f[0].trim()), Long.parseLong(f[1].trim()), f[3].trim(),
                            f[4].trim(), mask));
                }
            } catch (NumberFormatException e) {
                // A process that ended while it was read: its line is incomplete.
            }
        }
        long lister = self;
        // The listing's own process and its children (readlink) are not the service.
        processes.removeIf(p -> p.pid() == lister || p.ppid() == lister);
        return processes;
    }

    /**
     * PID 1 if it is Node; else Node's child of PID 1 (an init such as tini); else the only Node
     * process. A process called "node" is preferred to one that only runs the node binary under
     * another title, such as {@code npm start}.
     */
    static Optional<Process> choose(List<Process> processes) {
        List<Process> named = processes.stream().filter(p -> p.name().equals("node")).toList();
        List<Process> candidates = named.isEmpty() ? processes.stream().filter(Process::node).toList() : named;
        for (Process p : candidates) {
            if (p.pid() == 1) {
                return Optional.of(p);
            }
        }
        List<Process> childrenOfInit = candidates.stream().filter(p -> p.ppid() == 1).toList();
        if (childrenOfInit.size() == 1) {
            return Optional.of(childrenOfInit.get(0));
        }
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        // Several Node processes and no way to tell the service: the oldest is the parent of the others.
        return candidates.stream().min((a, b) -> Long.compare(a.pid(), b.pid()));
    }
}
