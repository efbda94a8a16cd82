package dev.leakdetector.orchestrator.k8s;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which process in a container is the service. The listings are what the shell and Node scripts
 * print (pid, ppid, SigCgt, exe, name); the last tests run both scripts for real on this machine.
 */
class NodeProcessesTest {
    private static final String CATCHES_USR1 = "0000000000000200";
    private static final String IGNORES = "0000000000000000";

    private static String line(long pid, long ppid, String sigCgt, String exe, String name) {
        return pid + "\t" + ppid + "\t" + sigCgt + "\t" + exe + "\t" + name + "\n";
    }

    @Test
    void nodeAsPid1() {
        List<NodeProcesses.Process> processes = NodeProcesses.parse("self\t40\n"
                + line(1, 0, CATCHES_USR1, "/usr/local/bin/node", "node")
                + line(40, 0, IGNORES, "/bin/busybox", "sh")
                + line(41, 40, IGNORES, "/bin/busybox", "readlink"));
        assertThat(processes).extracting(NodeProcesses.Process::pid).containsExactly(1L);
        NodeProcesses.Process node = NodeProcesses.choose(processes).orElseThrow();
        assertThat(node.pid()).isEqualTo(1);
        assertThat(node.catchesSigusr1()).isTrue();
    }

    @Test
    void theNodeChildOfTini() {
        Optional<NodeProcesses.Process> node = NodeProcesses.choose(NodeProcesses.parse(
                line(1, 0, IGNORES, "/sbin/tini", "tini") + line(7, 1, CATCHES_USR1, "/usr/local/bin/node", "node")));
        assertThat(node).map(NodeProcesses.Process::pid).contains(7L);
    }

    @Test
    void theServiceUnderNpmStartNotNpmItself() {
        // npm runs on the node binary under its own title, then starts the service through a shell.
        Optional<NodeProcesses.Process> node = NodeProcesses.choose(NodeProcesses.parse(
                line(1, 0, CATCHES_USR1, "/usr/local/bin/node", "npm start")
                        + line(18, 1, IGNORES, "/bin/dash", "sh")
                        + line(19, 18, CATCHES_USR1, "/usr/local/bin/node", "node")));
        assertThat(node).map(NodeProcesses.Process::pid).contains(19L);
    }

    @Test
    void anAppThatRenamedItselfIsFoundByItsBinary() {
        Optional<NodeProcesses.Process> node = NodeProcesses.choose(NodeProcesses.parse(
                line(1, 0, IGNORES, "/usr/bin/dumb-init", "dumb-init") + line(6, 1, CATCHES_USR1, "/usr/bin/node", "orders-api")));
        assertThat(node).map(NodeProcesses.Process::pid).contains(6L);
    }

    @Test
    void noNodeAtAll() {
        assertThat(NodeProcesses.choose(NodeProcesses.parse(line(1, 0, IGNORES, "/usr/sbin/nginx", "nginx")))).isEmpty();
    }

    @Test
    void aDisabledSigusr1ShowsInTheMask() {
        NodeProcesses.Process node = NodeProcesses.choose(NodeProcesses.parse(
                line(1, 0, "0000000000004802", "/usr/local/bin/node", "node"))).orElseThrow();
        assertThat(node.catchesSigusr1()).isFalse();
    }

    @Test
    void theShellListingRunsUnderARealShell() throws Exception {
        List<NodeProcesses.Process> processes = NodeProcesses.parse(run(List.of("sh", "-c", NodeProcesses.SHELL_LISTING)));
        long me = ProcessHandle.current().pid();
        assertThat(processes).filteredOn(p -> p.pid() == me).singleElement()
                .satisfies(p -> assertThat(p.exe()).endsWith("/java"));
    }

    @Test
    void theNodeListingRunsUnderRealNodeAndLeavesItselfOut() throws Exception {
        try (LocalApp app = LocalApp.start(java.nio.file.Files.createTempFile("maintenance", ".absent"))) {
            String listing = run(List.of("node", "-e", NodeProcesses.NODE_LISTING));
            long self = Long.parseLong(listing.lines().filter(l -> l.startsWith("self\t")).findFirst().orElseThrow()
                    .substring(5));
            List<NodeProcesses.Process> processes = NodeProcesses.parse(listing);
            assertThat(processes).filteredOn(p -> p.pid() == app.pid()).singleElement().satisfies(p -> {
                assertThat(p.node()).isTrue();
                // Node installs its SIGUSR1 handler at start (it opens the inspector).
                assertThat(p.catchesSigusr1()).isTrue();
            });
            assertThat(listing).contains(self + "\t");
            assertThat(processes).noneMatch(p -> p.pid() == self);
        }
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
