package dev.leakdetector.orchestrator.k8s;

import io.fabric8.kubernetes.api.model.*;
import io.fabric8.kubernetes.api.model.apps.*;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ScratchMockTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void probe() throws Exception {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("node").endContainer()
                .addNewReadinessGate("leak-detector.dev/serving").endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewCondition().withType("leak-detector.dev/serving").withStatus("True").endCondition().withPodIP("10.0.0.5").endStatus().build();
        Pod created = client.pods().inNamespace("ns").resource(pod).create();
        System.out.println("created status: " + created.getStatus());
        try {
            Pod p = client.pods().inNamespace("ns").withName("p").subresource("status").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"test\",\"path\":\"/status/conditions/1/type\",\"value\":\"leak-detector.dev/serving\"},{\"op\":\"replace\",\"path\":\"/status/conditions/1/status\",\"value\":\"False\"}]");
            System.out.println("status patch ok: " + p.getStatus().getConditions());
        } catch (Exception e) { System.out.println("status patch failed: " + e); }
        try {
            Pod p = client.pods().inNamespace("ns").withName("p").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"test\",\"path\":\"/status/conditions/1/type\",\"value\":\"WRONG\"},{\"op\":\"replace\",\"path\":\"/status/conditions/1/status\",\"value\":\"True\"}]");
            System.out.println("failing test op accepted?! " + p.getStatus().getConditions());
        } catch (Exception e) { System.out.println("failing test op: " + e.getMessage()); }
        try {
            Pod p = client.pods().inNamespace("ns").withName("p").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}},{\"op\":\"add\",\"path\":\"/metadata/annotations/leak-detector~1drain\",\"value\":\"true\"},{\"op\":\"remove\",\"path\":\"/metadata/labels/app\"}]");
            System.out.println("annotation patch ok: " + p.getMetadata());
        } catch (Exception e) { System.out.println("annotation patch failed: " + e); }
        System.out.println("list by label app=web: " + client.pods().inNamespace("ns").withLabel("app", "web").list().getItems().size());
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("d").withNamespace("ns").endMetadata()
                .withNewSpec().withReplicas(2).endSpec().build();
        client.apps().deployments().inNamespace("ns").resource(d).create();
        try {
            Deployment p = client.apps().deployments().inNamespace("ns").withName("d").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":2},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
            System.out.println("deployment patch ok: " + p.getSpec().getReplicas() + " gen " + p.getMetadata().getGeneration());
        } catch (Exception e) { System.out.println("deployment patch failed: " + e); }
        try {
            System.out.println("nonexistent: " + client.pods().inNamespace("ns").withName("nope").get());
        } catch (Exception e) { System.out.println("nonexistent failed: " + e); }
        int n = server.getRequestCount();
        for (int i = 0; i < n; i++) {
            var r = server.takeRequest();
            System.out.println("REQ " + r.getMethod() + " " + r.getPath() + " ct=" + r.getHeader("Content-Type") + " ua=" + r.getHeader("User-Agent"));
        }
    }
}
