package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.dumps.DumpTarget;
import dev.leakdetector.orchestrator.dumps.NodeFlags;

import java.util.List;
import java.util.Map;

/**
 * What discovery learned about the target container: its configuration from inspect, and from a
 * probe inside it the service's Node process, its options and the tools the image has.
 *
 * @param id            full container id
 * @param name          container name without the leading slash
 * @param image         the image as the container was started with it (for reports)
 * @param environment   its environment (image and container variables merged, as inspect shows)
 * @param networkMode   {@code bridge}, a network name, {@code host}, {@code container:ID}, …
 * @param probePort     the container port that shows the service is up (-1: none known)
 * @param hostIp        the host address that port is published on ("" when not published)
 * @param hostPort      the host port it is published on (-1 when not published)
 * @param healthCheck   the container has a health check of its own
 * @param mounts        destinations of its volumes and bind mounts
 * @param process       the service's Node process
 * @param flags         its Node options
 * @param tools         how to run commands inside it
 */
record TargetContainer(String id, String name, String image, Map<String, String> environment, String networkMode,
                       int probePort, String hostIp, int hostPort, boolean healthCheck, List<String> mounts,
                       NodeProcess process, NodeFlags flags, ContainerTools tools) {

    TargetContainer {
        environment = Map.copyOf(environment);
        mounts = List.copyOf(mounts);
    }

    String shortId() {
        return ContainerExec.shortId(id);
    }

    String displayName() {
        return "container " + name + " (" + shortId() + ")";
    }

    /** The service's Node process, for the choice of snapshot method and the --heapsnapshot-signal method. */
    DumpTarget dumpTarget() {
        return new DumpTarget(displayName(), process.pid(), process.caught(), flags);
    }

    /** Where the agent (and apps of their own) look for the maintenance file. */
    String maintenanceFile() {
        String file = environment.get("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE");
        return file == null || file.isBlank() ? "/tmp/maintenance" : file;
    }

    /** The mount the maintenance file lives on, when the replacement would share it; else null. */
    String sharedMountOfMaintenanceFile() {
        String file = maintenanceFile();
        for (String mount : mounts) {
            String prefix = mount.endsWith("/") ? mount : mount + "/";
            if (file.startsWith(prefix)) {
                return mount;
            }
        }
        return null;
    }
}
