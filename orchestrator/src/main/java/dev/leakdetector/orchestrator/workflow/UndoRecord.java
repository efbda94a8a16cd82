package dev.leakdetector.orchestrator.workflow;

import java.util.Map;

/**
 * A change to the world and how to take it back, in a form the journal can store, so that
 * {@code leak-detector cleanup} can undo it after the run that made it was killed.
 *
 * @param platform    which platform knows how to undo it
 * @param kind        what to undo, such as {@code docker.remove-container}
 * @param params      what the undo needs (ids, names, previous values)
 * @param description one line for logs: "remove replacement container api-ld-1a2b"
 * @param restoresTraffic true for undos that give traffic back; they run before anything is deleted
 */
public record UndoRecord(String platform, String kind, Map<String, String> params, String description,
                         boolean restoresTraffic) {
    public UndoRecord {
        params = Map.copyOf(params);
    }
}
