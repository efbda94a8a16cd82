package dev.leakdetector.orchestrator.workflow;

import java.util.Map;

/**
 * The service being examined, as discovery found it.
 *
 * @param id          the platform's id (container id, pod name, pid)
 * @param displayName for logs and reports
 * @param image       the image (or command) it runs, for reports
 * @param facts       what discovery learned, by name: ports, labels, owner, node, …
 */
public record Target(String id, String displayName, String image, Map<String, String> facts) {
    public Target {
        facts = Map.copyOf(facts);
    }
}
