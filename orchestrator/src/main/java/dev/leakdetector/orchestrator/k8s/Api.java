package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Turns the client's runtime exceptions into {@link OrchestrationException}s whose message says
 * what was attempted on which object and what to do about it; an unchecked client exception would
 * otherwise surface as an internal error (exit 4) instead of an environment failure (exit 3).
 */
final class Api {
    private Api() {
    }

    /** A call to the API server. */
    @FunctionalInterface
    interface Call<T> {
        T run();
    }

    static <T> T call(String what, Call<T> call) throws OrchestrationException {
        try {
            return call.run();
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    static OrchestrationException failure(String what, KubernetesClientException e) {
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        if (e.getCode() <= 0) {
            // No HTTP answer at all: the interesting message is the innermost one ("Connection refused").
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new OrchestrationException(what + ": cannot reach the Kubernetes API server (" + (root.getMessage() == null
                    ? root.getClass().getSimpleName() : root.getMessage()) + "); check the kubeconfig context and the"
                    + " network", e);
        }
        return switch (e.getCode()) {
            case 401 -> new OrchestrationException(what + ": the API server does not accept our credentials (" + reason
                    + "); check the kubeconfig context or the service account token", e);
            case 403 -> new OrchestrationException(what + ": forbidden (" + reason + "); deploy/k8s/rbac.yaml lists"
                    + " the permissions leak-detector needs", e);
            case 404 -> new OrchestrationException(what + ": not found (" + reason + ")", e);
            case 409, 422 -> new OrchestrationException(what + ": the API server refused the change (" + reason + ")", e);
            default -> new OrchestrationException(what + ": HTTP " + e.getCode() + " (" + reason + ")", e);
        };
    }

    static boolean notFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }
}
