package dev.leakdetector.capture;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.testing.NodeTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capture against real Node.js processes, opened from outside with SIGUSR1. */
class CaptureSessionTest {

    @TempDir
    Path dir;

    @Test
    void twoSnapshotsOfOneSessionKeepObjectIds() throws Exception {
        try (NodeTarget target = NodeTarget.start(2000, "--inspect-port=0")) {
            InspectorEndpoint endpoint = InspectorOpener.create().open(target.pid());
            assertThat(endpoint.host()).isEqualTo("127.0.0.1");
            Path first = dir.resolve("first.heapsnapshot");
            Path second = dir.resolve("second.heapsnapshot");
            try (CaptureSession session = CaptureSession.open(endpoint, target.pid(), CaptureSession.Timeouts.defaults())) {
                assertThat(session.pid()).isEqualTo(target.pid());
                TargetMemory memory = session.memory();
                assertThat(memory.heapUsed()).isPositive();
                assertThat(memory.nodeVersion()).startsWith("v");
                assertThat(session.takeSnapshot(first, true, ProgressListener.NONE)).isPositive();
                assertThat(session.takeSnapshot(second, false, ProgressListener.NONE)).isPositive();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rw-------");
            assertThat(markerId(first)).isEqualTo(markerId(second));
            try (var files = Files.list(dir)) {
                assertThat(files.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
            }
        }
    }

    @Test
    void aTargetKilledMidSnapshotIsAClearErrorAndLeavesNoPartialFile() throws Exception {
        try (NodeTarget target = NodeTarget.start(300_000, "--inspect-port=0")) {
            InspectorEndpoint endpoint = InspectorOpener.create().open(target.pid());
            Path file = dir.resolve("killed.heapsnapshot");
            AtomicBoolean killed = new AtomicBoolean();
            try (CaptureSession session = CaptureSession.open(endpoint, target.pid(), CaptureSession.Timeouts.defaults())) {
                ProgressListener killOnFirstProgress = (phase, done, total) -> {
                    if (killed.compareAndSet(false, true)) {
                        CompletableFuture.runAsync(() -> {
                            try {
                                target.kill();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                };
                assertThatThrownBy(() -> session.takeSnapshot(file, false, killOnFirstProgress))
                        .isInstanceOf(CaptureException.class)
                        .hasMessageContaining("HeapProfiler.takeHeapSnapshot");
            }
            assertThat(killed).isTrue();
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("killed.heapsnapshot.partial")).doesNotExist();
        }
    }

    @Test
    void aSilentTargetTimesOut() throws Exception {
        try (NodeTarget target = NodeTarget.start(100, "--inspect-port=0")) {
            InspectorEndpoint endpoint = InspectorOpener.create().open(target.pid());
            CaptureSession.Timeouts tight = new CaptureSession.Timeouts(Duration.ofSeconds(5), Duration.ofMillis(300),
                    Duration.ofSeconds(30));
            try (CaptureSession session = CaptureSession.open(endpoint, target.pid(), tight)) {
                // Stop the process: it stays connected but cannot answer.
                new ProcessBuilder("kill", "-STOP", Long.toString(target.pid())).start().waitFor();
                try {
                    assertThatThrownBy(() -> session.takeSnapshot(dir.resolve("stuck.heapsnapshot"), false,
                            ProgressListener.NONE))
                            .isInstanceOf(CaptureException.class).hasMessageContaining("sent nothing");
                } finally {
                    new ProcessBuilder("kill", "-CONT", Long.toString(target.pid())).start().waitFor();
                }
            }
            assertThat(dir.resolve("stuck.heapsnapshot.partial")).doesNotExist();
        }
    }

    @Test
    void refusesAProcessThatIsNotNodeOrDoesNotExist() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThatThrownBy(() -> InspectorOpener.create().open(sleeper.pid()))
                    .isInstanceOf(TargetNotFoundException.class).hasMessageContaining("not a Node.js process");
        } finally {
            sleeper.destroyForcibly();
        }
        assertThatThrownBy(() -> InspectorOpener.create().open(4_000_000_000L))
                .isInstanceOf(TargetNotFoundException.class).hasMessageContaining("no process with pid");
    }

    /**
     * Node 22.14 added --disable-sigusr1; Node 20 on this machine rejects the flag, so the check
     * is tested on the argument lists it reads from /proc.
     */
    @Test
    void recognisesDisabledSigusr1AmongNodeOptionsOnly() {
        assertThat(LocalProcess.sigusr1Disabled(java.util.List.of("node", "--disable-sigusr1", "app.js"), "")).isTrue();
        assertThat(LocalProcess.sigusr1Disabled(java.util.List.of("node", "app.js"), "--max-old-space-size=512 --disable-sigusr1"))
                .isTrue();
        assertThat(LocalProcess.sigusr1Disabled(java.util.List.of("node", "app.js", "--disable-sigusr1"), "")).isFalse();
        assertThat(LocalProcess.sigusr1Disabled(java.util.List.of("node", "--inspect-port=0", "app.js"), "")).isFalse();
    }

    @Test
    void theWrongPidBehindAnInspectorIsRefused() throws Exception {
        try (NodeTarget target = NodeTarget.start(100, "--inspect-port=0")) {
            InspectorEndpoint endpoint = InspectorOpener.create().open(target.pid());
            assertThatThrownBy(() -> CaptureSession.open(endpoint, target.pid() + 1, CaptureSession.Timeouts.defaults()))
                    .isInstanceOf(CaptureException.class).hasMessageContaining("belongs to pid " + target.pid());
        }
    }

    @Test
    void aFullDiskIsNamedAndThePartialFileRemoved() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("tiny"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mounting.waitFor() == 0,
                "needs root to mount a tiny tmpfs (CI runs as root)");
        try (NodeTarget target = NodeTarget.start(2000, "--inspect-port=0")) {
            InspectorEndpoint endpoint = InspectorOpener.create().open(target.pid());
            try (CaptureSession session = CaptureSession.open(endpoint, target.pid(), CaptureSession.Timeouts.defaults())) {
                assertThatThrownBy(() -> session.takeSnapshot(mount.resolve("full.heapsnapshot"), false,
                        ProgressListener.NONE))
                        .isInstanceOf(CaptureException.class).hasMessageContaining("disk is full");
                // The session survives: the next snapshot to a roomy place works.
                assertThat(session.takeSnapshot(dir.resolve("ok.heapsnapshot"), false, ProgressListener.NONE)).isPositive();
            }
            try (var files = Files.list(mount)) {
                assertThat(files).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor();
        }
    }

    @Test
    void budgetRefusesWhatDoesNotFit() {
        TargetMemory small = new TargetMemory(1, 100L << 20, 20L << 20, 4L << 30, 512L << 20, "v20");
        assertThat(SnapshotBudget.refusal(small, -1)).isNull();
        TargetMemory tight = new TargetMemory(1, 400L << 20, 100L << 20, 4L << 30, 512L << 20, "v20");
        assertThat(SnapshotBudget.refusal(tight, -1)).contains("memory limit").contains("--force");
        TargetMemory host = new TargetMemory(1, 400L << 20, 100L << 20, 4L << 30, 0, "v20");
        assertThat(SnapshotBudget.refusal(host, 200L << 20)).contains("available");
        assertThat(SnapshotBudget.refusal(host, 2L << 30)).isNull();
        // A small heap in a small container: 20 MB of tiny objects took +290 MB to snapshot (docs/capture.md).
        TargetMemory smallContainer = new TargetMemory(1, 90L << 20, 20L << 20, 4L << 30, 256L << 20, "v20");
        assertThat(SnapshotBudget.refusal(smallContainer, -1)).contains("memory limit (cgroup) of 256 MiB");
    }

    private static long markerId(Path snapshot) throws Exception {
        HeapSnapshot heap = new HeapSnapshotLoader().load(snapshot);
        for (int node = 0; node < heap.nodeCount(); node++) {
            if (heap.className(node).equals("Marker")) {
                return heap.graph().nodeId(node);
            }
        }
        throw new AssertionError("no Marker in " + snapshot);
    }
}
