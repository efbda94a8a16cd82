package dev.leakdetector.orchestrator.workflow;

import java.util.Map;

/** The identical instance started next to the target, so capacity never dips while it is drained. */
public record Replacement(String id, String displayName, Map<String, String> facts) {
    public Replacement {
        facts = Map.copyOf(facts);
    }
}
