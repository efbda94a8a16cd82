package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks the API server, with SelfSubjectAccessReviews, whether the credentials in use may do what
 * the run will do, so that a missing permission stops the run before it changes anything instead
 * of halfway through a drain.
 */
final class AccessReview {

    /**
     * One permission.
     *
     * @param group       API group ("" for the core group)
     * @param resource    plural resource, such as {@code pods}
     * @param subresource such as {@code status} or {@code exec}, or ""
     * @param why         which step needs it, for the message
     */
    record Permission(String verb, String group, String resource, String subresource, String why) {
        String describe() {
            String name = subresource.isEmpty() ? resource : resource + "/" + subresource;
            return verb + " " + (group.isEmpty() ? name : name + "." + group);
        }
    }

    private final KubernetesClient client;

    AccessReview(KubernetesClient client) {
        this.client = client;
    }

    /** The permissions the API server denies, one line each; empty when all are granted. */
    List<String> missing(String namespace, List<Permission> permissions) throws OrchestrationException {
        List<String> missing = new ArrayList<>();
        for (Permission permission : permissions) {
            SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec()
                    .withResourceAttributes(new ResourceAttributesBuilder().withNamespace(namespace)
                            .withVerb(permission.verb()).withGroup(permission.group())
                            .withResource(permission.resource()).withSubresource(permission.subresource()).build())
                    .endSpec().build();
            SelfSubjectAccessReview answer = Api.call("check permission " + permission.describe(),
                    () -> client.authorization().v1().selfSubjectAccessReview().create(review));
            boolean allowed = answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
            if (!allowed) {
                missing.add("missing permission: " + permission.describe() + " in namespace " + namespace
                        + " (needed to " + permission.why() + ")");
            }
        }
        return missing;
    }
}
