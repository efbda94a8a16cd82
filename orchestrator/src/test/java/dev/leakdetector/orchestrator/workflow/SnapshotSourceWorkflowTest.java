package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.capture.TargetMemory;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.ReportFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the run chooses where its snapshots come from: a platform's own {@link SnapshotSource}
 * replaces the inspector, an unknown memory is said out loud, and asking for the signal method
 * where the platform has none fails before anything changes.
 */
class SnapshotSourceWorkflowTest {

    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @Test
    void thePlatformsOwnSourceReplacesTheInspectorAndAnUnknownMemoryIsAWarning() throws Exception {
        SnapshotSource own = new SnapshotSource() {
            @Override
            public TargetMemory memory() {
                calls.add("memory");
                return null;
            }

            @Override
            public long take(Path file, boolean gc, ProgressListener progress) {
                throw new AssertionError("the replacement step fails first");
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        RunRequest request = request(SnapshotMethod.AUTO);
        assertThatThrownBy(() -> workflow(new FakePlatform(own)).run(request, "ld-test-1", Set.of(ReportFormat.JSON)))
                .isInstanceOf(OrchestrationException.class).hasMessage("no replacement today");
        assertThat(calls).containsExactly("memory", "replacement", "close");
        assertThat(warnings).anyMatch(w -> w.startsWith("the target's memory cannot be known from here"));
        String journal = Files.readString(dir.resolve("ld-test-1").resolve(Journal.FILE_NAME));
        assertThat(journal).contains("\"step\":\"memory check\"").doesNotContain("\"step\":\"inspector\"");
    }

    @Test
    void theSignalMethodOnAPlatformWithoutOneFailsBeforeAnythingChanges() {
        RunRequest request = request(SnapshotMethod.SIGNAL);
        assertThatThrownBy(() -> workflow(new FakePlatform(null)).run(request, "ld-test-2", Set.of(ReportFormat.JSON)))
                .isInstanceOf(OrchestrationException.class)
                .hasMessage("--snapshot-method signal is not available on the fake platform; use auto or inspector");
        assertThat(calls).isEmpty();
    }

    @Test
    void requestsMadeTheOldWayTakeSnapshotsTheAutomaticWay() {
        RunRequest old = new RunRequest("1", Duration.ofSeconds(1), dir, null, "fake", true, null, Duration.ZERO, false,
                null, null, null, null, List.of(), 0, Map.of(), false, false, AnalysisOptions.defaults());
        assertThat(old.snapshotMethod()).isEqualTo(SnapshotMethod.AUTO);
    }

    private RunRequest request(SnapshotMethod method) {
        return new RunRequest("1", Duration.ofSeconds(1), dir, null, "fake", true, null, Duration.ZERO, false, null,
                null, null, null, List.of(), 0, Map.of(), false, false, AnalysisOptions.defaults(), method);
    }

    private RunWorkflow workflow(Platform platform) {
        return new RunWorkflow(platform, Clock.systemUTC(), line -> { }, warnings::add, ProgressListener.NONE);
    }

    /** A platform whose replacement always fails, recording what the workflow asked of it. */
    private final class FakePlatform implements Platform {
        private final SnapshotSource source;

        FakePlatform(SnapshotSource source) {
            this.source = source;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Target discover(RunRequest request) {
            return new Target("1", "fake target", "fake image", Map.of());
        }

        @Override
        public void preflight(Target target, RunRequest request) {
        }

        @Override
        public SnapshotSource openSnapshots(Target target, RunRequest request, RunContext context) {
            return source;
        }

        @Override
        public InspectorAccess openInspector(Target target, RunRequest request, RunContext context) {
            calls.add("inspector");
            throw new AssertionError("the inspector must not be opened");
        }

        @Override
        public Replacement startReplacement(Target target, RunRequest request, RunContext context)
                throws OrchestrationException {
            calls.add("replacement");
            throw new OrchestrationException("no replacement today");
        }

        @Override
        public void drain(Target target, Replacement replacement, RunRequest request, RunContext context) {
            calls.add("drain");
        }

        @Override
        public void undo(UndoRecord record) {
        }

        @Override
        public List<UndoRecord> leftovers(String runId) {
            return List.of();
        }
    }
}
