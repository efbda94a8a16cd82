package dev.leakdetector.orchestrator.workflow;

import dev.leakdetector.heap.parse.ProgressListener;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a platform gets while it works on a run: the run id (every object it creates carries it as
 * a label), the place to register undos, and where to log.
 *
 * @param runId     unique id of the run, such as {@code ld-20261128-120000-1a2b}
 * @param directory the run's output directory (0700)
 * @param undo      register every change here before doing the next one
 * @param log       one line per action, shown with {@code DEBUG=leak-detector:*} or always for warnings
 * @param warn      warnings the user must see
 * @param progress  for long waits
 */
public record RunContext(String runId, Path directory, UndoStack undo, Consumer<String> log, Consumer<String> warn,
                         ProgressListener progress) {

    /** Labels every object created by the run carries. */
    public static final String RUN_ID_LABEL = "leak-detector.run-id";
    public static final String ROLE_LABEL = "leak-detector";
    public static final String REPLACEMENT = "replacement";
}
