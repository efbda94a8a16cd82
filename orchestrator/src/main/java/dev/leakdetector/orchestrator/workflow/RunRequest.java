package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.analysis.AnalysisOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@code run} was asked to do. Immutable; built by the command from its options.
 *
 * @param targetId          the seed's {@code --container-id}: a container, a pod, or a local pid
 * @param delay             time between the before and the after snapshot
 * @param outputDirectory   reports, snapshots and the journal go to {@code outputDirectory/runId}
 * @param image             the seed's {@code --image}: overrides the replacement's image, or null
 * @param strategy          local, docker or k8s
 * @param cleanup           false with {@code --no-cleanup}: the replacement is kept
 * @param drainMethod       how traffic leaves the target, or null for the platform's default
 * @param drainGracePeriod  wait after the drain, for in-flight requests to finish
 * @param drainWholeDelay   keep the target drained from the first snapshot to the second (the
 *                          seed's flow); by default it is drained only around each snapshot and
 *                          serves during the delay, so that leaks driven by requests can grow
 * @param trafficHook       http-hook: URL template; command: the script
 * @param trafficHookBody   http-hook: body template, or null
 * @param namespace         Kubernetes namespace, or null
 * @param container         Kubernetes container name when the pod has several, or null
 * @param command           local: the command that starts the service (the platform runs it), or empty
 * @param port              local: the public port of the embedded proxy; docker: the container port to probe
 * @param environment       extra settings by name (such as the Kubernetes context)
 * @param gc                collect garbage before each snapshot
 * @param force             snapshot even when the memory pre-flight check refuses
 * @param analysis          how the analysis decides
 * @param snapshotMethod    how snapshots are taken ({@code --snapshot-method}); null means auto
 */
public record RunRequest(String targetId, Duration delay, Path outputDirectory, String image, String strategy,
                         boolean cleanup, DrainMethod drainMethod, Duration drainGracePeriod, boolean drainWholeDelay,
                         String trafficHook,
                         String trafficHookBody, String namespace, String container, List<String> command, int port,
                         Map<String, String> environment, boolean gc, boolean force, AnalysisOptions analysis,
                         SnapshotMethod snapshotMethod) {

    public RunRequest {
        command = command == null ? List.of() : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        snapshotMethod = snapshotMethod == null ? SnapshotMethod.AUTO : snapshotMethod;
    }

    /** A request whose snapshots are taken the automatic way (see {@link SnapshotMethod#AUTO}). */
    public RunRequest(String targetId, Duration delay, Path outputDirectory, String image, String strategy,
                      boolean cleanup, DrainMethod drainMethod, Duration drainGracePeriod, boolean drainWholeDelay,
                      String trafficHook, String trafficHookBody, String namespace, String container,
                      List<String> command, int port, Map<String, String> environment, boolean gc, boolean force,
                      AnalysisOptions analysis) {
        this(targetId, delay, outputDirectory, image, strategy, cleanup, drainMethod, drainGracePeriod, drainWholeDelay,
                trafficHook, trafficHookBody, namespace, container, command, port, environment, gc, force, analysis,
                SnapshotMethod.AUTO);
    }
}
