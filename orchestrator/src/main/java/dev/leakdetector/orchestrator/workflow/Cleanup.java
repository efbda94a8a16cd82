package dev.leakdetector.orchestrator.workflow;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Repairs what a killed run left behind: replays the undos its journal registered but never
 * completed (traffic first), then sweeps each platform for objects that carry the run's labels.
 * Every undo is idempotent, so running cleanup twice, or after a run that did finish, is safe.
 */
public final class Cleanup {

    /** What was done. */
    public record Result(List<String> done, List<String> failed) {
    }

    private final List<Platform> platforms;
    private final Clock clock;
    private final Consumer<String> log;

    public Cleanup(List<Platform> platforms, Clock clock, Consumer<String> log) {
        this.platforms = List.copyOf(platforms);
        this.clock = clock;
        this.log = log;
    }

    /**
     * @param runId one run, or null for every run found in {@code outputDirectory} and by label
     */
    public Result run(String runId, Path outputDirectory) throws IOException {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Set<UndoRecord> handled = new LinkedHashSet<>();
        for (Path journalFile : journals(runId, outputDirectory)) {
            Journal.Pending pending = Journal.read(journalFile);
            if (pending.undos().isEmpty()) {
                continue;
            }
            log.accept("run " + pending.runId() + ": " + pending.undos().size() + " change(s) to undo from " + journalFile);
            List<Journal.Registered> order = new ArrayList<>(pending.undos());
            order.sort((a, b) -> Boolean.compare(b.record().restoresTraffic(), a.record().restoresTraffic()));
            try (Journal journal = Journal.create(journalFile.getParent(), pending.runId(), clock)) {
                journal.event("cleanup-start", Map.of());
                for (Journal.Registered entry : order) {
                    int failures = failed.size();
                    undo(entry.record(), done, failed);
                    handled.add(entry.record());
                    if (failed.size() == failures) {
                        journal.undoDone(entry.sequence(), entry.record());
                    } else {
                        journal.undoFailed(entry.sequence(), entry.record(), failed.get(failed.size() - 1));
                    }
                }
                journal.event("run-end", Map.of("status", "cleaned-up"));
            }
        }
        for (Platform platform : platforms) {
            List<UndoRecord> leftovers;
            try {
                leftovers = platform.leftovers(runId);
            } catch (OrchestrationException e) {
                failed.add(platform.name() + ": cannot look for leftovers: " + e.getMessage());
                continue;
            }
            for (UndoRecord record : leftovers) {
                if (!handled.contains(record)) {
                    undo(record, done, failed);
                }
            }
        }
        return new Result(done, failed);
    }

    private void undo(UndoRecord record, List<String> done, List<String> failed) {
        Platform platform = platforms.stream().filter(p -> p.name().equals(record.platform())).findFirst().orElse(null);
        if (platform == null) {
            failed.add(record.description() + ": the " + record.platform() + " platform is not reachable from here");
            return;
        }
        try {
            log.accept("undo: " + record.description());
            platform.undo(record);
            done.add(record.description());
        } catch (Exception e) {
            failed.add(record.description() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static List<Path> journals(String runId, Path outputDirectory) throws IOException {
        List<Path> result = new ArrayList<>();
        if (outputDirectory == null || !Files.isDirectory(outputDirectory)) {
            return result;
        }
        if (runId != null) {
            Path journal = outputDirectory.resolve(runId).resolve(Journal.FILE_NAME);
            if (Files.exists(journal)) {
                result.add(journal);
            }
            return result;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(outputDirectory, "ld-*")) {
            for (Path run : runs) {
                Path journal = run.resolve(Journal.FILE_NAME);
                if (Files.exists(journal)) {
                    result.add(journal);
                }
            }
        }
        result.sort(null);
        return result;
    }
}
