package dev.leakdetector.cli;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each Docker CLI test needs around it, registered with {@code @RegisterExtension}: the
 * daemon (the test is skipped when there is none), its test containers removed after the test
 * however it ended, and {@code leak-detector run} against a container with the short delay and
 * drain grace period the tests share, its reports in {@code <test dir>/reports}.
 */
final class DockerCli implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<Path> dir;
    private DockerTestEnv docker;

    /** @param dir the test's {@code @TempDir}, asked for only once JUnit has set it */
    DockerCli(Supplier<Path> dir) {
        this.dir = dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        docker = DockerTestEnv.get();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (docker != null) { // null when the test was skipped for want of a daemon
            docker.removeTestContainers();
        }
    }

    DockerTestEnv docker() {
        return docker;
    }

    /** Where the runs write their reports and journals. */
    Path output() {
        return dir.get().resolve("reports");
    }

    /** The arguments of {@code run} against the container, with the delay in minutes. */
    List<String> runArgs(String container, String delayMinutes, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--replace-strategy", "docker", "--container-id", container,
                "--delay", delayMinutes, "--drain-grace-period", "1s", "--output-dir", output().toString(),
                "--no-progress"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Runs the CLI in-process against the container, with a delay of 0.1 minutes. */
    CliRunner.Result run(String container, String... extra) {
        return run(Map.of(), container, extra);
    }

    /** The same, with variables added to the daemon's environment (DEBUG, test-only settings). */
    CliRunner.Result run(Map<String, String> extraEnvironment, String container, String... extra) {
        Map<String, String> env = new HashMap<>(docker.environment());
        env.putAll(extraEnvironment);
        return CliRunner.run(env, runArgs(container, "0.1", extra).toArray(String[]::new));
    }
}
