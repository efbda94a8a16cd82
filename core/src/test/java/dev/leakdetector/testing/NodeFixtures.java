package dev.leakdetector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots written at test time by a real Node.js process running {@code node/heap-fixture.js}.
 * Generated once per test JVM into {@code target/test-fixtures} and shared by the test classes.
 */
public final class NodeFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Fixture scale1;

    /** Two snapshots of one process, and the manifest the script printed. */
    public record Fixture(Path first, Path second, JsonNode manifest) {
    }

    private NodeFixtures() {
    }

    public static synchronized Fixture fixture() {
        if (scale1 == null) {
            scale1 = generate(Paths.get("target", "test-fixtures", "scale-1"), 1);
        }
        return scale1;
    }

    public static Fixture generate(Path directory, int scale) {
        try {
            Files.createDirectories(directory);
            Path script = resource("node/heap-fixture.js");
            String output = run(List.of("node", script.toString(), directory.toAbsolutePath().toString(),
                    Integer.toString(scale)), 120);
            JsonNode manifest = JSON.readTree(output);
            return new Fixture(Paths.get(manifest.get("files").get(0).asText()),
                    Paths.get(manifest.get("files").get(1).asText()), manifest);
        } catch (IOException e) {
            throw new IllegalStateException("could not generate the Node.js fixture snapshots", e);
        }
    }

    /** A file from the test resources as a path; copied out when the resources sit in a jar. */
    public static Path resource(String name) {
        try {
            var url = NodeFixtures.class.getClassLoader().getResource(name);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            if (url.getProtocol().equals("file")) {
                return Paths.get(url.toURI());
            }
            Path copy = Paths.get("target", "test-resources-copy", name);
            Files.createDirectories(copy.getParent());
            try (var in = url.openStream()) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return copy.toAbsolutePath();
        } catch (java.net.URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read test resource " + name, e);
        }
    }

    /** The repository root, found from the working directory of any module. */
    public static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("core").resolve("src")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root above " + Paths.get("").toAbsolutePath());
    }

    /** Runs a command, fails on a non-zero exit, returns its stdout. */
    public static String run(List<String> command, int timeoutSeconds) throws IOException {
        Path log = Files.createTempFile("leak-detector-test", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command))
                    .redirectError(log.toFile())
                    .start();
            process.getOutputStream().close();
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IOException("exit " + process.exitValue() + " from " + command + ":\n"
                        + Files.readString(log));
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
