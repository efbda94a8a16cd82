package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;
import dev.leakdetector.report.ReportFormat;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the run refuses before it changes anything, each with a message that says what and why,
 * and without a single write to the cluster or a signal to the target.
 */
class PreflightTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    private ThrowableAssert.ThrowingCallable run(RunRequest request) {
        return () -> {
            try (KubernetesPlatform platform = bed.platform()) {
                new RunWorkflow(platform, Clock.systemUTC(), line -> { }, line -> { }, ProgressListener.NONE)
                        .run(request, "ld-20261128-120000-0bad", EnumSet.of(ReportFormat.JSON));
            }
        };
    }

    private void assertNothingChanged() {
        assertThat(bed.writes()).isEmpty();
        assertThat(bed.pods.execs()).noneMatch(e -> e.contains("kill") || e.contains("process.kill"));
    }

    @Test
    void missingPermissionsAreNamedOneALineBeforeAnythingChanges() throws Exception {
        bed.cluster(true);
        bed.denied.addAll(Set.of("create pods/exec", "patch pods/status"));

        assertThatThrownBy(run(bed.request(TARGET, null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class).isNotInstanceOf(TargetNotFoundException.class)
                .hasMessage("the Kubernetes credentials in use lack 2 permission(s); nothing was changed:\n"
                        + "missing permission: create pods/exec in namespace shop (needed to find the Node.js process"
                        + " and send SIGUSR1)\n"
                        + "missing permission: patch pods/status in namespace shop (needed to set the readiness gate)");
        assertNothingChanged();
        assertThat(bed.pods.execs()).isEmpty();
    }

    @Test
    void theRelabelPathDoesNotAskForTheStatusSubresource() throws Exception {
        bed.cluster(false);
        bed.denied.add("patch pods/status");
        try (KubernetesPlatform platform = bed.platform()) {
            RunRequest request = bed.request(TARGET, DrainMethod.RELABEL, Duration.ofSeconds(1));
            platform.preflight(platform.discover(request), request);
        }
        assertThat(bed.reviewed()).doesNotContain("patch pods/status").contains("patch deployments", "get pods/exec",
                "create pods/portforward", "list endpointslices");
        assertNothingChanged();
    }

    @Test
    void anAutoscaledDeploymentIsRefused() throws Exception {
        bed.cluster(true);
        bed.fake.api().autoscaling().v2().horizontalPodAutoscalers().inNamespace(K8sTestbed.NS).resource(
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web-hpa").endMetadata().withNewSpec()
                        .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web")
                        .endScaleTargetRef().withMinReplicas(2).withMaxReplicas(10).endSpec().build()).create();

        assertThatThrownBy(run(bed.request(TARGET, null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("deployment web is scaled by HorizontalPodAutoscaler web-hpa, which would undo"
                        + " the replacement's extra replica");
        assertNothingChanged();
    }

    @Test
    void aDeploymentMidRolloutIsRefused() throws Exception {
        bed.cluster(true);
        bed.fake.stop();
        bed.fake.api().apps().deployments().inNamespace(K8sTestbed.NS).withName("web").subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"updatedReplicas\":1}}");

        assertThatThrownBy(run(bed.request(TARGET, null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessage("deployment shop/web is rolling out or scaling; run again once 'kubectl rollout status"
                        + " deployment/web -n shop' reports success");
        assertNothingChanged();
    }

    @Test
    void aStatefulSetPodIsRefused() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        bed.runningPod("db-0", null, Map.of("app", "db"), spec, 13);
        bed.fake.api().pods().inNamespace(K8sTestbed.NS).withName("db-0").edit(p -> {
            p.getMetadata().getOwnerReferences().add(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                    .withKind("StatefulSet").withName("db").withUid("u-db").withController(true).build());
            return p;
        });

        assertThatThrownBy(run(bed.request("db-0", null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("pod shop/db-0 belongs to statefulset db: its pods have identities");
        assertNothingChanged();
    }

    @Test
    void aPodWithoutNodeIsATargetNotFound() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, new ContainerBuilder().withName("web").withImage("nginx:1.27").build());
        bed.runningPod("nginx", null, Map.of("app", "nginx"), spec, 14);
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            bed.pods.put(K8sTestbed.NS, "nginx", new LocalPods.Container(Set.of(sleeper.pid()), Map.of(), Map.of(), false));

            assertThatThrownBy(run(bed.request("nginx", DrainMethod.NONE, Duration.ofSeconds(1))))
                    .isInstanceOf(TargetNotFoundException.class)
                    .hasMessage("pod shop/nginx container web runs no Node.js process (it runs: " + sleeper.pid() + " sleep)");
        } finally {
            sleeper.destroyForcibly();
        }
        assertNothingChanged();
    }

    @Test
    void aServiceWithoutAnInspectorNorTheSignalIsRefusedWithTheWayOut() throws Exception {
        // The running process is what counts: its command line says --inspect-port=0, whatever the spec says.
        Path maintenance = dir.resolve("maintenance-locked");
        PodSpec spec = K8sTestbed.spec(false, new ContainerBuilder().withName("app").withImage("node:20")
                .withCommand("node", "server.js").build());
        bed.runningPod("locked", null, Map.of("app", "locked"), spec, 15);
        LocalApp app = bed.closeLater(LocalApp.start(List.of("--inspect-port=0"),
                java.nio.file.Paths.get(LocalApp.script("node/k8s-app.js")), List.of(maintenance.toString()), Map.of(),
                dir.resolve("locked.log")));
        bed.pods.put(K8sTestbed.NS, "locked", new LocalPods.Container(Set.of(app.pid()), Map.of(), Map.of(), false));

        assertThatThrownBy(run(bed.request("locked", DrainMethod.NONE, Duration.ofSeconds(1))))
                .isExactlyInstanceOf(OrchestrationException.class)
                .hasMessage("the service in pod shop/locked (container app) was started with --inspect-port=0, a random"
                        + " port only its own stderr shows; start Node with --heapsnapshot-signal=SIGUSR2 (leak-detector"
                        + " then uses that signal), or run 'leak-detector-agent internal-snapshot' inside the container");
        assertNothingChanged();
    }

    @Test
    void drainMethodsThatCannotWorkAreRefused() throws Exception {
        bed.cluster(false);
        bed.fake.api().services().inNamespace(K8sTestbed.NS).withName("web").edit(s -> {
            s.getSpec().setPublishNotReadyAddresses(true);
            return s;
        });

        assertThatThrownBy(run(bed.request(TARGET, DrainMethod.READINESS_GATE, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("--drain-method readiness-gate needs a readiness gate in the pod spec");
        assertThatThrownBy(run(bed.request(TARGET, DrainMethod.FILE, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessage("--drain-method file drains through readiness, but service(s) web set"
                        + " publishNotReadyAddresses and keep routing to a pod that is not Ready; use --drain-method relabel");
        assertThatThrownBy(run(bed.request(TARGET, DrainMethod.PROXY, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("--drain-method proxy is not available on Kubernetes");
        assertNothingChanged();
    }

    @Test
    void aPodCloseToItsMemoryLimitIsRefusedUnlessForced() throws Exception {
        bed.cluster(true);
        bed.server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/" + TARGET)
                .andReturn(200, "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetrics\",\"metadata\":{\"name\":\""
                        + TARGET + "\",\"namespace\":\"shop\"},\"timestamp\":\"2026-11-28T12:00:00Z\",\"window\":\"15s\","
                        + "\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"120m\",\"memory\":\"480Mi\"}}]}").always();

        assertThatThrownBy(run(bed.request(TARGET, null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessage("memory check: container app uses 480 MiB of its 512 MiB limit; a heap snapshot would push it"
                        + " over the limit and the kubelet would kill it. Use --force to take it anyway");
        assertNothingChanged();
    }

    @Test
    void aTargetThatIsNotReadyIsRefused() throws Exception {
        bed.cluster(true);
        bed.fake.neverReady(p -> p.getMetadata().getName().equals(TARGET));
        K8sTestbed.await("the target not Ready", () -> !PodState.ready(bed.pod(TARGET)));

        assertThatThrownBy(run(bed.request(TARGET, null, Duration.ofSeconds(1))))
                .isInstanceOf(OrchestrationException.class)
                .hasMessageStartingWith("pod shop/" + TARGET + " is not Ready (Running, Ready=False");
        assertNothingChanged();
    }
}
