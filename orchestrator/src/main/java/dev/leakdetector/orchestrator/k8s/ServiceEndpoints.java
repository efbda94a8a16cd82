package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether Services send traffic to a pod, as kube-proxy and most ingress controllers see it: an
 * endpoint in the Service's EndpointSlices (discovery.k8s.io/v1) that is the pod and is ready. A
 * drained pod either leaves the slices (relabel) or stays with {@code ready: false} (readiness);
 * both mean no new traffic. Clusters or credentials without EndpointSlices fall back to the core
 * Endpoints object, where a not-ready pod moves to {@code notReadyAddresses}.
 */
final class ServiceEndpoints {
    private final KubernetesClient client;
    private final Waits waits;

    ServiceEndpoints(KubernetesClient client, Waits waits) {
        this.client = client;
        this.waits = waits;
    }

    /** Waits until no Service routes to the pod; fails when the pod disappears meanwhile. */
    void awaitOut(String namespace, String podName, List<String> services, Duration timeout) throws OrchestrationException {
        if (services.isEmpty()) {
            return;
        }
        waits.until("pod " + namespace + "/" + podName + " to leave the endpoints of " + String.join(", ", services), timeout,
                seen -> {
                    Pod pod = pod(namespace, podName);
                    if (pod == null) {
                        throw new OrchestrationException("pod " + namespace + "/" + podName
                                + " disappeared during the drain (deleted or evicted)");
                    }
                    List<String> still = new ArrayList<>();
                    for (String service : services) {
                        if (routesTo(namespace, service, pod)) {
                            still.add(service);
                        }
                    }
                    seen.accept("still a ready endpoint of " + String.join(", ", still));
                    return still.isEmpty() ? Boolean.TRUE : null;
                });
    }

    /** Waits until the pod is Ready and every Service routes to it again; returns at once if the pod is gone. */
    void awaitIn(String namespace, String podName, List<String> services, Duration timeout) throws OrchestrationException {
        waits.until("pod " + namespace + "/" + podName + " to be Ready and back in the endpoints of "
                + (services.isEmpty() ? "its Services" : String.join(", ", services)), timeout, seen -> {
                    Pod pod = pod(namespace, podName);
                    if (pod == null) {
                        return Boolean.TRUE;
                    }
                    if (!PodState.ready(pod)) {
                        seen.accept(PodState.describe(pod));
                        return null;
                    }
                    List<String> missing = new ArrayList<>();
                    for (String service : services) {
                        if (!routesTo(namespace, service, pod)) {
                            missing.add(service);
                        }
                    }
                    seen.accept("not yet a ready endpoint of " + String.join(", ", missing));
                    return missing.isEmpty() ? Boolean.TRUE : null;
                });
    }

    boolean routesTo(String namespace, String service, Pod pod) throws OrchestrationException {
        List<EndpointSlice> slices;
        try {
            slices = client.discovery().v1().endpointSlices().inNamespace(namespace)
                    .withLabel(Names.SERVICE_NAME_LABEL, service).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 403) {
                return routesToByEndpoints(namespace, service, pod);
            }
            throw Api.failure("list the EndpointSlices of service " + namespace + "/" + service, e);
        }
        for (EndpointSlice slice : slices) {
            for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
                // A nil ready condition means "ready": the API says consumers should assume so.
                boolean ready = endpoint.getConditions() == null || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
                if (ready && isPod(endpoint.getTargetRef(), endpoint.getAddresses(), pod)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean routesToByEndpoints(String namespace, String service, Pod pod) throws OrchestrationException {
        // Listed, not read by name: "list endpoints" is the one permission the Role grants for them.
        Endpoints endpoints = Api.call("list the endpoints of service " + namespace + "/" + service,
                () -> client.endpoints().inNamespace(namespace).withField("metadata.name", service).list().getItems())
                .stream().findFirst().orElse(null);
        if (endpoints == null || endpoints.getSubsets() == null) {
            return false;
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            for (EndpointAddress address : subset.getAddresses() == null ? List.<EndpointAddress>of() : subset.getAddresses()) {
                if (isPod(address.getTargetRef(), List.of(String.valueOf(address.getIp())), pod)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isPod(ObjectReference ref, List<String> addresses, Pod pod) {
        if (ref != null && "Pod".equals(ref.getKind()) && pod.getMetadata().getName().equals(ref.getName())) {
            return true;
        }
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        return ip != null && addresses != null && addresses.contains(ip);
    }

    private Pod pod(String namespace, String name) throws OrchestrationException {
        return Api.call("get pod " + namespace + "/" + name, () -> client.pods().inNamespace(namespace).withName(name).get());
    }
}
