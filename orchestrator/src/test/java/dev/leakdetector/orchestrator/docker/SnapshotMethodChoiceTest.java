package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which way a container's snapshots are taken, from what the probe saw of its Node process. Node
 * 20 (on the test machines) has no --disable-sigusr1, so the Docker tests cannot start such a
 * process; these cases stand in for it, with the signal masks real processes showed.
 */
class SnapshotMethodChoiceTest {
    /** SigCgt of Node 20 started with --heapsnapshot-signal=SIGUSR2, as /proc showed it: SIGUSR1 and SIGUSR2 caught. */
    private static final String USR1_AND_USR2 = "0000000100004e02";
    /** The same without SIGUSR1, as a Node with --disable-sigusr1 has it. */
    private static final String USR2_ONLY = "0000000100004c02";
    /** Node 20 without --heapsnapshot-signal: SIGUSR1 caught, SIGUSR2 not. */
    private static final String USR1_ONLY = "0000000008014602";

    private static TargetContainer container(String sigCgt, String nodeOptions, String... arguments) {
        String probe = "P 7\nX /usr/bin/node\nS Name:\tnode\nS PPid:\t1\nS SigCgt:\t" + sigCgt + "\nC "
                + String.join("\0", arguments) + "\0\n";
        NodeProcess node = NodeProcess.parse(probe).get(0);
        NodeFlags flags = NodeFlags.of(node.arguments(), nodeOptions);
        return new TargetContainer("c0ffee", "orders", "orders:1", Map.of(), "bridge", 8080, "127.0.0.1", 18080, false,
                List.of(), node, flags, new ContainerTools(true, "/usr/bin/node", Set.of("rm", "ls", "tail", "df")));
    }

    @Test
    void theInspectorWhenNodeCanOpenIt() throws OrchestrationException {
        TargetContainer plain = container(USR1_ONLY, null, "node", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, plain)).isEqualTo(SnapshotMethod.INSPECTOR);
        // Started with the signal too: the inspector still comes first, unless the signal is asked for.
        TargetContainer both = container(USR1_AND_USR2, null, "node", "--heapsnapshot-signal=SIGUSR2", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, both)).isEqualTo(SnapshotMethod.INSPECTOR);
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, both)).isEqualTo(SnapshotMethod.SIGNAL);
    }

    @Test
    void theSignalWhenSigusr1IsDisabledOrThePortIsRandom() throws OrchestrationException {
        TargetContainer disabled = container(USR2_ONLY, null, "node", "--heapsnapshot-signal=SIGUSR2",
                "--disable-sigusr1", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, disabled)).isEqualTo(SnapshotMethod.SIGNAL);
        TargetContainer viaNodeOptions = container(USR2_ONLY, "--disable-sigusr1 --heapsnapshot-signal=SIGUSR2"
                + " --diagnostic-dir=/tmp/heap", "node", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, viaNodeOptions)).isEqualTo(SnapshotMethod.SIGNAL);
        assertThat(viaNodeOptions.flags().diagnosticDir()).isEqualTo("/tmp/heap");
        TargetContainer randomPort = container(USR1_AND_USR2, null, "node", "--inspect-port=0",
                "--heapsnapshot-signal", "SIGUSR2", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, randomPort)).isEqualTo(SnapshotMethod.SIGNAL);
    }

    @Test
    void refusalsSayWhyAndWhatWouldWork() {
        TargetContainer noWay = container(USR2_ONLY.replace("4c02", "4402"), null, "node", "--disable-sigusr1", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.AUTO, noWay))
                .hasMessageContaining("does not handle SIGUSR1 (started with --disable-sigusr1)")
                .hasMessageContaining("start Node with --heapsnapshot-signal=SIGUSR2");
        TargetContainer disabled = container(USR2_ONLY, null, "node", "--heapsnapshot-signal=SIGUSR2",
                "--disable-sigusr1", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.INSPECTOR, disabled))
                .hasMessageContaining("use --snapshot-method auto or signal");
        TargetContainer plain = container(USR1_ONLY, null, "node", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, plain))
                .hasMessageContaining("--snapshot-method signal needs a service started with --heapsnapshot-signal");
    }

    @Test
    void aDumpSignalWithoutHandlerIsNeverSent() {
        // Started with the flag, but the app removed Node's listener: SIGUSR2's default action ends the process.
        TargetContainer removed = container(USR1_ONLY, null, "node", "--inspect-port=0", "--heapsnapshot-signal=SIGUSR2",
                "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.AUTO, removed))
                .hasMessageContaining("does not handle SIGUSR2 now").hasMessageContaining("could kill the service");
        TargetContainer odd = container(USR1_AND_USR2, null, "node", "--heapsnapshot-signal=SIGFOO", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, odd))
                .hasMessageContaining("not a signal leak-detector knows");
    }

    @Test
    void signalNamesMapToLinuxNumbers() {
        assertThat(NodeProcess.signalNumber("SIGUSR2")).isEqualTo(12);
        assertThat(NodeProcess.signalNumber("USR1")).isEqualTo(10);
        assertThat(NodeProcess.signalNumber("SIGPWR")).isEqualTo(30);
        assertThat(NodeProcess.signalNumber("SIGNOPE")).isEqualTo(-1);
    }
}
