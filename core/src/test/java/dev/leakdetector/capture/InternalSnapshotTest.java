package dev.leakdetector.capture;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.testing.NodeApp;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-container flow's failure paths and target choice, against real processes. The happy
 * paths run through the CLI in {@code InternalSnapshotCommandTest}.
 */
class InternalSnapshotTest {
    /** Enough objects that generating the snapshot takes seconds, so the target dies mid-way. */
    private static final int BIG_HEAP = 300_000;

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void aTargetKilledMidSnapshotStillLeavesMaintenanceAndNoPartialFile() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        try (NodeApp app = NodeApp.plain(maintenanceFile, BIG_HEAP)) {
            Path file = dir.resolve("out/app.heapsnapshot");
            InternalSnapshot snapshot = new InternalSnapshot(request(file, app.pid(), 0, maintenanceFile,
                    Duration.ofMillis(300)), log::add, killOnFirstProgress(app));

            assertThatThrownBy(snapshot::run).isInstanceOf(CaptureException.class)
                    .hasMessageContaining("pid " + app.pid() + " exited during the snapshot");

            assertThat(app.events()).as("the app saw the maintenance file").anyMatch(e -> e.path("maintenance").asBoolean());
            assertThat(maintenanceFile).doesNotExist();
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("out/app.heapsnapshot.partial")).doesNotExist();
        }
    }

    @Test
    void aTargetWithTheAgentKilledMidSnapshotTakesItsMaintenanceWithIt() throws Exception {
        int controlPort = NodeApp.freePort();
        try (NodeApp app = NodeApp.withAgent(controlPort, BIG_HEAP, Map.of())) {
            Path file = dir.resolve("app.heapsnapshot");
            InternalSnapshot snapshot = new InternalSnapshot(request(file, -1, controlPort, dir.resolve("unused"),
                    Duration.ofMillis(300)), log::add, killOnFirstProgress(app));

            assertThatThrownBy(snapshot::run).isInstanceOf(CaptureException.class)
                    .hasMessageContaining("pid " + app.pid() + " exited during the snapshot");

            assertThat(log).contains("pid " + app.pid() + " has exited, and its maintenance mode with it");
            assertThat(dir.resolve("unused")).doesNotExist();
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("app.heapsnapshot.partial")).doesNotExist();
        }
    }

    @Test
    void aWrapperProcessLeadsToItsOnlyNodeChild() throws Exception {
        Process wrapper = wrapper("node --inspect-port=0 '" + NodeFixtures.resource("node/target.js") + "' 100 & echo $!; wait");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(wrapper.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            String second = out.readLine();
            long child = Long.parseLong(first.equals("ready") ? second : first);
            Path file = dir.resolve("child.heapsnapshot");

            InternalSnapshot.Result result = new InternalSnapshot(request(file, wrapper.pid(), 0, null, Duration.ZERO),
                    log::add, ProgressListener.NONE).run();

            assertThat(result.pid()).isEqualTo(child);
            assertThat(result.maintenance()).isEqualTo("none");
            assertThat(file).isNotEmptyFile();
            assertThat(log).anyMatch(line -> line.startsWith("pid " + wrapper.pid() + " (")
                    && line.contains("is not a Node.js process; taking its only Node.js child, pid " + child));
        } finally {
            stop(wrapper);
        }
    }

    @Test
    void aWrapperWithSeveralNodeChildrenOrNoneIsAUsageError() throws Exception {
        String target = "node '" + NodeFixtures.resource("node/target.js") + "' 100";
        Process two = wrapper(target + " & " + target + " & wait");
        Process none = wrapper("sleep 60");
        try {
            NodeApp.await("two Node.js children", Duration.ofSeconds(10), () -> two.descendants().count() == 2);
            assertThatThrownBy(() -> new InternalSnapshot(request(dir.resolve("x.heapsnapshot"), two.pid(), 0, null,
                    Duration.ZERO), log::add, ProgressListener.NONE).run())
                    .isInstanceOf(TargetNotFoundException.class)
                    .hasMessageContaining("is not a Node.js process and starts 2 of them").hasMessageContaining("--pid");
            assertThatThrownBy(() -> new InternalSnapshot(request(dir.resolve("x.heapsnapshot"), none.pid(), 0, null,
                    Duration.ZERO), log::add, ProgressListener.NONE).run())
                    .isInstanceOf(TargetNotFoundException.class).hasMessageContaining("and starts none");
        } finally {
            stop(two);
            stop(none);
        }
    }

    @Test
    void aMissingPidIsNamedBeforeAnythingIsTouched() {
        Path maintenanceFile = dir.resolve("maintenance");
        assertThatThrownBy(() -> new InternalSnapshot(request(dir.resolve("x.heapsnapshot"), 3_999_999_999L, 0,
                maintenanceFile, Duration.ZERO), log::add, ProgressListener.NONE).run())
                .isInstanceOf(TargetNotFoundException.class).hasMessage("no process with pid 3999999999");
        assertThat(maintenanceFile).doesNotExist();
    }

    @Test
    void anInterruptDuringTheGracePeriodLeavesMaintenanceAtOnce() throws Exception {
        Path maintenanceFile = dir.resolve("maintenance");
        try (NodeApp app = NodeApp.plain(maintenanceFile, 100)) {
            InternalSnapshot snapshot = new InternalSnapshot(request(dir.resolve("x.heapsnapshot"), app.pid(), 0,
                    maintenanceFile, Duration.ofMinutes(5)), log::add, ProgressListener.NONE);
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread running = new Thread(() -> {
                try {
                    snapshot.run();
                } catch (CaptureException e) {
                    failure.set(e);
                }
            });
            running.start();
            NodeApp.await("the app to see the maintenance file", Duration.ofSeconds(20), () -> app.events().size() == 1);

            snapshot.interrupt();

            assertThat(maintenanceFile).doesNotExist();
            assertThat(log).contains("interrupted; everything was undone (maintenance mode left)");
            NodeApp.await("the app to see maintenance end", Duration.ofSeconds(10), () -> app.events().size() == 2);
            assertThat(app.events().get(1).path("maintenance").asBoolean()).isFalse();
            // In a real JVM the shutdown hook is followed by the exit; here the main thread wakes up and stops.
            running.interrupt();
            running.join(10_000);
            assertThat(failure.get()).hasMessageStartingWith("interrupted");
            assertThat(maintenanceFile).doesNotExist();
        }
    }

    private static InternalSnapshot.Request request(Path file, long pid, int agentPort, Path maintenanceFile,
                                                    Duration grace) {
        return new InternalSnapshot.Request(file, pid, grace, agentPort, null, maintenanceFile, false,
                CaptureSession.Timeouts.defaults());
    }

    private static ProgressListener killOnFirstProgress(NodeApp app) {
        AtomicBoolean killed = new AtomicBoolean();
        return (phase, done, total) -> {
            if (killed.compareAndSet(false, true)) {
                CompletableFuture.runAsync(() -> {
                    try {
                        app.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
    }

    private static Process wrapper(String script) throws java.io.IOException {
        return new ProcessBuilder("sh", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }
}
