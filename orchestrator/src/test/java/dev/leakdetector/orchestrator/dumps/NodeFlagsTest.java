package dev.leakdetector.orchestrator.dumps;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Node's options as a process's argv and NODE_OPTIONS give them, and as a pod spec's words do. */
class NodeFlagsTest {

    @Test
    void nodeFlagsComeFromOptionsBeforeTheScriptAndNodeOptions() {
        NodeFlags flags = NodeFlags.of(List.of("node", "--inspect-port=9300", "--heapsnapshot-signal", "SIGUSR2",
                "server.js", "--disable-sigusr1"), null);
        assertThat(flags.inspectPort()).isEqualTo(9300);
        assertThat(flags.heapsnapshotSignal()).isEqualTo("SIGUSR2");
        // After the script, the flag is the application's argument, not Node's.
        assertThat(flags.sigusr1Disabled()).isFalse();
        NodeFlags fromEnv = NodeFlags.of(List.of("node", "server.js"), "--disable-sigusr1 --inspect-port=0.0.0.0:9400");
        assertThat(fromEnv.sigusr1Disabled()).isTrue();
        assertThat(fromEnv.inspectPort()).isEqualTo(9400);
        assertThat(NodeFlags.of(List.of("node", "server.js"), "").inspectPort()).isEqualTo(9229);
        NodeFlags dump = NodeFlags.of(List.of("node", "--max_old_space_size=300", "--diagnostic-dir", "heap", "app.js"),
                "--max-old-space-size=512");
        // Node 20 measured: the command line's 300 wins over NODE_OPTIONS' 512.
        assertThat(dump.maxOldSpaceMiB()).isEqualTo(300);
        assertThat(dump.diagnosticDir()).isEqualTo("heap");
    }

    @Test
    void aPodSpecsWordsAreReadWhereverNodeStandsInThem() {
        // sh -c "…" split into words: Node's options follow "node", not argv[1].
        NodeFlags wrapped = NodeFlags.ofWords(List.of("--max-old-space-size=256", "sh", "-c", "exec", "node",
                "--heapsnapshot-signal=SIGUSR2", "--inspect-port", "0", "server.js"));
        assertThat(wrapped.heapsnapshotSignal()).isEqualTo("SIGUSR2");
        assertThat(wrapped.inspectPort()).isZero();
        assertThat(wrapped.maxOldSpaceMiB()).isEqualTo(256);
        assertThat(NodeFlags.ofWords(List.of("node", "--inspect-wait=127.0.0.1:9333", "app.js")).inspectPort())
                .isEqualTo(9333);
        assertThat(NodeFlags.ofWords(List.of("node", "--inspect=localhost", "app.js")).inspectPort())
                .as("a host alone keeps the default port").isEqualTo(9229);
        assertThat(NodeFlags.ofWords(List.of("node", "--disable-sigusr1", "app.js")).sigusr1Disabled()).isTrue();
    }
}
