package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.Cleanup;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.Journal;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed while the target is drained and the replacement runs (SIGKILL: no undo at all),
 * then {@code cleanup} from another platform instance, as another process would: from the
 * journal, and from the cluster's own annotations and labels when the journal is lost.
 */
class CleanupTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    /** Runs the workflow's first steps by hand, up to a drained target, and then simply stops. */
    private Path killedMidRun(String pod, DrainMethod method, String runId) throws Exception {
        Path runs = dir.resolve("runs");
        Path directory = Files.createDirectories(runs.resolve(runId));
        RunRequest request = bed.request(pod, method, Duration.ofSeconds(1));
        try (Journal journal = Journal.create(directory, runId, Clock.systemUTC());
             KubernetesPlatform platform = bed.platform()) {
            List<String> warnings = new ArrayList<>();
            RunContext context = new RunContext(runId, directory, new UndoStack(journal, line -> { }), line -> { },
                    warnings::add, ProgressListener.NONE);
            Target target = platform.discover(request);
            platform.preflight(target, request);
            platform.openInspector(target, request, context);
            Replacement replacement = platform.startReplacement(target, request, context);
            platform.drain(target, replacement, request, context);
        }
        return runs;
    }

    private Cleanup.Result cleanup(String runId, Path runs) throws Exception {
        try (KubernetesPlatform platform = bed.platform()) {
            return new Cleanup(List.of(platform), Clock.systemUTC(), line -> { }).run(runId, runs);
        }
    }

    @Test
    void theJournalIsReplayedAndASecondCleanupFindsNothing() throws Exception {
        bed.cluster(true);
        String runId = "ld-20261128-120000-dead";
        Path runs = killedMidRun(TARGET, DrainMethod.READINESS_GATE, runId);
        Pod drained = bed.pod(TARGET);
        assertThat(PodState.condition(drained, Names.OWN_READINESS_GATE).getStatus()).isEqualTo("False");
        assertThat(bed.client.apps().deployments().inNamespace(K8sTestbed.NS).withName("web").get().getSpec().getReplicas())
                .isEqualTo(3);

        Cleanup.Result result = cleanup(runId, runs);

        assertThat(result.failed()).isEmpty();
        assertThat(result.done()).startsWith(
                "set readiness gate leak-detector.dev/serving of pod shop/" + TARGET + " back to True",
                "remove the drain annotations of pod shop/" + TARGET,
                "scale deployment shop/web back to 2 (removes the replacement)",
                "restore the deletion cost of pod shop/" + TARGET,
                "close the port-forward to " + TARGET + ":9229");
        assertClean();
        assertThat(Journal.read(runs.resolve(runId).resolve(Journal.FILE_NAME)).undos()).isEmpty();

        Cleanup.Result again = cleanup(null, runs);
        assertThat(again.done()).isEmpty();
        assertThat(again.failed()).isEmpty();
    }

    @Test
    void withoutTheJournalTheClusterSaysWhatToUndo() throws Exception {
        bed.cluster(true);
        String runId = "ld-20261128-120000-d00d";
        Path runs = killedMidRun(TARGET, DrainMethod.READINESS_GATE, runId);
        Files.delete(runs.resolve(runId).resolve(Journal.FILE_NAME));

        List<UndoRecord> leftovers;
        try (KubernetesPlatform platform = bed.platform()) {
            leftovers = platform.leftovers(null);
        }
        assertThat(leftovers).extracting(UndoRecord::kind).containsExactly(UndoRecords.GATE, UndoRecords.UNDRAIN,
                UndoRecords.SCALE_DOWN, UndoRecords.RESTORE_COST);
        assertThat(leftovers.get(2).params()).containsEntry("pod", TARGET).containsEntry("replicasBefore", "2")
                .containsEntry("runId", runId);

        Cleanup.Result result = cleanup(null, runs);

        assertThat(result.failed()).isEmpty();
        assertThat(result.done()).hasSize(4);
        assertClean();
    }

    @Test
    void aBarePodsCopyAndItsRemovedLabelAreFoundByLabelAndAnnotation() throws Exception {
        Path maintenance = dir.resolve("maintenance-solo");
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(maintenance));
        bed.runningPod("solo", null, Map.of("app", "solo", "tier", "web"), spec, 21);
        bed.service("solo", Map.of("app", "solo"), false);
        bed.backWithApp("solo", maintenance);
        bed.fake.step();
        bed.fake.start();
        String runId = "ld-20261128-120000-c0de";
        Path runs = killedMidRun("solo", DrainMethod.RELABEL, runId);
        assertThat(bed.pod("solo").getMetadata().getLabels()).doesNotContainKey("app");
        assertThat(bed.pod("solo-ld-c0de")).isNotNull();

        try (KubernetesPlatform platform = bed.platform()) {
            assertThat(platform.leftovers("ld-20261128-120000-other")).isEmpty();
        }
        Cleanup.Result result = cleanup(runId, dir.resolve("elsewhere"));

        assertThat(result.failed()).isEmpty();
        assertThat(result.done()).containsExactly("put label app=solo back on pod shop/solo",
                "remove the drain annotations of pod shop/solo", "delete the replacement pod shop/solo-ld-c0de");
        Pod solo = bed.pod("solo");
        assertThat(solo.getMetadata().getLabels()).containsEntry("app", "solo").containsEntry("tier", "web");
        assertThat(solo.getMetadata().getAnnotations()).doesNotContainKeys(Names.DRAIN_ANNOTATION,
                Names.DRAIN_METHOD_ANNOTATION, Names.RUN_ANNOTATION);
        await("the copy gone", () -> bed.pod("solo-ld-c0de") == null);
    }

    private void assertClean() throws Exception {
        Pod target = bed.assertDeploymentAsBefore();
        assertThat(PodState.condition(target, Names.OWN_READINESS_GATE).getStatus()).isEqualTo("True");
        assertThat(PodState.ready(target)).isTrue();
        assertThat(target.getMetadata().getAnnotations()).doesNotContainKeys(Names.DELETION_COST, Names.DRAIN_ANNOTATION,
                Names.DRAIN_METHOD_ANNOTATION, Names.PREVIOUS_COST_ANNOTATION, Names.RUN_ANNOTATION);
    }
}
