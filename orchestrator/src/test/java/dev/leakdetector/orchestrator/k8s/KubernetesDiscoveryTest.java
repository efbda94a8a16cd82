package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery reads the pod, follows its owners by controller reference, and finds its Services; it writes nothing. */
class KubernetesDiscoveryTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    private KubernetesPlatform platform;

    @BeforeEach
    void setUp() {
        platform = bed.platform();
    }

    @Test
    void followsPodToReplicaSetToDeploymentAndFindsItsServices() throws Exception {
        PodSpec spec = K8sTestbed.spec(true, K8sTestbed.container(dir.resolve("maintenance")));
        ReplicaSet rs = bed.deployment("web", 2, spec);
        bed.runningPod("web-5c8d7-aaaaa", rs, Map.of("app", "web", "pod-template-hash", "5c8d7", "tier", "front"), spec, 11);
        bed.service("web", Map.of("app", "web", "tier", "front"), false);
        bed.service("web-internal", Map.of("app", "web"), true);
        bed.service("other", Map.of("app", "billing"), false);

        Target target = platform.discover(bed.request("web-5c8d7-aaaaa", null, Duration.ofSeconds(1)));

        PodTarget pod = PodTarget.from(target);
        assertThat(pod.ownerKind()).isEqualTo("Deployment");
        assertThat(pod.ownerName()).isEqualTo("web");
        assertThat(pod.replicaSet()).isEqualTo("web-5c8d7");
        assertThat(pod.services()).containsExactly("web", "web-internal");
        assertThat(pod.publishNotReady()).containsExactly("web-internal");
        // "app" is the only key both Services select on; the ReplicaSet selects on it too.
        assertThat(pod.relabelKey()).isEqualTo("app");
        assertThat(pod.readinessGates()).containsExactly(Names.OWN_READINESS_GATE);
        assertThat(pod.inspectorPort()).isEqualTo(9229);
        assertThat(pod.memoryLimit()).isEqualTo(512L << 20);
        assertThat(pod.podIP()).isEqualTo("10.0.0.11");
        assertThat(target.displayName()).isEqualTo("pod shop/web-5c8d7-aaaaa (container app, deployment web)");
        assertThat(bed.writes()).isEmpty();
    }

    @Test
    void prefersALabelTheReplicaSetDoesNotSelectOn() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        ReplicaSet rs = bed.deployment("web", 2, spec);
        bed.runningPod("web-5c8d7-aaaaa", rs, Map.of("app", "web", "pod-template-hash", "5c8d7", "serving", "yes"), spec, 11);
        bed.service("web", Map.of("app", "web", "serving", "yes"), false);

        PodTarget pod = PodTarget.from(platform.discover(bed.request("web-5c8d7-aaaaa", null, Duration.ofSeconds(1))));

        assertThat(pod.relabelKey()).isEqualTo("serving");
    }

    @Test
    void aBarePodIsItsOwnOwnerAndAStatefulSetIsNamed() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        bed.runningPod("solo", null, Map.of("app", "solo"), spec, 12);
        bed.runningPod("db-0", null, Map.of("app", "db"), spec, 13);
        bed.fake.api().pods().inNamespace(K8sTestbed.NS).withName("db-0").edit(p -> {
            p.getMetadata().getOwnerReferences().add(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                    .withKind("StatefulSet").withName("db").withUid("u-db").withController(true).build());
            return p;
        });

        assertThat(PodTarget.from(platform.discover(bed.request("solo", null, Duration.ofSeconds(1)))).ownerKind())
                .isEqualTo("Pod");
        PodTarget db = PodTarget.from(platform.discover(bed.request("db-0", null, Duration.ofSeconds(1))));
        assertThat(db.ownerKind()).isEqualTo("StatefulSet");
        assertThat(db.ownerName()).isEqualTo("db");
    }

    @Test
    void aLabelSelectorPicksTheOldestReadyPodButNeverAReplacement() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        ReplicaSet rs = bed.deployment("web", 3, spec);
        Map<String, String> labels = Map.of("app", "web", "pod-template-hash", "5c8d7");
        bed.runningPod("web-5c8d7-young", rs, labels, spec, 18);
        bed.runningPod("web-5c8d7-old", rs, labels, spec, 12);
        bed.runningPod("web-5c8d7-oldest", rs, Map.of("app", "web", "pod-template-hash", "5c8d7",
                Names.ROLE_LABEL, Names.REPLACEMENT), spec, 11);

        Target target = platform.discover(bed.request("app=web", null, Duration.ofSeconds(1)));

        assertThat(target.id()).isEqualTo("web-5c8d7-old");
    }

    @Test
    void choosesTheContainerByOptionOrKubectlsDefaultAnnotation() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        spec.getContainers().add(new ContainerBuilder().withName("istio-proxy").withImage("proxyv2").build());
        bed.runningPod("meshed", null, Map.of("app", "meshed"), spec, 14);

        assertThatThrownBy(() -> platform.discover(bed.request("meshed", null, Duration.ofSeconds(1))))
                .isInstanceOf(TargetNotFoundException.class)
                .hasMessage("pod meshed has 2 containers (app, istio-proxy); choose the Node.js one with --container");
        RunRequest wrong = withContainer(bed.request("meshed", null, Duration.ofSeconds(1)), "sidecar");
        assertThatThrownBy(() -> platform.discover(wrong)).isInstanceOf(TargetNotFoundException.class)
                .hasMessage("pod meshed has no container sidecar (it has app, istio-proxy)");
        assertThat(PodTarget.from(platform.discover(withContainer(bed.request("meshed", null, Duration.ofSeconds(1)),
                "app"))).container()).isEqualTo("app");

        bed.fake.api().pods().inNamespace(K8sTestbed.NS).withName("meshed").edit(p -> {
            p.getMetadata().getAnnotations().put(Names.DEFAULT_CONTAINER_ANNOTATION, "app");
            return p;
        });
        assertThat(PodTarget.from(platform.discover(bed.request("meshed", null, Duration.ofSeconds(1)))).container())
                .isEqualTo("app");
    }

    @Test
    void aMissingPodOrTheWrongNamespaceIsATargetNotFound() throws Exception {
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        bed.runningPod("solo", null, Map.of("app", "solo"), spec, 12);

        assertThatThrownBy(() -> platform.discover(bed.request("nope", null, Duration.ofSeconds(1))))
                .isInstanceOf(TargetNotFoundException.class)
                .hasMessageStartingWith("pod nope not found in namespace shop");
        RunRequest elsewhere = inNamespace(bed.request("solo", null, Duration.ofSeconds(1)), "default");
        assertThatThrownBy(() -> platform.discover(elsewhere))
                .isInstanceOf(TargetNotFoundException.class)
                .hasMessage("pod solo not found in namespace default (a pod of that name exists in namespace shop: add"
                        + " --namespace shop)");
        assertThat(bed.writes()).isEmpty();
    }

    static RunRequest withContainer(RunRequest r, String container) {
        return new RunRequest(r.targetId(), r.delay(), r.outputDirectory(), r.image(), r.strategy(), r.cleanup(),
                r.drainMethod(), r.drainGracePeriod(), r.drainWholeDelay(), r.trafficHook(), r.trafficHookBody(),
                r.namespace(), container, r.command(), r.port(), r.environment(), r.gc(), r.force(), r.analysis());
    }

    static RunRequest inNamespace(RunRequest r, String namespace) {
        return new RunRequest(r.targetId(), r.delay(), r.outputDirectory(), r.image(), r.strategy(), r.cleanup(),
                r.drainMethod(), r.drainGracePeriod(), r.drainWholeDelay(), r.trafficHook(), r.trafficHookBody(),
                namespace, r.container(), r.command(), r.port(), r.environment(), r.gc(), r.force(), r.analysis());
    }

}
