package dev.leakdetector.cli;

import dev.leakdetector.orchestrator.docker.DockerConnection;
import dev.leakdetector.orchestrator.docker.DockerPlatform;
import dev.leakdetector.orchestrator.k8s.KubernetesPlatform;
import dev.leakdetector.orchestrator.local.LocalPlatform;
import dev.leakdetector.orchestrator.local.ManagedService;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the platform a run asks for, and the platforms a cleanup sweeps. */
final class Platforms {
    private Platforms() {
    }

    static Platform forStrategy(String strategy, ManagedService managed, Environment environment, String context) {
        return switch (strategy.toLowerCase(Locale.ROOT)) {
            case "local" -> new LocalPlatform(managed);
            case "docker" -> new DockerPlatform(environment.variables());
            case "k8s", "kubernetes" -> kubernetes(environment, context);
            default -> throw new UserException(ExitCode.USAGE, "unknown --replace-strategy '" + strategy
                    + "' (expected local, docker or k8s)");
        };
    }

    /** Every platform that can be reached from here, for {@code cleanup}. */
    static List<Platform> all(Environment environment) {
        List<Platform> platforms = new ArrayList<>();
        platforms.add(new LocalPlatform(null));
        if (DockerConnection.reachable(environment.variables())) {
            platforms.add(new DockerPlatform(environment.variables()));
        }
        if (KubernetesPlatform.configured(environment.variables())) {
            platforms.add(kubernetes(environment, null));
        }
        return platforms;
    }

    private static Platform kubernetes(Environment environment, String context) {
        try {
            return KubernetesPlatform.connect(context, environment.variables());
        } catch (OrchestrationException e) {
            throw new UserException(ExitCode.ENVIRONMENT, e.getMessage());
        }
    }
}
