package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.Journal;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.report.ReportFormat;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;

import static dev.leakdetector.orchestrator.k8s.K8sTestbed.OTHER;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole run against a Deployment: one more replica, the readiness gate set to False through
 * the status subresource (the pretend kubelet derives Ready=False, the pretend endpoints
 * controller marks the endpoint not ready), a real snapshot of the real Node service behind the
 * port-forward, restore, again, and back to two replicas with the target kept.
 */
class DeploymentRunTest {
    static final String PODS = "/api/v1/namespaces/shop/pods/";
    static final String DEPLOYMENT = "/apis/apps/v1/namespaces/shop/deployments/web";

    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    RunWorkflow workflow(KubernetesPlatform platform) {
        return new RunWorkflow(platform, Clock.systemUTC(), line -> { }, warnings::add, ProgressListener.NONE);
    }

    @Test
    void readinessGateRunFindsTheLeakAndLeavesTheDeploymentAsItWas() throws Exception {
        bed.cluster(true);
        String runId = "ld-20261128-120000-1a2b";
        RunWorkflow.Result result;
        try (KubernetesPlatform platform = bed.platform()) {
            result = workflow(platform).run(bed.request(TARGET, null, Duration.ofSeconds(2)), runId,
                    EnumSet.of(ReportFormat.JSON));
        }

        assertThat(result.undoFailures()).isEmpty();
        assertThat(result.report().summary().leakFound()).as(result.report().summary() + " " + result.report().offenders())
                .isTrue();
        assertThat(result.report().offenders()).extracting(o -> o.type()).contains("LeakedSession");

        // The platform's changes, in order: protect, scale, mark, then per snapshot drain + restore, then undo.
        List<K8sTestbed.Call> writes = bed.writes();
        String replacement = writes.get(2).path().substring(PODS.length());
        assertThat(replacement).startsWith("web-5c8d7-").isNotIn(TARGET, OTHER);
        assertThat(writes).extracting(Object::toString).containsExactly(
                "PATCH " + PODS + TARGET,                 // deletion cost: protect the target
                "PATCH " + DEPLOYMENT,                    // 2 → 3 replicas
                "PATCH " + PODS + replacement,            // mark the replacement: labels, lowest deletion cost
                "PATCH " + PODS + TARGET,                 // leak-detector/drain: "true"
                "PATCH " + PODS + TARGET + "/status",     // readiness gate False
                "PATCH " + PODS + TARGET + "/status",     // restore: gate True, between the snapshots
                "PATCH " + PODS + TARGET,                 // drain annotations removed
                "PATCH " + PODS + TARGET,                 // second drain
                "PATCH " + PODS + TARGET + "/status",
                "PATCH " + PODS + TARGET + "/status",
                "PATCH " + PODS + TARGET,
                "PATCH " + DEPLOYMENT,                    // 3 → 2 replicas
                "PATCH " + PODS + TARGET);                // deletion cost as it was
        assertThat(writes.get(0).body()).contains("\"" + Names.DELETION_COST + "\":\"2147483647\"");
        assertThat(writes.get(1).body()).contains("{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":2}")
                .contains("{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}")
                .contains("{\"op\":\"add\",\"path\":\"/metadata/annotations/leak-detector~1scaled-up\",\"value\":\"" + runId
                        + "\"}");
        assertThat(writes.get(2).body()).contains("\"" + Names.DELETION_COST + "\":\"-2147483648\"")
                .contains("{\"op\":\"add\",\"path\":\"/metadata/labels/leak-detector\",\"value\":\"replacement\"}");
        assertThat(writes.get(4).body()).contains("\"path\":\"/status/conditions/4/type\",\"value\":\"leak-detector.dev/serving\"")
                .contains("\"status\":\"False\"");
        assertThat(writes.get(5).body()).contains("\"status\":\"True\"");
        assertThat(writes.get(11).body()).contains("{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}")
                .contains("{\"op\":\"remove\",\"path\":\"/metadata/annotations/leak-detector~1scaled-up\"}");
        assertThat(bed.reviewed()).contains("patch pods/status", "patch deployments", "create pods/exec",
                "get pods/portforward", "list horizontalpodautoscalers");
        assertThat(bed.pods.execs()).anyMatch(e -> e.startsWith(TARGET + ": kill -USR1 "));

        // The final state: as before the run.
        Pod target = bed.assertDeploymentAsBefore();
        assertThat(target.getMetadata().getAnnotations()).doesNotContainKeys(Names.DELETION_COST, Names.DRAIN_ANNOTATION,
                Names.DRAIN_METHOD_ANNOTATION, Names.PREVIOUS_COST_ANNOTATION, Names.RUN_ANNOTATION);
        assertThat(PodState.condition(target, Names.OWN_READINESS_GATE).getStatus()).isEqualTo("True");
        assertThat(PodState.ready(target)).isTrue();
        assertThat(routes(TARGET)).isTrue();
        assertThat(bed.pods.openRelays()).isZero();
        assertThat(Journal.read(result.directory().resolve(Journal.FILE_NAME)).undos()).isEmpty();
    }

    /** True when service web's EndpointSlice lists the pod as a ready endpoint. */
    boolean routes(String pod) {
        EndpointSlice slice = bed.client.discovery().v1().endpointSlices().inNamespace(K8sTestbed.NS).withName("web-fake1").get();
        return slice.getEndpoints().stream().anyMatch(e -> e.getTargetRef().getName().equals(pod)
                && Boolean.TRUE.equals(e.getConditions().getReady()));
    }
}
