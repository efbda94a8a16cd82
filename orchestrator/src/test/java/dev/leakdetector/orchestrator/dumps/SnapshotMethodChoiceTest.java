package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which way a target's snapshots are taken, from what the platform saw of its Node process. Node
 * 20 (on the test machines) has no --disable-sigusr1, so the platform tests cannot start such a
 * process; these cases stand in for it, with the signal masks real processes showed.
 */
class SnapshotMethodChoiceTest {
    /** SigCgt of Node 20 started with --heapsnapshot-signal=SIGUSR2, as /proc showed it: SIGUSR1 and SIGUSR2 caught. */
    private static final String USR1_AND_USR2 = "0000000100004e02";
    /** The same without SIGUSR1, as a Node with --disable-sigusr1 has it. */
    private static final String USR2_ONLY = "0000000100004c02";
    /** Node 20 without --heapsnapshot-signal: SIGUSR1 caught, SIGUSR2 not. */
    private static final String USR1_ONLY = "0000000008014602";

    private static DumpTarget target(String sigCgt, String nodeOptions, String... arguments) {
        return new DumpTarget("container orders (c0ffee)", 7, Long.parseUnsignedLong(sigCgt, 16),
                NodeFlags.of(List.of(arguments), nodeOptions));
    }

    @Test
    void theInspectorWhenNodeCanOpenIt() throws OrchestrationException {
        DumpTarget plain = target(USR1_ONLY, null, "node", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, plain)).isEqualTo(SnapshotMethod.INSPECTOR);
        // Started with the signal too: the inspector still comes first, unless the signal is asked for.
        DumpTarget both = target(USR1_AND_USR2, null, "node", "--heapsnapshot-signal=SIGUSR2", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, both)).isEqualTo(SnapshotMethod.INSPECTOR);
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, both)).isEqualTo(SnapshotMethod.SIGNAL);
    }

    @Test
    void theSignalWhenSigusr1IsDisabledOrThePortIsRandom() throws OrchestrationException {
        DumpTarget disabled = target(USR2_ONLY, null, "node", "--heapsnapshot-signal=SIGUSR2", "--disable-sigusr1",
                "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, disabled)).isEqualTo(SnapshotMethod.SIGNAL);
        DumpTarget viaNodeOptions = target(USR2_ONLY, "--disable-sigusr1 --heapsnapshot-signal=SIGUSR2"
                + " --diagnostic-dir=/tmp/heap", "node", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, viaNodeOptions)).isEqualTo(SnapshotMethod.SIGNAL);
        assertThat(viaNodeOptions.flags().diagnosticDir()).isEqualTo("/tmp/heap");
        DumpTarget randomPort = target(USR1_AND_USR2, null, "node", "--inspect-port=0", "--heapsnapshot-signal",
                "SIGUSR2", "server.js");
        assertThat(SnapshotMethodChoice.choose(SnapshotMethod.AUTO, randomPort)).isEqualTo(SnapshotMethod.SIGNAL);
    }

    @Test
    void refusalsSayWhyAndWhatWouldWork() {
        DumpTarget noWay = target(USR2_ONLY.replace("4c02", "4402"), null, "node", "--disable-sigusr1", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.AUTO, noWay))
                .hasMessageContaining("pid 7 in container orders (c0ffee) does not handle SIGUSR1 (started with"
                        + " --disable-sigusr1)")
                .hasMessageContaining("start Node with --heapsnapshot-signal=SIGUSR2");
        DumpTarget disabled = target(USR2_ONLY, null, "node", "--heapsnapshot-signal=SIGUSR2", "--disable-sigusr1",
                "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.INSPECTOR, disabled))
                .hasMessageContaining("use --snapshot-method auto or signal");
        DumpTarget plain = target(USR1_ONLY, null, "node", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, plain))
                .hasMessageContaining("--snapshot-method signal needs a service started with --heapsnapshot-signal");
    }

    @Test
    void aDumpSignalWithoutHandlerIsNeverSent() {
        // Started with the flag, but the app removed Node's listener: SIGUSR2's default action ends the process.
        DumpTarget removed = target(USR1_ONLY, null, "node", "--inspect-port=0", "--heapsnapshot-signal=SIGUSR2",
                "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.AUTO, removed))
                .hasMessageContaining("does not handle SIGUSR2 now").hasMessageContaining("could kill the service");
        DumpTarget odd = target(USR1_AND_USR2, null, "node", "--heapsnapshot-signal=SIGFOO", "server.js");
        assertThatThrownBy(() -> SnapshotMethodChoice.choose(SnapshotMethod.SIGNAL, odd))
                .hasMessageContaining("not a signal leak-detector knows");
    }

    @Test
    void signalNamesMapToLinuxNumbers() {
        assertThat(DumpTarget.signalNumber("SIGUSR2")).isEqualTo(12);
        assertThat(DumpTarget.signalNumber("USR1")).isEqualTo(10);
        assertThat(DumpTarget.signalNumber("SIGPWR")).isEqualTo(30);
        assertThat(DumpTarget.signalNumber("SIGNOPE")).isEqualTo(-1);
    }
}
