package dev.leakdetector.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's journal: one JSON line per step and per undo, appended and flushed as they happen, so
 * that a run killed with SIGKILL still leaves a record of every change it made. {@code cleanup}
 * reads it back and undoes what was registered but never undone.
 */
public final class Journal implements AutoCloseable {
    public static final String FILE_NAME = "journal.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String runId;
    private final Clock clock;
    private final OutputStream out;

    private Journal(Path file, String runId, Clock clock, OutputStream out) {
        this.file = file;
        this.runId = runId;
        this.clock = clock;
        this.out = out;
    }

    public static Journal create(Path directory, String runId, Clock clock) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND);
        return new Journal(file, runId, clock, out);
    }

    public Path file() {
        return file;
    }

    public String runId() {
        return runId;
    }

    public synchronized void event(String event, Map<String, ?> fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("runId", runId);
        line.put("event", event);
        fields.forEach((k, v) -> line.set(k, JSON.valueToTree(v)));
        try {
            out.write((line.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The journal is the second line of defence; a full disk must not stop the undo.
        }
    }

    public void undoRegistered(int sequence, UndoRecord record) {
        event("undo-registered", fields(sequence, record));
    }

    public void undoDone(int sequence, UndoRecord record) {
        event("undo-done", fields(sequence, record));
    }

    public void undoFailed(int sequence, UndoRecord record, String error) {
        Map<String, Object> fields = fields(sequence, record);
        fields.put("error", error);
        event("undo-failed", fields);
    }

    private static Map<String, Object> fields(int sequence, UndoRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sequence", sequence);
        fields.put("undo", record);
        return fields;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** An undo the journal registered under a sequence number. */
    public record Registered(int sequence, UndoRecord record) {
    }

    /** What a journal says: the run id and the undos registered but not (successfully) done, newest first. */
    public record Pending(String runId, Path file, List<Registered> undos, boolean finished) {
    }

    public static Pending read(Path file) throws IOException {
        Map<Integer, UndoRecord> registered = new LinkedHashMap<>();
        String runId = null;
        boolean finished = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                // A line cut by a crash: everything before it is still valid.
                continue;
            }
            runId = node.path("runId").asText(runId);
            String event = node.path("event").asText();
            switch (event) {
                case "undo-registered" -> registered.put(node.path("sequence").asInt(),
                        JSON.treeToValue(node.get("undo"), UndoRecord.class));
                case "undo-done" -> registered.remove(node.path("sequence").asInt());
                case "run-end" -> finished = true;
                default -> { }
            }
        }
        List<Registered> pending = new ArrayList<>();
        registered.forEach((sequence, record) -> pending.add(new Registered(sequence, record)));
        java.util.Collections.reverse(pending);
        return new Pending(runId, file, pending, finished);
    }
}
