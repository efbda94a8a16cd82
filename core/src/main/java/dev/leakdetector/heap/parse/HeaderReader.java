package dev.leakdetector.heap.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the small {@code snapshot} JSON object into a validated {@link SnapshotHeader}.
 *
 * <p>Uses Jackson's streaming parser into plain maps and lists: the header is tiny, and the
 * streaming API starts in a fraction of the time the data-binding layer needs.
 */
final class HeaderReader {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String SECTION = "snapshot";
    private static final int MAX_DEPTH = 16;

    private HeaderReader() {
    }

    static SnapshotHeader read(Path file, byte[] json, long offset) throws SnapshotFormatException {
        Object parsed;
        try (JsonParser parser = FACTORY.createParser(json)) {
            parser.nextToken();
            parsed = value(parser, 0);
        } catch (IOException | IllegalStateException e) {
            throw new SnapshotFormatException(file, SECTION, offset, "the header is not valid JSON (" + firstLine(e) + ")");
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new SnapshotFormatException(file, SECTION, offset, "the header is not a JSON object");
        }
        if (!(root.get("meta") instanceof Map<?, ?> meta)) {
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
        if (nodeFields.size() != new java.util.HashSet<>(nodeFields).size()
                || edgeFields.size() != new java.util.HashSet<>(edgeFields).size()) {
            throw new SnapshotFormatException(file, SECTION, offset, "meta lists a field twice");
        }
        return new SnapshotHeader(nodeFields, nodeTypes, edgeFields, edgeTypes, locationFields,
                count(file, offset, root, "node_count", true), count(file, offset, root, "edge_count", true),
                count(file, offset, root, "trace_function_count", false), count(file, offset, root, "root_index", false),
                count(file, offset, root, "extra_native_bytes", false));
    }

    /** A JSON value as Map, List, String, Long, Double, Boolean or null; depth-limited. */
    private static Object value(JsonParser parser, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("nested deeper than " + MAX_DEPTH);
        }
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new IllegalStateException("empty");
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, value(parser, depth + 1));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(parser, depth + 1));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1L : parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return parser.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalStateException("unexpected " + token);
        }
    }

    private static List<String> stringList(Path file, long offset, Map<?, ?> meta, String key, boolean required)
            throws SnapshotFormatException {
        Object node = meta.get(key);
        if (node == null) {
            if (required) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " is missing");
            }
            return List.of();
        }
        if (!(node instanceof List<?> list)) {
            throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " is not an array");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " holds a non-string entry");
            }
            result.add(s);
        }
        return result;
    }

    /** The enum list describing the {@code type} field; the other descriptors are not reliable. */
    private static List<String> typeEnum(Path file, long offset, Map<?, ?> meta, String key, List<String> fields)
            throws SnapshotFormatException {
        int typeField = fields.indexOf("type");
        if (!(meta.get(key) instanceof List<?> descriptors) || typeField < 0 || descriptors.size() <= typeField
                || !(descriptors.get(typeField) instanceof List<?> names)) {
            throw new SnapshotFormatException(file, SECTION, offset, "meta." + key + " has no type enum");
        }
        List<String> result = new ArrayList<>();
        for (Object name : names) {
            result.add(String.valueOf(name));
        }
        return result;
    }

    private static long count(Path file, long offset, Map<?, ?> root, String key, boolean required)
            throws SnapshotFormatException {
        Object node = root.get(key);
        if (node == null) {
            if (required) {
                throw new SnapshotFormatException(file, SECTION, offset, "'" + key + "' is missing");
            }
            return 0;
        }
        if (!(node instanceof Long value) || value < 0) {
            throw new SnapshotFormatException(file, SECTION, offset, "'" + key + "' is not a non-negative integer");
        }
        return value;
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
