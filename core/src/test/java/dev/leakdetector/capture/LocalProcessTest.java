package dev.leakdetector.capture;

import dev.leakdetector.testing.NodeTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link LocalProcess} reads from /proc, on real processes. */
class LocalProcessTest {

    @Test
    void nodeCatchesSigusr1AndOtherProgramsDoNot() throws Exception {
        // SIGUSR1 kills a process that does not catch it; this check keeps leak-detector from doing that.
        try (NodeTarget node = NodeTarget.start(10, "--inspect-port=0")) {
            assertThat(LocalProcess.of(node.pid()).orElseThrow().catchesSigusr1()).contains(true);
        }
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(LocalProcess.of(sleeper.pid()).orElseThrow().catchesSigusr1()).contains(false);
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void knowsItsParentAndItsName() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            LocalProcess process = LocalProcess.of(sleeper.pid()).orElseThrow();
            assertThat(process.parentPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(process.name()).isEqualTo("sleep");
            assertThat(process.alive()).isTrue();
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor();
        }
        assertThat(LocalProcess.of(sleeper.pid()).map(LocalProcess::alive).orElse(false)).isFalse();
    }
}
