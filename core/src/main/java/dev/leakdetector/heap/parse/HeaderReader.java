package dev.leakdetector.heap.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns the small {@code snapshot} JSON object into a validated {@link SnapshotHeader}. */
final class HeaderReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECTION = "snapshot";

    private HeaderReader() {
    }

    static SnapshotHeader read(Path file, byte[] json, long offset) throws SnapshotFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new SnapshotFormatException(file, SECTION, offset, "the header is not valid JSON (" + firstLine(e) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SnapshotFormatException(file, SECTION, offset, "the header is not a JSON object");
        }
        JsonNode meta = root.get("meta");
        if (meta == null || !meta.isObject()) {
            throw new SnapshotFormatException(file, SECTION, offset, "the header has no 'meta' object");
        }
        List<String> nodeFields = stringList(file, offset, meta, "node_fields", true);
        List<String> edgeFields = stringList(file, offset, meta, "edge_fields", true);
        List<String> locationFields = stringList(file, offset, meta, "location_fields", false);
        List<String> nodeTypes = typeEnum(file, offset, meta, "node_types", nodeFields);
        List<String> edgeTypes = typeEnum(file, offset, meta, "edge_types", edgeFields);

        for (String required : List.of("type", "name", "id", "self_size", "edge_count")) {
            if (!nodeFields.contains(required)) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta.node_fields lacks '" + required + "'");
            }
        }
        for (String required : List.of("type", "name_or_index", "to_node")) {
            if (!edgeFields.contains(required)) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta.edge_fields lacks '" + required + "'");
            }
        }
        long nodeCount = count(file, offset, root, "node_count", true);
        long edgeCount = count(file, offset, root, "edge_count", true);
        long traceFunctionCount = count(file, offset, root, "trace_function_count", false);
        long rootIndex = count(file, offset, root, "root_index", false);
        long extraNativeBytes = count(file, offset, root, "extra_native_bytes", false);
        return new SnapshotHeader(nodeFields, nodeTypes, edgeFields, edgeTypes, locationFields,
                nodeCount, edgeCount, traceFunctionCount, rootIndex, extraNativeBytes);
    }

    private static List<String> stringList(Path file, long offset, JsonNode meta, String key, boolean required)
            throws SnapshotFormatException {
        JsonNode node = meta.get(key);
        if (node == null) {
            if (required) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " is missing");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " is not an array");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " holds a non-string entry");
            }
            result.add(item.asText());
        }
        return result;
    }

    /** The enum list describing the {@code type} field; the other descriptors are not reliable. */
    private static List<String> typeEnum(Path file, long offset, JsonNode meta, String key, List<String> fields)
            throws SnapshotFormatException {
        JsonNode node = meta.get(key);
        int typeField = fields.indexOf("type");
        if (node == null || !node.isArray() || typeField < 0 || node.size() <= typeField
                || !node.get(typeField).isArray()) {
            throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " has no type enum");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : node.get(typeField)) {
            result.add(item.asText());
        }
        return result;
    }

    private static long count(Path file, long offset, JsonNode root, String key, boolean required)
            throws SnapshotFormatException {
        JsonNode node = root.get(key);
        if (node == null) {
            if (required) {
                throw new SnapshotFormatException(file, SECTION, offset, "'" + key + "' is missing");
            }
            return 0;
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 0) {
            throw new SnapshotFormatException(file, SECTION, offset, "'" + key + "' is not a non-negative integer");
        }
        return node.asLong();
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
