package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.Journal;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.UndoStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long snapshot can make the target miss its readiness probes. Were its label put back then,
 * its ReplicaSet would adopt it with one pod too many and remove a not-ready pod first, whatever
 * the deletion cost: the target. So the restore waits for Ready before it relabels.
 */
class RelabelRestoreTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    @Test
    void theLabelGoesBackOnlyOnceTheTargetIsReadyAgain() throws Exception {
        bed.cluster(false);
        String runId = "ld-20261128-120000-ab12";
        Path directory = Files.createDirectories(dir.resolve(runId));
        RunRequest request = bed.request(TARGET, DrainMethod.RELABEL, Duration.ofSeconds(1));
        try (Journal journal = Journal.create(directory, runId, Clock.systemUTC());
             KubernetesPlatform platform = bed.platform()) {
            UndoStack undo = new UndoStack(journal, line -> { });
            RunContext context = new RunContext(runId, directory, undo, line -> { }, line -> { }, ProgressListener.NONE);
            Target target = platform.discover(request);
            Replacement replacement = platform.startReplacement(target, request, context);
            platform.drain(target, replacement, request, context);
            bed.fake.neverReady(p -> p.getMetadata().getName().equals(TARGET));
            await("the target not Ready", () -> !PodState.ready(bed.pod(TARGET)));

            CompletableFuture<List<String>> restore = CompletableFuture.supplyAsync(undo::restoreTrafficNow);
            int seen = bed.fake.passes();
            await("ten more passes of the controllers", () -> bed.fake.passes() >= seen + 10);
            assertThat(restore).isNotDone();
            assertThat(bed.pod(TARGET).getMetadata().getLabels()).doesNotContainKey("app");

            bed.fake.neverReady(p -> false);
            assertThat(restore.get(20, TimeUnit.SECONDS)).isEmpty();
            assertThat(bed.pod(TARGET).getMetadata().getLabels()).containsEntry("app", "web");
            assertThat(undo.undoAll()).isEmpty();
        }
        await("two pods", () -> bed.allPods().size() == 2);
        assertThat(bed.fake.removed()).noneMatch(r -> r.startsWith(TARGET + " "));
        assertThat(bed.pod(TARGET).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo("web-5c8d7"));
    }
}
