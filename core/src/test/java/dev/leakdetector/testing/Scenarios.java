package dev.leakdetector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leak and healthy workloads run by real Node.js processes ({@code node/scenarios/*.js}), each
 * writing baseline, before and after snapshots from one process. Generated once per test JVM.
 */
public final class Scenarios {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Files3> CACHE = new ConcurrentHashMap<>();

    /** The three snapshots of one scenario run. */
    public record Files3(Path baseline, Path before, Path after) {
    }

    private Scenarios() {
    }

    public static Files3 get(String name) {
        return CACHE.computeIfAbsent(name, n -> run(n, Paths.get("target", "scenarios", "run-1"), false));
    }

    /**
     * A second, independent run (another process, with another history: see harness.js), for
     * tests that need unrelated ids. Without that history the deterministic workloads would number
     * their objects almost alike in both runs.
     */
    public static Files3 secondRun(String name) {
        return CACHE.computeIfAbsent(name + "#2", n -> run(name, Paths.get("target", "scenarios", "run-2"), true));
    }

    private static Files3 run(String name, Path directory, boolean otherHistory) {
        try {
            Files.createDirectories(directory);
            Path script = NodeFixtures.resource("node/scenarios/" + name + ".js");
            // The harness lives next to the scenario; copy it when resources come from a jar.
            NodeFixtures.resource("node/scenarios/harness.js");
            List<String> command = new java.util.ArrayList<>(List.of("node", script.toString(),
                    directory.toAbsolutePath().toString()));
            if (otherHistory) {
                command.add("--other-history");
            }
            String output = NodeFixtures.run(command, 180);
            JsonNode files = JSON.readTree(output).get("files");
            return new Files3(Paths.get(files.get("baseline").asText()), Paths.get(files.get("before").asText()),
                    Paths.get(files.get("after").asText()));
        } catch (IOException e) {
            throw new IllegalStateException("scenario " + name + " failed", e);
        }
    }
}
