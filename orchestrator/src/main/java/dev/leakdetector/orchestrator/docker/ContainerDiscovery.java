package dev.leakdetector.orchestrator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import dev.leakdetector.orchestrator.dumps.NodeFlags;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the target: inspects the container (read only) and probes its processes with one exec
 * (read only too), so that every "this is not something we can examine" answer comes before the
 * run changes anything.
 */
final class ContainerDiscovery {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final DockerClient docker;
    private final ContainerExec exec;
    private final String host;

    ContainerDiscovery(DockerClient docker, String host) {
        this.docker = docker;
        this.exec = new ContainerExec(docker);
        this.host = host;
    }

    /** Inspects the container; a missing or stopped one is the user's input at fault. */
    InspectContainerResponse inspect(String idOrName) throws OrchestrationException {
        InspectContainerResponse container;
        try {
            container = docker.inspectContainerCmd(idOrName).exec();
        } catch (NotFoundException e) {
            throw new TargetNotFoundException("no container '" + idOrName + "' on the Docker daemon at " + host
                    + " (docker ps lists the running ones)");
        } catch (RuntimeException e) {
            throw new OrchestrationException("cannot inspect container '" + idOrName + "': "
                    + DockerConnection.rootMessage(e), e);
        }
        InspectContainerResponse.ContainerState state = container.getState();
        if (Boolean.TRUE.equals(state.getPaused())) {
            throw new TargetNotFoundException("container '" + idOrName + "' is paused; unpause it first");
        }
        if (!Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
            throw new TargetNotFoundException("container '" + idOrName + "' is not running (status " + state.getStatus()
                    + (state.getExitCodeLong() == null ? "" : ", exit code " + state.getExitCodeLong())
                    + "); name a running container");
        }
        return container;
    }

    /** Inspects and probes the target. */
    TargetContainer discover(String idOrName, int requestedPort) throws OrchestrationException {
        InspectContainerResponse container = inspect(idOrName);
        String id = container.getId();
        Map<String, String> env = environment(container.getConfig().getEnv());
        Probe probe = probe(id, container.getConfig().getCmd(), container.getConfig().getEntrypoint());
        NodeProcess service;
        try {
            service = NodeProcess.service(probe.processes());
        } catch (IllegalStateException e) {
            throw new OrchestrationException("container " + name(container) + ": " + e.getMessage());
        }
        if (service == null) {
            StringBuilder seen = new StringBuilder();
            for (NodeProcess p : probe.processes()) {
                if (!p.ours() && seen.length() < 200) {
                    seen.append(seen.length() == 0 ? "" : ", ").append(p.commandLine().isEmpty() ? p.name()
                            : p.commandLine());
                }
            }
            throw new TargetNotFoundException("container " + name(container) + " runs no Node.js process (it runs: "
                    + seen + "); leak-detector examines Node.js services");
        }
        String node = service.exe().isEmpty() ? probe.node() : service.exe().replace(" (deleted)", "");
        ContainerTools tools = new ContainerTools(probe.shell(), node, probe.tools());
        NodeFlags flags = NodeFlags.of(service.arguments(), env.get("NODE_OPTIONS"));
        Map<Integer, Ports.Binding> published = publishedTcp(container);
        int port = requestedPort > 0 ? requestedPort : published.isEmpty() ? firstExposed(container)
                : published.keySet().iterator().next();
        Ports.Binding binding = published.get(port);
        List<String> mounts = new ArrayList<>();
        if (container.getMounts() != null) {
            container.getMounts().forEach(m -> {
                if (m.getDestination() != null) {
                    mounts.add(m.getDestination().getPath());
                }
            });
        }
        return new TargetContainer(id, name(container), container.getConfig().getImage(), env,
                String.valueOf(container.getHostConfig().getNetworkMode()), port,
                binding == null || binding.getHostIp() == null ? "" : binding.getHostIp(),
                binding == null ? -1 : parsePort(binding.getHostPortSpec()), hasHealthCheck(container.getConfig()
                .getHealthcheck()), mounts, service, flags, tools);
    }

    /** The processes and tools inside the container: with its shell, else with its Node. */
    Probe probe(String id, String[] cmd, String[] entrypoint) throws OrchestrationException {
        ContainerExec.Result result = exec.run(id, ContainerTools.shellProbe(), PROBE_TIMEOUT);
        if (result.ok()) {
            String out = result.out();
            return new Probe(true, "node", ContainerTools.toolsFrom(ContainerTools.lines(out)), NodeProcess.parse(out));
        }
        if (!result.missingExecutable()) {
            throw new OrchestrationException("cannot list the processes of container " + ContainerExec.shortId(id)
                    + " with docker exec (exit " + result.exitCode() + ": " + result.lastLine() + ")");
        }
        for (String node : nodeCandidates(cmd, entrypoint)) {
            ContainerExec.Result viaNode = exec.run(id, ContainerTools.nodeProbe(node), PROBE_TIMEOUT);
            if (viaNode.ok()) {
                String out = viaNode.out();
                return new Probe(false, node, ContainerTools.toolsFrom(ContainerTools.lines(out)), NodeProcess.parse(out));
            }
            if (!viaNode.missingExecutable()) {
                throw new OrchestrationException("cannot list the processes of container " + ContainerExec.shortId(id)
                        + " with node (exit " + viaNode.exitCode() + ": " + viaNode.lastLine() + ")");
            }
        }
        throw new TargetNotFoundException("container " + ContainerExec.shortId(id) + " has neither /bin/sh nor a node"
                + " executable on its PATH, so it is not a Node.js container leak-detector can examine");
    }

    /** What the probe found. */
    record Probe(boolean shell, String node, Set<String> tools, List<NodeProcess> processes) {
    }

    /** The image's own node first (from its command), then the usual places, distroless included. */
    private static List<String> nodeCandidates(String[] cmd, String[] entrypoint) {
        Set<String> candidates = new LinkedHashSet<>();
        for (String[] args : new String[][] {entrypoint, cmd}) {
            if (args != null && args.length > 0 && args[0].startsWith("/")
                    && NodeProcess.baseName(args[0]).startsWith("node")) {
                candidates.add(args[0]);
            }
        }
        candidates.addAll(List.of("node", "/usr/local/bin/node", "/usr/bin/node", "/nodejs/bin/node"));
        return new ArrayList<>(candidates);
    }

    static String name(InspectContainerResponse container) {
        String name = container.getName();
        return name == null ? ContainerExec.shortId(container.getId()) : name.startsWith("/") ? name.substring(1) : name;
    }

    static Map<String, String> environment(String[] env) {
        Map<String, String> result = new LinkedHashMap<>();
        if (env != null) {
            for (String entry : env) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    result.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        }
        return result;
    }

    /** Container TCP ports published on the host, by container port, in port order. */
    static Map<Integer, Ports.Binding> publishedTcp(InspectContainerResponse container) {
        Map<Integer, Ports.Binding> result = new TreeMap<>();
        if (container.getNetworkSettings() == null || container.getNetworkSettings().getPorts() == null) {
            return result;
        }
        for (Map.Entry<ExposedPort, Ports.Binding[]> e : container.getNetworkSettings().getPorts().getBindings()
                .entrySet()) {
            if (e.getKey().getProtocol() == InternetProtocol.TCP && e.getValue() != null && e.getValue().length > 0) {
                // IPv4 first: docker lists 0.0.0.0 and :: bindings for one port; tests and hooks use 127.0.0.1.
                Ports.Binding chosen = e.getValue()[0];
                for (Ports.Binding b : e.getValue()) {
                    if (b.getHostIp() != null && !b.getHostIp().contains(":")) {
                        chosen = b;
                        break;
                    }
                }
                result.put(e.getKey().getPort(), chosen);
            }
        }
        return result;
    }

    private static int firstExposed(InspectContainerResponse container) {
        ExposedPort[] exposed = container.getConfig().getExposedPorts();
        int best = -1;
        if (exposed != null) {
            for (ExposedPort p : exposed) {
                if (p.getProtocol() == InternetProtocol.TCP && (best < 0 || p.getPort() < best)) {
                    best = p.getPort();
                }
            }
        }
        return best;
    }

    static boolean hasHealthCheck(HealthCheck check) {
        return check != null && check.getTest() != null && !check.getTest().isEmpty()
                && !check.getTest().get(0).equals("NONE");
    }

    static int parsePort(String spec) {
        try {
            return spec == null ? -1 : Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
