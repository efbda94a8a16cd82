package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.report.ReportFormat;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.leakdetector.orchestrator.k8s.DeploymentRunTest.DEPLOYMENT;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.OTHER;
import static dev.leakdetector.orchestrator.k8s.DeploymentRunTest.PODS;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way the cluster can let a run down after it has started changing things, and that each
 * time the run undoes what it did: the deployment back at two replicas, the target kept and free
 * of our annotations.
 */
class RunFailuresTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    @BeforeEach
    void setUp() throws Exception {
        bed.cluster(true);
    }

    private RunWorkflow.Result run(K8sSettings settings) throws Exception {
        try (KubernetesPlatform platform = bed.platform(settings)) {
            return new RunWorkflow(platform, Clock.systemUTC(), line -> { }, line -> { }, ProgressListener.NONE)
                    .run(bed.request(TARGET, null, Duration.ofSeconds(1)), "ld-20261128-120000-f00d",
                            EnumSet.of(ReportFormat.JSON));
        }
    }

    private static K8sSettings settings(Duration replacementReady, Duration inspectorOpen) {
        K8sSettings s = K8sTestbed.settings();
        return new K8sSettings(replacementReady, s.endpoints(), inspectorOpen, s.exec(), s.poll());
    }

    private void assertClusterAsBefore() throws Exception {
        await("two pods", () -> bed.allPods().size() == 2);
        Deployment deployment = bed.client.apps().deployments().inNamespace(K8sTestbed.NS).withName("web").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getMetadata().getAnnotations()).doesNotContainKeys(Names.SCALED_ANNOTATION);
        Pod target = bed.pod(TARGET);
        assertThat(target.getMetadata().getAnnotations()).doesNotContainKeys(Names.DELETION_COST,
                Names.PREVIOUS_COST_ANNOTATION, Names.DRAIN_ANNOTATION, Names.RUN_ANNOTATION);
        assertThat(PodState.condition(target, Names.OWN_READINESS_GATE).getStatus()).isEqualTo("True");
        assertThat(bed.allPods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder(TARGET, OTHER);
        assertThat(bed.pods.openRelays()).isZero();
    }

    @Test
    void theApiServerRefusesTheScaleUp() throws Exception {
        // An admission webhook or a quota: the patch is rejected, nothing else happens.
        bed.server.expect().patch().withPath(DEPLOYMENT).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"admission webhook \\\"policy.example\\\" denied the request:"
                + " replicas are frozen\",\"reason\":\"Forbidden\",\"code\":403}").always();

        assertThatThrownBy(() -> run(K8sTestbed.settings())).isInstanceOf(OrchestrationException.class)
                .hasMessageContaining("scale deployment shop/web from 2 to 3: forbidden (admission webhook"
                        + " \"policy.example\" denied the request: replicas are frozen)");

        assertThat(bed.writes()).extracting(Object::toString).containsExactly(
                "PATCH " + PODS + TARGET,       // protect
                "PATCH " + DEPLOYMENT,          // refused
                "PATCH " + PODS + TARGET);      // protection removed
        assertClusterAsBefore();
    }

    @Test
    void theReplacementNeverBecomesReady() throws Exception {
        bed.fake.neverReady(p -> !Set.of(TARGET, OTHER).contains(p.getMetadata().getName()));

        assertThatThrownBy(() -> run(settings(Duration.ofSeconds(3), Duration.ofSeconds(10))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("timed out after 3 s waiting for the new pod of deployment shop/web to become Ready")
                .hasMessageContaining("Ready=False");

        assertThat(bed.writes()).extracting(Object::toString).containsExactly(
                "PATCH " + PODS + TARGET,
                "PATCH " + DEPLOYMENT,          // 2 → 3
                "PATCH " + DEPLOYMENT,          // 3 → 2: the not-ready newcomer is the one removed
                "PATCH " + PODS + TARGET);
        assertThat(bed.writes().get(2).body()).contains("{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}");
        assertClusterAsBefore();
    }

    @Test
    void theTargetIsDeletedWhileItIsDrained() throws Exception {
        bed.fake.evict(p -> p.getMetadata().getName().equals(TARGET) && p.getMetadata().getAnnotations() != null
                && "true".equals(p.getMetadata().getAnnotations().get(Names.DRAIN_ANNOTATION)));

        assertThatThrownBy(() -> run(K8sTestbed.settings())).isInstanceOf(OrchestrationException.class)
                .hasMessage("pod shop/" + TARGET + " disappeared during the drain (deleted or evicted)");

        // The ReplicaSet replaced the lost pod; the scale-down still takes the extra replica away.
        await("two pods", () -> bed.allPods().size() == 2);
        Deployment deployment = bed.client.apps().deployments().inNamespace(K8sTestbed.NS).withName("web").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getMetadata().getAnnotations()).doesNotContainKeys(Names.SCALED_ANNOTATION);
        assertThat(bed.pod(TARGET)).isNull();
        List<String> writes = bed.writes().stream().map(Object::toString).toList();
        assertThat(writes.get(writes.size() - 1)).isEqualTo("PATCH " + DEPLOYMENT);
    }

    @Test
    void thePortForwardLeadsNowhere() throws Exception {
        // The pod does not listen on 9229 (say, a sidecar holds the port): connections are refused.
        bed.pods.put(K8sTestbed.NS, TARGET, new LocalPods.Container(Set.of(bed.pods.pidOf(K8sTestbed.NS, TARGET)),
                java.util.Map.of(), java.util.Map.of(), false));

        assertThatThrownBy(() -> run(settings(Duration.ofSeconds(20), Duration.ofSeconds(2))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("timed out after 2 s waiting for the inspector of pid ")
                .hasMessageContaining("to answer through the port-forward (last seen: error connecting to the pod's port");

        assertThat(bed.writes()).isEmpty();
        assertThat(bed.pods.openRelays()).isZero();
    }
}
