package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.report.ReportFormat;
import dev.leakdetector.testing.NodeApp;
import dev.leakdetector.testing.NodeFixtures;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.leakdetector.orchestrator.k8s.DeploymentRunTest.DEPLOYMENT;
import static dev.leakdetector.orchestrator.k8s.DeploymentRunTest.PODS;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain methods other than the readiness gate, each against real behaviour: relabel with the
 * ReplicaSet letting go of the pod and taking it back; the maintenance file making a real
 * service's readiness probe fail; the in-app agent, in an image without a shell.
 */
class DrainMethodsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    private RunWorkflow.Result run(String target, DrainMethod method) throws Exception {
        try (KubernetesPlatform platform = bed.platform()) {
            return new RunWorkflow(platform, Clock.systemUTC(), line -> { }, line -> { }, ProgressListener.NONE)
                    .run(bed.request(target, method, Duration.ofSeconds(1)), "ld-20261128-120000-beef",
                            EnumSet.of(ReportFormat.JSON));
        }
    }

    @Test
    void relabelTakesThePodOutOfItsReplicaSetAndBackWithoutLosingIt() throws Exception {
        bed.cluster(false);

        RunWorkflow.Result result = run(TARGET, DrainMethod.RELABEL);

        assertThat(result.undoFailures()).isEmpty();
        assertThat(result.report().summary().leakFound()).isTrue();
        List<K8sTestbed.Call> writes = bed.writes();
        String replacement = writes.get(2).path().substring(PODS.length());
        assertThat(writes).extracting(Object::toString).containsExactly(
                "PATCH " + PODS + TARGET, "PATCH " + DEPLOYMENT, "PATCH " + PODS + replacement,
                "PATCH " + PODS + TARGET,   // drain annotations
                "PATCH " + PODS + TARGET,   // label app removed: the pod leaves the Service and its ReplicaSet
                "PATCH " + PODS + TARGET,   // label back: the ReplicaSet adopts it and removes an extra pod
                "PATCH " + PODS + TARGET,   // drain annotations removed
                "PATCH " + PODS + TARGET, "PATCH " + PODS + TARGET, "PATCH " + PODS + TARGET, "PATCH " + PODS + TARGET,
                "PATCH " + DEPLOYMENT, "PATCH " + PODS + TARGET);
        assertThat(writes.get(4).body()).isEqualTo("[{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"web\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/app\"}]");
        assertThat(writes.get(3).body()).contains("{\"op\":\"add\",\"path\":\"/metadata/annotations/leak-detector~1drain-method\","
                + "\"value\":\"k8s.relabel-restore;key=app;namespace=shop;pod=" + TARGET
                + ";runId=ld-20261128-120000-beef;services=web;value=web\"}");

        await("two pods", () -> bed.allPods().size() == 2);
        Deployment deployment = bed.client.apps().deployments().inNamespace(K8sTestbed.NS).withName("web").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        Pod target = bed.pod(TARGET);
        assertThat(target.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(target.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo("web-5c8d7"));
        assertThat(target.getMetadata().getAnnotations()).doesNotContainKeys(Names.DELETION_COST, Names.DRAIN_ANNOTATION);
    }

    @Test
    void aBarePodGetsACopyAndTheMaintenanceFileFailsItsReadiness() throws Exception {
        Path maintenance = dir.resolve("maintenance-solo");
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(maintenance));
        bed.runningPod("solo", null, Map.of("app", "solo"), spec, 21);
        bed.service("solo", Map.of("app", "solo"), false);
        bed.backWithApp("solo", maintenance);
        bed.fake.step();
        bed.fake.start();

        RunWorkflow.Result result = run("solo", DrainMethod.FILE);

        assertThat(result.undoFailures()).isEmpty();
        assertThat(result.report().summary().leakFound()).isTrue();
        assertThat(bed.writes()).extracting(Object::toString).containsExactly(
                "POST /api/v1/namespaces/shop/pods",     // the copy
                "PATCH " + PODS + "solo", "PATCH " + PODS + "solo",
                "PATCH " + PODS + "solo", "PATCH " + PODS + "solo",
                "DELETE " + PODS + "solo-ld-beef");
        Pod copy = bed.client.getKubernetesSerialization().unmarshal(bed.writes().get(0).body(), Pod.class);
        assertThat(copy.getMetadata().getName()).isEqualTo("solo-ld-beef");
        assertThat(copy.getMetadata().getLabels()).containsEntry("app", "solo")
                .containsEntry(Names.RUN_ID_LABEL, "ld-20261128-120000-beef").containsEntry(Names.ROLE_LABEL, Names.REPLACEMENT);
        assertThat(copy.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(copy.getSpec().getNodeName()).isNull();
        assertThat(copy.getStatus()).isNull();
        assertThat(bed.pods.execs()).contains(
                "solo: sh -c : > \"$1\" sh " + maintenance, "solo: sh -c rm -f \"$1\" sh " + maintenance);
        assertThat(Files.exists(maintenance)).isFalse();
        await("the copy gone", () -> bed.pod("solo-ld-beef") == null);
        assertThat(bed.pod("solo").getMetadata().getAnnotations()).doesNotContainKeys(Names.DRAIN_ANNOTATION,
                Names.DRAIN_METHOD_ANNOTATION, Names.RUN_ANNOTATION);
    }

    @Test
    void theAgentDrainsAServiceInAnImageWithoutAShell() throws Exception {
        int control = LocalApp.freePort();
        LocalApp app = bed.closeLater(LocalApp.start(NodeFixtures.resource("node/internal-snapshot/agent-app.js"),
                List.of(NodeApp.agentModule().toString(), Integer.toString(control), "20000"), Map.of(),
                dir.resolve("agent-app.log")));
        int inspector = app.inspectorPort();
        PodSpec spec = K8sTestbed.spec(false, new ContainerBuilder().withName("app").withImage("gcr.io/distroless/nodejs20")
                .withCommand("/nodejs/bin/node", "server.js")
                .addNewEnv().withName("NODE_OPTIONS").withValue("--inspect-port=9229").endEnv().build());
        bed.runningPod("api", null, Map.of("app", "api"), spec, 31);
        bed.service("api", Map.of("app", "api"), false);
        bed.pods.put(K8sTestbed.NS, "api", new LocalPods.Container(Set.of(app.pid()),
                Map.of(9229, inspector, 9339, control), Map.of(), true));
        bed.fake.probe("api", app.port());
        bed.fake.step();
        bed.fake.start();

        RunWorkflow.Result result = run("api", DrainMethod.AGENT);

        assertThat(result.undoFailures()).isEmpty();
        // The agent itself says it went into maintenance and out of it, once per snapshot.
        assertThat(app.output()).containsExactly("{\"maintenance\":true,\"source\":\"control\"}",
                "{\"maintenance\":false,\"source\":null}", "{\"maintenance\":true,\"source\":\"control\"}",
                "{\"maintenance\":false,\"source\":null}");
        assertThat(bed.pods.execs()).anyMatch(e -> e.startsWith("api: node -e const fs=require('fs')"))
                .anyMatch(e -> e.startsWith("api: node -e process.kill(" + app.pid() + ",'SIGUSR1')"));
        assertThat(bed.pod("api").getMetadata().getAnnotations()).doesNotContainKeys(Names.DRAIN_ANNOTATION);
    }

    @Test
    void aCommandHookTellsAnOutsideLoadBalancerAndLeavesThePodAlone() throws Exception {
        Path maintenance = dir.resolve("maintenance-solo");
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(maintenance));
        bed.runningPod("solo", null, Map.of("app", "solo"), spec, 21);
        bed.backWithApp("solo", maintenance);
        bed.fake.step();
        bed.fake.start();
        Path calls = dir.resolve("hook-calls");
        RunRequest request = bed.request("solo", DrainMethod.COMMAND, Duration.ofSeconds(1));
        request = new RunRequest(request.targetId(), request.delay(), request.outputDirectory(), null, "k8s", true,
                DrainMethod.COMMAND, Duration.ZERO, false,
                "echo \"$LD_ACTION $LD_TARGET_HOST:$LD_TARGET_PORT $LD_REPLACEMENT_ID\" >> " + calls, null,
                K8sTestbed.NS, null, List.of(), 0, Map.of(), false, false, request.analysis());

        RunWorkflow.Result result;
        try (KubernetesPlatform platform = bed.platform()) {
            result = new RunWorkflow(platform, Clock.systemUTC(), line -> { }, line -> { }, ProgressListener.NONE)
                    .run(request, "ld-20261128-120000-cafe", EnumSet.of(ReportFormat.JSON));
        }

        assertThat(result.undoFailures()).isEmpty();
        assertThat(Files.readAllLines(calls)).containsExactly("drain 10.0.0.21:8080 solo-ld-cafe",
                "restore 10.0.0.21:8080 solo-ld-cafe", "drain 10.0.0.21:8080 solo-ld-cafe",
                "restore 10.0.0.21:8080 solo-ld-cafe");
        assertThat(bed.writes()).extracting(Object::toString).containsExactly(
                "POST /api/v1/namespaces/shop/pods", "DELETE " + PODS + "solo-ld-cafe");
    }
}
