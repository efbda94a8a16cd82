package dev.leakdetector.orchestrator.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The run's undo log. Every step that changes the world registers its undo here before the next
 * step starts. {@link #undoAll} runs them newest first, restoring traffic before anything is
 * deleted; it is idempotent and safe to call from a shutdown hook while the main thread also
 * calls it. A failing undo does not stop the others: failures are collected and reported.
 */
public final class UndoStack {

    /** Executes one undo; the platform dispatches on the record's kind. */
    @FunctionalInterface
    public interface Executor {
        void undo(UndoRecord record) throws Exception;
    }

    private record Entry(int sequence, UndoRecord record, Executor executor) {
    }

    private final Journal journal;
    private final Consumer<String> log;
    private final List<Entry> entries = new ArrayList<>();
    private int nextSequence = 1;
    private boolean undone;

    public UndoStack(Journal journal, Consumer<String> log) {
        this.journal = journal;
        this.log = log;
    }

    /** Records an undo in the journal (durably) and on the stack. */
    public synchronized void register(UndoRecord record, Executor executor) {
        if (undone) {
            throw new IllegalStateException("the run is already being undone");
        }
        int sequence = nextSequence++;
        journal.undoRegistered(sequence, record);
        entries.add(new Entry(sequence, record, executor));
    }

    /**
     * Drops undos whose kind ends with the suffix, without running them (for example
     * {@code remove-replacement} when the replacement is kept with --no-cleanup).
     */
    public synchronized void forget(String kindSuffix) {
        entries.removeIf(e -> {
            if (e.record().kind().endsWith(kindSuffix)) {
                journal.undoDone(e.sequence(), e.record());
                return true;
            }
            return false;
        });
    }

    /**
     * Runs one registered undo now and drops it, for a change the run is done with before its end
     * (a snapshot file copied out of the target). A failed one stays registered, so the end of the
     * run tries it again. Returns the failure, or null.
     */
    public synchronized String undoNow(UndoRecord record) {
        Entry entry = entries.stream().filter(e -> e.record() == record).findFirst().orElse(null);
        if (entry == null) {
            return null;
        }
        try {
            log.accept("undo: " + record.description());
            entry.executor().undo(record);
            entries.remove(entry);
            journal.undoDone(entry.sequence(), record);
            return null;
        } catch (Exception e) {
            String message = record.description() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
            journal.undoFailed(entry.sequence(), record, message);
            return message;
        }
    }

    /**
     * Runs the undos that restore traffic now, newest first, and drops them: the run gives the
     * target its traffic back between snapshots. Returns the failures.
     */
    public synchronized List<String> restoreTrafficNow() {
        List<String> failures = new ArrayList<>();
        List<Entry> restoring = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.record().restoresTraffic()) {
                restoring.add(entry);
            }
        }
        java.util.Collections.reverse(restoring);
        for (Entry entry : restoring) {
            entries.remove(entry);
            try {
                log.accept("restore: " + entry.record().description());
                entry.executor().undo(entry.record());
                journal.undoDone(entry.sequence(), entry.record());
            } catch (Exception e) {
                String message = entry.record().description() + ": " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage());
                failures.add(message);
                journal.undoFailed(entry.sequence(), entry.record(), message);
            }
        }
        return failures;
    }

    /**
     * Undoes everything, newest first, but every undo that restores traffic before any other.
     * Returns the failures, one line each; empty when all went well.
     */
    public synchronized List<String> undoAll() {
        List<String> failures = new ArrayList<>();
        if (undone) {
            return failures;
        }
        undone = true;
        List<Entry> order = new ArrayList<>(entries);
        java.util.Collections.reverse(order);
        order.sort((a, b) -> Boolean.compare(b.record().restoresTraffic(), a.record().restoresTraffic()));
        for (Entry entry : order) {
            try {
                log.accept("undo: " + entry.record().description());
                entry.executor().undo(entry.record());
                journal.undoDone(entry.sequence(), entry.record());
            } catch (Exception e) {
                String message = entry.record().description() + ": " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage());
                failures.add(message);
                journal.undoFailed(entry.sequence(), entry.record(), message);
            }
        }
        entries.clear();
        return failures;
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }
}
