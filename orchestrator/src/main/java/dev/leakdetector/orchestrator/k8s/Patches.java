package dev.leakdetector.orchestrator.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * JSON patches (RFC 6902). They touch exactly the fields named, and their {@code test} operations
 * make a change conditional on what we read a moment earlier, so a concurrent writer (a
 * controller, a person) makes the patch fail instead of being overwritten. Strategic merge would
 * also work against a real API server, but JSON patch behaves the same everywhere.
 */
final class Patches {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ArrayNode ops = JSON.createArrayNode();

    static Patches create() {
        return new Patches();
    }

    /** "/" and "~" inside a map key (every annotation of ours has a "/") are escaped as RFC 6901 says. */
    static String pointer(String... parts) {
        StringBuilder pointer = new StringBuilder();
        for (String part : parts) {
            pointer.append('/').append(part.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    Patches test(String path, Object value) {
        return op("test", path, value);
    }

    Patches add(String path, Object value) {
        return op("add", path, value);
    }

    Patches replace(String path, Object value) {
        return op("replace", path, value);
    }

    Patches remove(String path) {
        ObjectNode op = ops.addObject();
        op.put("op", "remove");
        op.put("path", path);
        return this;
    }

    /**
     * Sets annotations on an object whose current annotations are {@code current}. When it has none
     * (the client shows that as an empty map) the map itself is added: "add" into a missing parent fails.
     */
    Patches annotate(Map<String, String> current, Map<String, String> values) {
        if (current == null || current.isEmpty()) {
            add("/metadata/annotations", values);
            return this;
        }
        values.forEach((k, v) -> add(pointer("metadata", "annotations", k), v));
        return this;
    }

    /** Removes those of the annotations that exist. */
    Patches unannotate(Map<String, String> current, String... keys) {
        if (current != null) {
            for (String key : keys) {
                if (current.containsKey(key)) {
                    remove(pointer("metadata", "annotations", key));
                }
            }
        }
        return this;
    }

    /** Same for labels. */
    Patches label(Map<String, String> current, Map<String, String> values) {
        if (current == null || current.isEmpty()) {
            add("/metadata/labels", values);
            return this;
        }
        values.forEach((k, v) -> add(pointer("metadata", "labels", k), v));
        return this;
    }

    boolean isEmpty() {
        return ops.isEmpty();
    }

    private Patches op(String name, String path, Object value) {
        ObjectNode op = ops.addObject();
        op.put("op", name);
        op.put("path", path);
        op.set("value", JSON.valueToTree(value));
        return this;
    }

    @Override
    public String toString() {
        return ops.toString();
    }
}
