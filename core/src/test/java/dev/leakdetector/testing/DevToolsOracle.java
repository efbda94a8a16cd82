package dev.leakdetector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs Chrome DevTools' own heap snapshot worker (see {@code src/test/devtools-oracle}) on a file
 * and returns what its Summary view computes. The first call installs and bundles it with npm.
 */
public final class DevToolsOracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DevToolsOracle() {
    }

    public static JsonNode summary(Path snapshot) throws IOException {
        return JSON.readTree(NodeFixtures.run(List.of(script().toString(), "summary",
                snapshot.toAbsolutePath().toString(), "--quiet"), 900));
    }

    public static JsonNode diff(Path before, Path after) throws IOException {
        return JSON.readTree(NodeFixtures.run(List.of(script().toString(), "diff",
                before.toAbsolutePath().toString(), after.toAbsolutePath().toString(), "--quiet"), 900));
    }

    private static Path script() {
        Path script = NodeFixtures.repositoryRoot().resolve("core/src/test/devtools-oracle/run.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("the DevTools oracle is missing at " + script);
        }
        return script;
    }
}
