package dev.leakdetector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites a real Node 20 snapshot into the layouts other Node versions write, so that the parser
 * is tested on all of them with real heap contents: Node 24's six fields without
 * {@code trace_node_id}, older six-field files without {@code detachedness}, the five-field
 * layout of old V8, and fields in a different order. Small snapshots only (a JSON tree in memory).
 */
public final class SnapshotRewriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotRewriter() {
    }

    /** Writes a copy whose node fields are {@code fields} (a permutation of a subset of the original). */
    public static Path withNodeFields(Path source, Path target, List<String> fields) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(source.toFile());
        ObjectNode meta = (ObjectNode) root.get("snapshot").get("meta");
        List<String> oldFields = new ArrayList<>();
        meta.get("node_fields").forEach(f -> oldFields.add(f.asText()));
        int oldCount = oldFields.size();
        int newCount = fields.size();

        ArrayNode types = (ArrayNode) meta.get("node_types");
        ArrayNode newTypes = JSON.createArrayNode();
        for (String field : fields) {
            newTypes.add(types.get(oldFields.indexOf(field)));
        }
        // Node 24 keeps writing all seven type descriptors with six fields: mimic that mismatch.
        if (fields.size() == 6 && !fields.contains("trace_node_id")) {
            newTypes.add(JSON.getNodeFactory().textNode("number"));
        }
        meta.set("node_types", newTypes);
        ArrayNode newFields = JSON.createArrayNode();
        fields.forEach(newFields::add);
        meta.set("node_fields", newFields);

        JsonNode nodes = root.get("nodes");
        ArrayNode newNodes = JSON.createArrayNode();
        for (int base = 0; base < nodes.size(); base += oldCount) {
            for (String field : fields) {
                newNodes.add(nodes.get(base + oldFields.indexOf(field)));
            }
        }
        root.set("nodes", newNodes);

        ArrayNode edges = (ArrayNode) root.get("edges");
        int edgeFieldCount = meta.get("edge_fields").size();
        int toNode = indexOf(meta.get("edge_fields"), "to_node");
        for (int base = 0; base < edges.size(); base += edgeFieldCount) {
            long to = edges.get(base + toNode).asLong();
            edges.set(base + toNode, JSON.getNodeFactory().numberNode(to / oldCount * newCount));
        }
        ArrayNode locations = (ArrayNode) root.get("locations");
        int locationFieldCount = meta.get("location_fields").size();
        int objectIndex = indexOf(meta.get("location_fields"), "object_index");
        for (int base = 0; base < locations.size(); base += locationFieldCount) {
            long index = locations.get(base + objectIndex).asLong();
            locations.set(base + objectIndex, JSON.getNodeFactory().numberNode(index / oldCount * newCount));
        }
        JSON.writeValue(target.toFile(), root);
        return target;
    }

    public static Path gzip(Path source, Path target) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target), 1 << 16)) {
            Files.copy(source, out);
        }
        return target;
    }

    private static int indexOf(JsonNode array, String value) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).asText().equals(value)) {
                return i;
            }
        }
        throw new IllegalArgumentException(value);
    }
}
