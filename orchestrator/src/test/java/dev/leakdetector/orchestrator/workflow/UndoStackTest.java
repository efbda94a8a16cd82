package dev.leakdetector.orchestrator.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Undoing one change early: done once and closed in the journal, or kept for the end when it fails. */
class UndoStackTest {

    @TempDir
    Path dir;

    @Test
    void anUndoRunNowIsClosedInTheJournalAndNotRunAgain() throws Exception {
        List<String> runs = new ArrayList<>();
        try (Journal journal = Journal.create(dir, "ld-undo-1", Clock.systemUTC())) {
            UndoStack stack = new UndoStack(journal, line -> { });
            UndoRecord file = record("remove file");
            UndoRecord other = record("remove container");
            stack.register(other, r -> runs.add(r.description()));
            stack.register(file, r -> runs.add(r.description()));

            assertThat(stack.undoNow(file)).isNull();
            assertThat(Journal.read(journal.file()).undos()).extracting(r -> r.record().description())
                    .containsExactly("remove container");
            assertThat(stack.undoAll()).isEmpty();
        }
        assertThat(runs).containsExactly("remove file", "remove container");
    }

    @Test
    void aFailedUndoNowStaysOpenAndIsTriedAgainAtTheEnd() throws Exception {
        List<String> runs = new ArrayList<>();
        try (Journal journal = Journal.create(dir, "ld-undo-2", Clock.systemUTC())) {
            UndoStack stack = new UndoStack(journal, line -> { });
            UndoRecord file = record("remove file");
            stack.register(file, r -> {
                runs.add(r.description());
                if (runs.size() == 1) {
                    throw new IllegalStateException("container is busy");
                }
            });
            assertThat(stack.undoNow(file)).isEqualTo("remove file: container is busy");
            assertThat(Journal.read(journal.file()).undos()).hasSize(1);
            assertThat(stack.undoAll()).isEmpty();
            assertThat(Journal.read(journal.file()).undos()).isEmpty();
        }
        assertThat(runs).containsExactly("remove file", "remove file");
    }

    private static UndoRecord record(String description) {
        return new UndoRecord("test", "test." + description.replace(' ', '-'), Map.of(), description, false);
    }
}
