package dev.leakdetector.bench;

import dev.leakdetector.bench.gen.SyntheticSnapshotWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The snapshot a benchmark reads: the file named by {@code -Dbench.snapshot=FILE}, or else a synthetic
 * one of the requested size, generated once into {@code java.io.tmpdir/leak-detector-bench} and reused
 * by later runs (the generator's output is byte-identical for a size and seed).
 */
final class BenchSnapshots {
    private static final long SEED = 0x5eed_1234L;

    private BenchSnapshots() {
    }

    static Path synthetic(int nodes) throws IOException {
        String given = System.getProperty("bench.snapshot");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "leak-detector-bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("synthetic-" + nodes + ".heapsnapshot");
        if (!Files.exists(file)) {
            // Written under another name and moved, so a run stopped midway leaves no truncated file.
            Path partial = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
            SyntheticSnapshotWriter.write(nodes, SEED, partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
