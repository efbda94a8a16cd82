package dev.leakdetector.orchestrator.k8s;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the target counts as served by a Service: a ready endpoint of its EndpointSlices (a nil
 * ready condition counts as ready, as the API says); or, where the cluster has no EndpointSlices,
 * an address of the core Endpoints object (a not-ready pod sits in notReadyAddresses).
 */
class ServiceEndpointsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    ServiceEndpoints endpoints;
    Pod pod;

    @BeforeEach
    void setUp() {
        endpoints = new ServiceEndpoints(bed.client, new Waits(Duration.ofMillis(20)));
        PodSpec spec = K8sTestbed.spec(false, K8sTestbed.container(dir.resolve("maintenance")));
        pod = bed.runningPod("solo", null, Map.of("app", "solo"), spec, 21);
    }

    @Test
    void aSliceEndpointWithoutAReadyConditionCountsAsReady() throws Exception {
        bed.fake.api().discovery().v1().endpointSlices().inNamespace(K8sTestbed.NS).resource(
                new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder().withNewMetadata().withName("solo-x")
                        .addToLabels(Names.SERVICE_NAME_LABEL, "solo").endMetadata().withAddressType("IPv4")
                        .addNewEndpoint().withAddresses("10.0.0.21").endEndpoint().build()).create();

        assertThat(endpoints.routesTo(K8sTestbed.NS, "solo", pod)).isTrue();
        assertThat(endpoints.routesTo(K8sTestbed.NS, "other", pod)).isFalse();
    }

    @Test
    void withoutEndpointSlicesTheCoreEndpointsDecide() throws Exception {
        bed.server.expect().get().withPath("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector="
                + "kubernetes.io%2Fservice-name%3Dsolo").andReturn(404, "{\"kind\":\"Status\",\"code\":404}").always();
        bed.fake.api().endpoints().inNamespace(K8sTestbed.NS).resource(new EndpointsBuilder().withNewMetadata()
                .withName("solo").endMetadata().addNewSubset().addNewAddress().withIp("10.0.0.21").withNewTargetRef()
                .withKind("Pod").withName("solo").endTargetRef().endAddress().endSubset().build()).create();

        assertThat(endpoints.routesTo(K8sTestbed.NS, "solo", pod)).isTrue();

        bed.fake.api().endpoints().inNamespace(K8sTestbed.NS).withName("solo").edit(e -> {
            e.getSubsets().get(0).setNotReadyAddresses(e.getSubsets().get(0).getAddresses());
            e.getSubsets().get(0).setAddresses(List.of());
            return e;
        });
        assertThat(endpoints.routesTo(K8sTestbed.NS, "solo", pod)).isFalse();
        endpoints.awaitOut(K8sTestbed.NS, "solo", List.of("solo"), Duration.ofSeconds(2));
    }
}
