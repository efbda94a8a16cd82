package dev.leakdetector.cli;

import com.github.dockerjava.api.model.Container;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on a real daemon: each gives one clear line, exit code 2 (the input is at fault) or
 * 3 (the environment is), and changes nothing: no container is created and the target is untouched.
 */
class DockerBadInputTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final DockerCli cli = new DockerCli(() -> dir);

    /** The ids of all containers, to show that a refused run created none. */
    private List<String> allContainers() {
        return cli.docker().docker().listContainersCmd().withShowAll(true).exec().stream().map(Container::getId).sorted()
                .toList();
    }

    @Test
    void unknownContainerIsBadInput() {
        List<String> before = allContainers();
        CliRunner.Result result = cli.run("no-such-container-ld");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("no container 'no-such-container-ld' on the Docker daemon at");
        assertThat(allContainers()).isEqualTo(before);
    }

    @Test
    void stoppedContainerIsBadInput() {
        DockerTestEnv.Started target = cli.docker().start("ld-bad-stopped", List.of(), List.of());
        cli.docker().run(List.of("docker", "stop", "-t", "2", target.name()), 30);
        List<String> before = allContainers();
        CliRunner.Result result = cli.run(target.name());
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("is not running (status exited");
        assertThat(allContainers()).isEqualTo(before);
    }

    @Test
    void containerWithoutNodeIsBadInput() {
        DockerTestEnv.Started target = cli.docker().start("ld-bad-sleep", List.of(), List.of("sleep", "300"));
        List<String> before = allContainers();
        CliRunner.Result result = cli.run(target.name());
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("runs no Node.js process").contains("sleep 300");
        assertThat(allContainers()).isEqualTo(before);
    }

    @Test
    void agentDrainWithoutAnAgentIsRefusedBeforeAnyChange() {
        DockerTestEnv.Started target = cli.docker().start("ld-bad-noagent", List.of("-e", "NO_AGENT=1"), List.of());
        List<String> before = allContainers();
        CliRunner.Result result = cli.run(target.name(), "--drain-method", "agent");
        assertThat(result.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("the agent in container").contains("is leak-detector-agent loaded");
        assertThat(allContainers()).isEqualTo(before);
        cli.docker().assertRestored(target, DockerTestEnv.runId(result.err()));
    }

    @Test
    void hookDrainWithoutAHookIsRefusedBeforeAnyChange() {
        DockerTestEnv.Started target = cli.docker().start("ld-bad-nohook", List.of(), List.of());
        List<String> before = allContainers();
        CliRunner.Result result = cli.run(target.name(), "--drain-method", "http-hook");
        assertThat(result.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("--drain-method http-hook needs --traffic-hook");
        assertThat(allContainers()).isEqualTo(before);
    }

    @Test
    void outputDirectoryThatCannotBeWrittenChangesNothing() throws IOException {
        DockerTestEnv.Started target = cli.docker().start("ld-bad-output", List.of(), List.of());
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        List<String> before = allContainers();
        CliRunner.Result result = CliRunner.run(cli.docker().environment(), "run", "--replace-strategy", "docker",
                "--container-id", target.name(), "--delay", "0.1", "--output-dir", file.toString(), "--no-progress");
        assertThat(result.exitCode()).isIn(ExitCode.USAGE, ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains(file.toString());
        assertThat(allContainers()).isEqualTo(before);
        cli.docker().assertRestored(target, null);
    }

    @Test
    void unreachableDaemonIsAnEnvironmentFailure() {
        CliRunner.Result result = CliRunner.run(java.util.Map.of("DOCKER_HOST", "unix://" + dir.resolve("none.sock")),
                "run", "--replace-strategy", "docker", "--container-id", "x", "--delay", "0.1", "--output-dir",
                cli.output().toString(), "--no-progress");
        assertThat(result.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("the Docker daemon at unix://" + dir.resolve("none.sock") + " is not reachable");
    }

    @Test
    void noPermissionOnTheDockerSocketIsAnEnvironmentFailure() throws Exception {
        // Root may open any socket; without CAP_DAC_OVERRIDE it is held to the file mode like anyone.
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(
                "/usr/bin/setpriv")), "needs root and setpriv (util-linux) to run the CLI without CAP_DAC_OVERRIDE");
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setOwner(socket, socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search", java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "run", "--replace-strategy", "docker", "--container-id", "x", "--delay", "0.1",
                    "--output-dir", cli.output().toString(), "--no-progress").redirectErrorStream(true);
            builder.environment().put("DOCKER_HOST", "unix://" + socket);
            Process cli = builder.start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(output).isEqualTo(ExitCode.ENVIRONMENT);
            assertThat(output).contains("permission denied on the Docker socket unix://" + socket)
                    .contains("'docker' group");
        }
    }
}
