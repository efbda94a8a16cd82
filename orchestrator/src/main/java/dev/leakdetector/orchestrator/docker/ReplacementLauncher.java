package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts the replacement: the target's configuration (image, command, entrypoint, environment,
 * labels, user, working directory, volumes, resources, health check, networks and aliases) under a
 * new name with the run's labels. Two things differ on purpose: host ports are chosen by Docker,
 * because a host port cannot be bound twice, and the restart policy is {@code no}, because a
 * replacement that crashes must fail the run, not restart quietly behind it.
 */
final class ReplacementLauncher {
    private final DockerClient docker;
    private final ContainerExec exec;

    ReplacementLauncher(DockerClient docker) {
        this.docker = docker;
        this.exec = new ContainerExec(docker);
    }

    /** The container name of a run's replacement: the target's name and the run id. */
    static String nameFor(TargetContainer target, String runId) {
        String base = target.name().replaceAll("[^a-zA-Z0-9_.-]", "-");
        return (base.length() > 60 ? base.substring(0, 60) : base) + "-" + runId;
    }

    /**
     * Creates and starts the container; returns its id. The caller registered its removal already.
     *
     * @param requestedImage {@code --image}, or null for the target's own image (by id, so a tag
     *                       that moved since the target started does not change what runs)
     */
    String create(TargetContainer target, String name, String requestedImage, Map<String, String> labels,
                  RunContext context) throws OrchestrationException {
        InspectContainerResponse source;
        try {
            source = docker.inspectContainerCmd(target.id()).exec();
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot inspect " + target.displayName() + " again: "
                    + DockerConnection.rootMessage(e), e);
        }
        ContainerConfig config = source.getConfig();
        String image = requestedImage != null ? requestedImage : source.getImageId();
        Map<String, String> allLabels = new HashMap<>(config.getLabels() == null ? Map.of() : config.getLabels());
        allLabels.putAll(labels);
        List<String> env = new ArrayList<>(config.getEnv() == null ? List.of() : Arrays.asList(config.getEnv()));
        String shared = target.sharedMountOfMaintenanceFile();
        if (shared != null) {
            // The file lives on a volume both containers mount: draining the target must not drain its replacement.
            String own = target.maintenanceFile() + "-" + context.runId();
            env.removeIf(e -> e.startsWith("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE="));
            env.add("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE=" + own);
            context.warn().accept("the maintenance file " + target.maintenanceFile() + " is on the mount " + shared
                    + ", which the replacement shares; the replacement watches " + own + " instead");
        }
        HostConfig host = source.getHostConfig().withPortBindings(ownHostPorts(source.getHostConfig().getPortBindings()))
                .withRestartPolicy(RestartPolicy.noRestart()).withAutoRemove(false)
                // The target's --cidfile exists already; a second container cannot write it.
                .withContainerIDFile(null);
        CreateContainerCmd create = docker.createContainerCmd(image).withName(name).withLabels(allLabels).withEnv(env)
                .withHostConfig(host).withTty(config.getTty()).withStdinOpen(config.getStdinOpen())
                .withHealthcheck(config.getHealthcheck());
        if (config.getCmd() != null) {
            create.withCmd(config.getCmd());
        }
        if (config.getEntrypoint() != null) {
            create.withEntrypoint(config.getEntrypoint());
        }
        if (config.getUser() != null && !config.getUser().isEmpty()) {
            create.withUser(config.getUser());
        }
        if (config.getWorkingDir() != null && !config.getWorkingDir().isEmpty()) {
            create.withWorkingDir(config.getWorkingDir());
        }
        if (config.getExposedPorts() != null) {
            create.withExposedPorts(config.getExposedPorts());
        }
        Map<String, ContainerNetwork> networks = source.getNetworkSettings() == null ? Map.of()
                : source.getNetworkSettings().getNetworks();
        String primary = String.valueOf(source.getHostConfig().getNetworkMode());
        if (networks != null && networks.containsKey(primary)) {
            List<String> aliases = aliases(networks.get(primary), source.getId());
            if (!aliases.isEmpty()) {
                create.withAliases(aliases);
            }
        }
        String id;
        try {
            id = create.exec().getId();
        } catch (NotFoundException e) {
            throw new OrchestrationException("cannot create the replacement: image " + image + " is not on the daemon"
                    + " (" + DockerConnection.rootMessage(e) + "); pull it first", e);
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot create the replacement " + name + ": "
                    + DockerConnection.rootMessage(e), e);
        }
        connectOtherNetworks(id, primary, networks, source.getId());
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot start the replacement " + name + ": "
                    + DockerConnection.rootMessage(e), e);
        }
        return id;
    }

    /** The same port mappings on the same host addresses, with host ports left to Docker. */
    private static Ports ownHostPorts(Ports bindings) {
        Ports ports = new Ports();
        if (bindings == null) {
            return ports;
        }
        for (Map.Entry<ExposedPort, Ports.Binding[]> e : bindings.getBindings().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            for (Ports.Binding b : e.getValue()) {
                ports.bind(e.getKey(), new Ports.Binding(b.getHostIp() == null ? "" : b.getHostIp(), ""));
            }
        }
        return ports;
    }

    /** Aliases the user gave; Docker adds the container's own short id itself. */
    private static List<String> aliases(ContainerNetwork network, String sourceId) {
        List<String> aliases = new ArrayList<>();
        if (network.getAliases() != null) {
            for (String alias : network.getAliases()) {
                if (!sourceId.startsWith(alias)) {
                    aliases.add(alias);
                }
            }
        }
        return aliases;
    }

    private void connectOtherNetworks(String id, String primary, Map<String, ContainerNetwork> networks, String sourceId)
            throws OrchestrationException {
        if (networks == null) {
            return;
        }
        for (Map.Entry<String, ContainerNetwork> e : networks.entrySet()) {
            if (e.getKey().equals(primary) || e.getValue().getNetworkID() == null) {
                continue;
            }
            try {
                docker.connectToNetworkCmd().withContainerId(id).withNetworkId(e.getValue().getNetworkID())
                        .withContainerNetwork(new ContainerNetwork().withAliases(aliases(e.getValue(), sourceId))).exec();
            } catch (RuntimeException ex) {
                throw new OrchestrationException("cannot connect the replacement to network " + e.getKey() + ": "
                        + DockerConnection.rootMessage(ex), ex);
            }
        }
    }

    /**
     * Waits until the replacement runs and is healthy: its own health check when it has one,
     * else something listens on the probe port inside it (the kernel's socket table, so no tool
     * is needed in the image), else it has kept running for two seconds.
     */
    void awaitReady(String id, String name, int probePort, ContainerTools tools, Duration timeout, Consumer<String> warn)
            throws OrchestrationException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean warned = false;
        while (true) {
            InspectContainerResponse state;
            try {
                state = docker.inspectContainerCmd(id).exec();
            } catch (RuntimeException e) {
                throw new OrchestrationException("the replacement " + name + " disappeared: "
                        + DockerConnection.rootMessage(e), e);
            }
            InspectContainerResponse.ContainerState s = state.getState();
            if (!Boolean.TRUE.equals(s.getRunning())) {
                throw new OrchestrationException("the replacement " + name + " exited with code " + s.getExitCodeLong()
                        + (Boolean.TRUE.equals(s.getOOMKilled()) ? " (out of memory)" : "") + " while starting"
                        + logTail(id));
            }
            HealthState health = s.getHealth();
            if (ContainerDiscovery.hasHealthCheck(state.getConfig().getHealthcheck()) && health != null) {
                String status = String.valueOf(health.getStatus()).toLowerCase(Locale.ROOT);
                if (status.equals("healthy")) {
                    return;
                }
                if (status.equals("unhealthy")) {
                    throw new OrchestrationException("the replacement " + name + " is unhealthy by its own health check"
                            + logTail(id));
                }
            } else if (probePort > 0) {
                if (listening(id, probePort, tools)) {
                    return;
                }
            } else {
                if (!warned) {
                    warn.accept("no health check and no known port for the replacement " + name
                            + "; it counts as ready after two seconds of running (give --port to probe one)");
                    warned = true;
                }
                if (System.nanoTime() - start > Duration.ofSeconds(2).toNanos()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new OrchestrationException("the replacement " + name + " was not ready within " + timeout.toSeconds()
                        + " s (" + (probePort > 0 ? "nothing listens on port " + probePort : "health check pending")
                        + ")" + logTail(id));
            }
            sleep(250);
        }
    }

    /** True when a socket in the container listens on the port (state 0A in /proc/net/tcp*). */
    private boolean listening(String id, int port, ContainerTools tools) throws OrchestrationException {
        ContainerExec.Result result = exec.run(id, tools.tcpTables(), Duration.ofSeconds(20));
        if (!result.ok() && result.missingExecutable() && tools.shell()) {
            // An --image without a shell: ask its Node instead.
            result = exec.run(id, new ContainerTools(false, tools.node(), tools.tools()).tcpTables(), Duration.ofSeconds(20));
        }
        if (!result.ok()) {
            return false;
        }
        String hexPort = String.format(":%04X", port);
        for (String line : result.out().split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    /** The last lines of a container's log, for errors about it. */
    String logTail(String id) {
        StringBuilder text = new StringBuilder();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
        };
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(10).exec(callback)
                    .awaitCompletion(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "";
        }
        String tail = text.toString().strip();
        return tail.isEmpty() ? "" : "; its log ends with:\n" + tail.indent(2).stripTrailing();
    }

    /** The host port Docker gave the replacement for a container port, or -1. */
    int hostPort(String id, int containerPort) {
        if (containerPort <= 0) {
            return -1;
        }
        try {
            Ports.Binding b = ContainerDiscovery.publishedTcp(docker.inspectContainerCmd(id).exec()).get(containerPort);
            return b == null ? -1 : ContainerDiscovery.parsePort(b.getHostPortSpec());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Stops (SIGTERM, ten seconds, then SIGKILL) and removes the container with its anonymous
     * volumes. Gone already counts as done.
     */
    void remove(String idOrName) {
        try {
            docker.stopContainerCmd(idOrName).withTimeout(10).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // Not running, or gone: removal below decides.
        }
        try {
            docker.removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // Gone already: done.
        }
    }

    private static void sleep(long millis) throws OrchestrationException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestrationException("interrupted while waiting for the replacement");
        }
    }
}
