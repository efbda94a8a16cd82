package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s/ against the code: the Role grants every permission the pre-flight check asks for,
 * on every path (Deployment, ReplicaSet, bare pod; every drain method), and nothing beyond the
 * documented list; the example Deployment declares the gate the platform looks for.
 */
class ManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy", "k8s");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static List<HasMetadata> load(String file) throws Exception {
        try (InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
            Object parsed = YAML.unmarshal(in);
            List<HasMetadata> items = new ArrayList<>();
            if (parsed instanceof List<?> list) {
                list.forEach(o -> items.add((HasMetadata) o));
            } else {
                items.add((HasMetadata) parsed);
            }
            return items;
        }
    }

    /** "verb resource[/sub][.group]" for every verb a rule grants. */
    private static Set<String> grants(List<PolicyRule> rules) {
        Set<String> grants = new HashSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(verb + " " + resource + (group.isEmpty() ? "" : "." + group));
                    }
                }
            }
        }
        return grants;
    }

    @Test
    void theRoleGrantsWhatEveryPathChecksAndNothingElse() throws Exception {
        List<HasMetadata> rbac = load("rbac.yaml");
        Role role = rbac.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
        Set<String> granted = grants(role.getRules());

        Set<String> checked = new HashSet<>();
        for (String owner : List.of("Deployment", "ReplicaSet", "Pod")) {
            for (DrainMethod method : List.of(DrainMethod.READINESS_GATE, DrainMethod.RELABEL, DrainMethod.FILE,
                    DrainMethod.AGENT, DrainMethod.NONE)) {
                PodTarget target = target(owner);
                for (SnapshotMethod snapshots : SnapshotMethod.values()) {
                    for (AccessReview.Permission p : Preflight.permissions(target, DrainPlan.choose(target, method),
                            snapshots)) {
                        checked.add(p.verb() + " " + (p.subresource().isEmpty() ? p.resource() : p.resource() + "/"
                                + p.subresource()) + (p.group().isEmpty() ? "" : "." + p.group()));
                    }
                }
            }
        }
        assertThat(granted).containsAll(checked);
        // Beyond what pre-flight checks: what the client uses under the hood (watch, for exec's
        // wait on the pod), the Endpoints fallback, and the cleanup sweep's lists.
        Set<String> extra = new HashSet<>(granted);
        extra.removeAll(checked);
        assertThat(extra).containsExactlyInAnyOrder("watch pods", "get services", "watch endpointslices.discovery.k8s.io",
                "list endpoints", "list deployments.apps", "list replicasets.apps");
        ClusterRole selfReview = rbac.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .findFirst().orElseThrow();
        assertThat(grants(selfReview.getRules())).containsExactly("create selfsubjectaccessreviews.authorization.k8s.io");
    }

    @Test
    void theExampleDeploymentDeclaresTheGateThePlatformDrainsByDefault() throws Exception {
        Deployment deployment = load("example-deployment.yaml").stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).findFirst().orElseThrow();
        assertThat(deployment.getSpec().getTemplate().getSpec().getReadinessGates())
                .extracting(g -> g.getConditionType()).containsExactly(Names.OWN_READINESS_GATE);
        assertThat(deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
                .contains("--patch={\"status\":{\"conditions\":[{\"type\":\"" + Names.OWN_READINESS_GATE
                        + "\",\"status\":\"True\"}]}}");
    }

    @Test
    void theJobsTargetAPodByLabel() throws Exception {
        for (String file : List.of("job.yaml", "cronjob.yaml")) {
            String text = Files.readString(DEPLOY.resolve(file));
            assertThat(text).as(file).contains("--replace-strategy=k8s", "--container-id=app=SERVICE",
                    "serviceAccountName: leak-detector", "backoffLimit: 0", "terminationGracePeriodSeconds: 300");
            assertThat(load(file)).as(file).hasSize(1);
        }
    }

    private static PodTarget target(String owner) {
        return new PodTarget("shop", "web-1", "uid", "app", "node", "10.0.0.1", owner, "web", "web-5c8d7",
                List.of("web"), "app", List.of(), List.of(Names.OWN_READINESS_GATE), 9229, "/tmp/maintenance",
                9339, -1, 8080);
    }

}
