package dev.leakdetector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.leakdetector.orchestrator.local.LoadGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --replace-strategy docker} end to end on a real daemon: real containers of a Node.js
 * service, a replacement, drains, snapshots through the exec relay, the analysis and the reports;
 * after each run the target serves and nothing of the run is left.
 */
class DockerRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final DockerCli cli = new DockerCli(() -> dir);

    @Test
    void leakyServiceIsFoundLeakingWithTheDefaultFileDrainUnderLoad() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-leaky", List.of("-e", "LEAK=1"), List.of());
        CliRunner.Result result;
        LoadGenerator.Stats stats;
        try (LoadGenerator load = LoadGenerator.start(target.port(), "/load/", 20, Duration.ofSeconds(120))) {
            result = cli.run(target.name());
            stats = load.stop();
        }
        String runId = DockerTestEnv.runId(result.err());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.LEAK);
        JsonNode report = JSON.readTree(cli.output().resolve(runId).resolve("analysis.json").toFile());
        assertThat(report.path("summary").path("leakFound").asBoolean()).isTrue();
        assertThat(report.path("offenders").get(0).path("type").asText()).isEqualTo("LeakedSession");
        assertThat(report.path("target").path("platform").asText()).isEqualTo("docker");
        // The replacement got a host port of its own, and the run said so.
        assertThat(result.err()).contains("a host port cannot be bound twice");
        cli.docker().assertRestored(target, runId);

        // No load balancer sits in front of the target here: while it is drained (around each
        // snapshot), the agent answers new requests with 503. Those are the only failures.
        System.out.printf("load during the run: %d sent, %d succeeded, %d refused with 503 while drained%n",
                stats.sent(), stats.succeeded(), stats.failed());
        assertThat(stats.succeeded()).isPositive();
        assertThat(stats.failures()).allMatch(f -> f.startsWith("HTTP 503"), "only 503 while drained");
    }

    @Test
    void healthyServiceIsNotLeakingWithTheAgentDrainAndItsToken() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-healthy",
                List.of("-e", "LEAK_DETECTOR_AGENT_TOKEN=s3cret-token"), List.of());
        CliRunner.Result result = cli.run(target.name(), "--drain-method", "agent");
        String runId = DockerTestEnv.runId(result.err());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
        JsonNode report = JSON.readTree(cli.output().resolve(runId).resolve("analysis.json").toFile());
        assertThat(report.path("summary").path("leakFound").asBoolean()).isFalse();
        // The token stays in the container: it is never on a command line of ours, nor in the journal.
        assertThat(Files.readString(cli.output().resolve(runId).resolve("journal.jsonl")))
                .doesNotContain("s3cret-token");
        cli.docker().assertRestored(target, runId);
    }

    @Test
    void httpHookIsToldTheTargetAndReplacementPortsAndTheReplacementServesThere() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-hook", List.of(), List.of());
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer balancer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        balancer.createContext("/lb", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int replacementPort = Integer.parseInt(query.replaceAll(".*replacement=(-?\\d+).*", "$1"));
            // What a load balancer would do: check the new backend answers before sending it traffic.
            calls.add(exchange.getRequestURI().getPath() + "?" + query + " replacementAnswers="
                    + DockerTestEnv.get(replacementPort));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        balancer.start();
        try {
            String hook = "http://127.0.0.1:" + balancer.getAddress().getPort()
                    + "/lb/${action}?target=${targetPort}&replacement=${replacementPort}";
            CliRunner.Result result = cli.run(target.name(), "--drain-method", "http-hook", "--traffic-hook", hook);
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
            assertThat(calls).hasSize(4);
            assertThat(calls.get(0)).startsWith("/lb/drain?target=" + target.port() + "&replacement=")
                    .endsWith("replacementAnswers=200");
            assertThat(calls.get(1)).startsWith("/lb/restore?target=" + target.port());
            assertThat(calls.get(2)).startsWith("/lb/drain?");
            assertThat(calls.get(3)).startsWith("/lb/restore?");
            assertThat(calls.get(0)).doesNotContain("replacement=" + target.port() + "&");
            cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
        } finally {
            balancer.stop(0);
        }
    }

    @Test
    void commandDrainWithNoCleanupKeepsTheReplacementUntilCleanup() throws Exception {
        DockerTestEnv.Started target = cli.docker().start("ld-command", List.of(), List.of());
        Path calls = dir.resolve("calls.txt");
        String script = "echo \"$LD_ACTION $LD_TARGET_PORT $LD_REPLACEMENT_ID\" >> " + calls;
        CliRunner.Result result = cli.run(target.name(), "--drain-method", "command", "--traffic-hook", script,
                "--no-cleanup");
        String runId = DockerTestEnv.runId(result.err());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("drain " + target.port() + " ");
        assertThat(lines.get(1)).startsWith("restore " + target.port() + " ");
        // --no-cleanup: the replacement keeps running, labelled with the run.
        assertThat(cli.docker().containers("leak-detector.run-id=" + runId)).hasSize(1)
                .allMatch(c -> c.getState().equals("running"));
        assertThat(lines.get(0)).endsWith(cli.docker().containers("leak-detector.run-id=" + runId).get(0).getId());

        CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--all", "--output-dir",
                cli.output().toString());
        assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
        assertThat(cleanup.out()).contains("stop and remove the replacement container");
        cli.docker().assertRestored(target, runId);
    }

    @Test
    void imageWithoutShellNcOrWgetIsExaminedThroughItsOwnNode() throws Exception {
        // As in distroless images: no /bin/sh, nc or wget; Node itself runs the probe, the relay,
        // the signal, the file drain and the agent call.
        DockerTestEnv.Started target = cli.docker().start("ld-noshell", List.of("-e", "LEAK=1"), List.of());
        cli.docker().run(List.of("docker", "exec", target.name(), "rm", "/bin/sh", "/bin/nc", "/bin/wget"), 30);
        for (String method : List.of("file", "agent")) {
            CliRunner.Result result = cli.run(java.util.Map.of("DEBUG", "leak-detector:*"), target.name(),
                    "--drain-method", method);
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.LEAK);
            assertThat(result.err()).contains("(/usr/bin/node)");
            cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
        }
    }

    @Test
    void replacementCopiesTheConfigurationWithItsOwnHostPortAndWaitsForItsHealthCheck() throws Exception {
        String network = "ld-test-net-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        cli.docker().run(List.of("docker", "network", "create", "--label", DockerTestEnv.TEST_LABEL + "=1", network), 30);
        try {
            DockerTestEnv.Started target = cli.docker().start("ld-config", List.of("--network", network, "--network-alias",
                    "orders", "-e", "APP_MODE=blue", "--label", "team=checkout", "--memory", "256m", "--restart",
                    "unless-stopped", "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1",
                    "--health-interval", "1s", "--health-retries", "3"), List.of());
            CliRunner.Result result = cli.run(target.name(), "--no-cleanup");
            String runId = DockerTestEnv.runId(result.err());
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
            var replacements = cli.docker().containers("leak-detector.run-id=" + runId);
            assertThat(replacements).hasSize(1);
            var replacement = cli.docker().docker().inspectContainerCmd(replacements.get(0).getId()).exec();
            var source = cli.docker().docker().inspectContainerCmd(target.id()).exec();
            assertThat(replacement.getName()).isEqualTo("/" + target.name() + "-" + runId);
            assertThat(replacement.getImageId()).isEqualTo(source.getImageId());
            assertThat(replacement.getConfig().getCmd()).isEqualTo(source.getConfig().getCmd());
            assertThat(replacement.getConfig().getEnv()).contains("APP_MODE=blue");
            assertThat(replacement.getConfig().getLabels()).containsEntry("team", "checkout")
                    .containsEntry("leak-detector", "replacement").containsEntry("leak-detector.run-id", runId)
                    .containsEntry("leak-detector.target", target.id());
            assertThat(replacement.getHostConfig().getMemory()).isEqualTo(256L << 20);
            assertThat(replacement.getHostConfig().getInit()).isTrue();
            // "" is the API's spelling of "no" (the target's was unless-stopped).
            assertThat(replacement.getHostConfig().getRestartPolicy().getName()).isIn("", "no");
            assertThat(replacement.getNetworkSettings().getNetworks().get(network).getAliases()).contains("orders");
            // It was waited for: healthy by its own check before the drain.
            assertThat(replacement.getState().getHealth().getStatus()).isEqualTo("healthy");
            // Its own host port on the same host address, serving.
            var binding = replacement.getNetworkSettings().getPorts().getBindings().values().iterator().next()[0];
            assertThat(binding.getHostIp()).isEqualTo("127.0.0.1");
            int port = Integer.parseInt(binding.getHostPortSpec());
            assertThat(port).isNotEqualTo(target.port());
            assertThat(DockerTestEnv.get(port)).isEqualTo(200);

            CliRunner.Result cleanup = CliRunner.run(cli.docker().environment(), "cleanup", "--run-id", runId,
                    "--output-dir", cli.output().toString());
            assertThat(cleanup.exitCode()).as(cleanup.out() + cleanup.err()).isZero();
            cli.docker().assertRestored(target, runId);
        } finally {
            cli.docker().removeTestContainers();
            cli.docker().runCode(List.of("docker", "network", "rm", network), 30);
        }
    }
}
