package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.dumps.DumpTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which process in a container is the service, and what its Node options allow. */
class NodeProcessTest {

    /** One process as the probe prints it (cmdline NUL-separated, as /proc has it). */
    private static String process(long pid, long ppid, String name, String exe, String sigCgt, String... args) {
        return "P " + pid + "\nX " + exe + "\nS Name:\t" + name + "\nS PPid:\t" + ppid + "\nS SigCgt:\t" + sigCgt
                + "\nC " + String.join("\0", args) + "\0\n";
    }

    private static final String NODE_CAUGHT = "0000000008014602"; // what Node 20 catches: SIGUSR1 included
    private static final String SHELL_CAUGHT = "0000000000010000";

    @Test
    void underDockerInitTheServiceIsTheNodeChild() {
        String output = process(1, 0, "docker-init", "/sbin/docker-init", SHELL_CAUGHT, "/sbin/docker-init", "--",
                "/usr/bin/node", "/app/server.js")
                + process(7, 1, "node", "/usr/bin/node", NODE_CAUGHT, "/usr/bin/node", "/app/server.js")
                + "T nc\nT kill\n";
        NodeProcess service = NodeProcess.service(NodeProcess.parse(output));
        assertThat(service.pid()).isEqualTo(7);
        assertThat(catchesSigusr1(service)).isTrue();
        assertThat(service.arguments()).containsExactly("/usr/bin/node", "/app/server.js");
        assertThat(ContainerTools.toolsFrom(ContainerTools.lines(output))).containsExactlyInAnyOrder("nc", "kill");
    }

    @Test
    void npmStartIsSkippedForTheServiceItRuns() {
        String output = process(1, 0, "npm start", "/usr/local/bin/node", NODE_CAUGHT, "npm", "start")
                + process(18, 1, "sh", "/bin/dash", SHELL_CAUGHT, "sh", "-c", "node server.js")
                + process(19, 18, "node", "/usr/local/bin/node", NODE_CAUGHT, "node", "server.js");
        // npm rewrites its title, but its argv[1] still names npm-cli.js on real systems:
        String real = output.replace("C npm\0start", "C npm\0/usr/local/lib/node_modules/npm/bin/npm-cli.js\0start");
        assertThat(NodeProcess.service(NodeProcess.parse(real)).pid()).isEqualTo(19);
    }

    @Test
    void aRenamedProcessIsStillNodeByItsExecutable() {
        String output = process(1, 0, "orders-api", "/usr/local/bin/node", NODE_CAUGHT, "orders-api");
        assertThat(NodeProcess.service(NodeProcess.parse(output)).pid()).isEqualTo(1);
    }

    @Test
    void ourOwnHelpersAreNeverTheService() {
        String output = process(7, 1, "node", "/usr/bin/node", NODE_CAUGHT, "/usr/bin/node", "/app/server.js")
                + process(40, 0, "node", "/usr/bin/node", NODE_CAUGHT, "/usr/bin/node", "-e",
                ContainerTools.MARKER + "const s=require('net')", "9229");
        assertThat(NodeProcess.service(NodeProcess.parse(output)).pid()).isEqualTo(7);
    }

    @Test
    void noNodeAndSeveralNodesAreTold() {
        assertThat(NodeProcess.service(NodeProcess.parse(process(1, 0, "sleep", "/bin/busybox", "0", "sleep", "300"))))
                .isNull();
        String cluster = process(1, 0, "node", "/usr/bin/node", NODE_CAUGHT, "node", "primary.js")
                + process(8, 1, "node", "/usr/bin/node", NODE_CAUGHT, "/usr/bin/node", "/app/worker.js");
        assertThatThrownBy(() -> NodeProcess.service(NodeProcess.parse(cluster)))
                .hasMessageContaining("runs 2 Node.js processes").hasMessageContaining("pid 8: /usr/bin/node /app/worker.js");
    }

    @Test
    void sigusr1NotCaughtIsSeen() {
        NodeProcess p = NodeProcess.parse(process(1, 0, "node", "/usr/bin/node", "0000000000004002", "node", "a.js")).get(0);
        assertThat(catchesSigusr1(p)).isFalse();
    }

    private static boolean catchesSigusr1(NodeProcess process) {
        return new DumpTarget("container c", process.pid(), process.caught(), null).catches("SIGUSR1");
    }

    @Test
    void undoParamsCarryHowToExecInTheContainer() {
        ContainerTools tools = new ContainerTools(false, "/nodejs/bin/node", java.util.Set.of("nc"));
        ContainerTools back = ContainerTools.fromParams(tools.toParams());
        assertThat(back).isEqualTo(tools);
        assertThat(back.relay(9229)).containsExactly("nc", "127.0.0.1", "9229");
        assertThat(back.signalUsr1(7).get(0)).isEqualTo("/nodejs/bin/node");
    }
}
