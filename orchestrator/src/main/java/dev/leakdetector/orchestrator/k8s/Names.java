package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.RunContext;

/**
 * The labels and annotations leak-detector puts on Kubernetes objects. Each change it makes to an
 * object it does not own is mirrored by an annotation that says how to take it back, so that
 * {@code leak-detector cleanup} can repair a cluster even without the run's journal.
 */
final class Names {
    /** On pods the run created (bare replacements, and the pod a scale-up produced). */
    static final String RUN_ID_LABEL = RunContext.RUN_ID_LABEL;
    static final String ROLE_LABEL = RunContext.ROLE_LABEL;
    static final String REPLACEMENT = RunContext.REPLACEMENT;

    /** On every object the run changed: which run did it. */
    static final String RUN_ANNOTATION = "leak-detector/run-id";
    /** "true" while the pod is drained. */
    static final String DRAIN_ANNOTATION = "leak-detector/drain";
    /** How it was drained: {@code readiness-gate:TYPE}, {@code relabel:KEY=VALUE}, {@code file:PATH}, {@code agent:PORT}. */
    static final String DRAIN_METHOD_ANNOTATION = "leak-detector/drain-method";
    /** The target's own deletion cost before the run raised it ("" when it had none). */
    static final String PREVIOUS_COST_ANNOTATION = "leak-detector/previous-deletion-cost";
    /** On a Deployment or ReplicaSet the run scaled up: the run id, and the replica count before. */
    static final String SCALED_ANNOTATION = "leak-detector/scaled-up";
    static final String REPLICAS_BEFORE_ANNOTATION = "leak-detector/replicas-before";
    /** On a Deployment or ReplicaSet the run scaled up: the pod the scale-down must keep. */
    static final String TARGET_POD_ANNOTATION = "leak-detector/target-pod";

    /**
     * The ReplicaSet controller removes pods with the lowest cost first on scale-down (after
     * unscheduled, pending and not-ready pods), so the target gets the highest and the replacement
     * the lowest value an int32 allows.
     */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    static final String PROTECTED_COST = Integer.toString(Integer.MAX_VALUE);
    static final String EXPENDABLE_COST = Integer.toString(Integer.MIN_VALUE);

    /** The readiness gate leak-detector prefers when a pod declares several (see deploy/k8s). */
    static final String OWN_READINESS_GATE = "leak-detector.dev/serving";
    /** kubectl's way to name the container meant by default in a pod of several. */
    static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";
    /** The label the EndpointSlice controller puts on every slice of a Service. */
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private Names() {
    }
}
