package dev.leakdetector.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small heap snapshot files by hand, in Node 20's format, so that graph algorithms can be
 * tested on graphs with known answers while going through the real parser.
 */
public final class TestSnapshot {
    public static final List<String> NODE_TYPES = List.of("hidden", "array", "string", "object", "code", "closure",
            "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint",
            "object shape", "wasm object");
    public static final List<String> EDGE_TYPES = List.of("context", "element", "property", "internal", "hidden",
            "shortcut", "weak");

    private record Node(int type, int name, long id, long selfSize, int detachedness) {
    }

    private record Edge(int from, int type, long nameOrIndex, int to) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private long nextId = 1;

    public TestSnapshot() {
        string("<dummy>");
    }

    private int string(String s) {
        return strings.computeIfAbsent(s, k -> strings.size());
    }

    /** Adds a node and returns its ordinal. Ids are odd and increasing, as V8 assigns them. */
    public int node(String type, String name, long selfSize) {
        return node(type, name, selfSize, 0);
    }

    public int node(String type, String name, long selfSize, int detachedness) {
        int typeCode = NODE_TYPES.indexOf(type);
        if (typeCode < 0) {
            throw new IllegalArgumentException(type);
        }
        nodes.add(new Node(typeCode, string(name), nextId, selfSize, detachedness));
        nextId += 2;
        return nodes.size() - 1;
    }

    /** Adds an edge with a string name (all types but element and hidden). */
    public TestSnapshot edge(int from, String type, String name, int to) {
        int typeCode = EDGE_TYPES.indexOf(type);
        long nameOrIndex = type.equals("element") || type.equals("hidden") ? Long.parseLong(name) : string(name);
        edges.add(new Edge(from, typeCode, nameOrIndex, to));
        return this;
    }

    /**
     * A WeakMap entry as V8 writes it: the table's weak edge to the key, and the two internal edges
     * to the value, from the table and from the key, whose shared name DevTools recognises.
     */
    public TestSnapshot weakMapEntry(int table, int key, int value) {
        String pair = " / part of key (Key @" + id(key) + ") -> value (Value @" + id(value)
                + ") pair in WeakMap (table @" + id(table) + ")";
        edge(table, "weak", "1", key);
        edge(table, "internal", "2" + pair, value);
        return edge(key, "internal", "2" + pair, value);
    }

    public long id(int ordinal) {
        return nodes.get(ordinal).id();
    }

    public Path write(Path file) throws IOException {
        List<Edge> ordered = new ArrayList<>(edges);
        ordered.sort((a, b) -> Integer.compare(a.from(), b.from()));
        int[] edgeCounts = new int[nodes.size()];
        for (Edge e : ordered) {
            edgeCounts[e.from()]++;
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
                    + "\"trace_node_id\",\"detachedness\"],\"node_types\":[" + quoted(NODE_TYPES)
                    + ",\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],"
                    + "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[" + quoted(EDGE_TYPES)
                    + ",\"string_or_number\",\"node\"],\"location_fields\":[\"object_index\",\"script_id\",\"line\","
                    + "\"column\"]},\"node_count\":" + nodes.size() + ",\"edge_count\":" + ordered.size()
                    + ",\"trace_function_count\":0},\n\"nodes\":[");
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                w.write((i == 0 ? "" : "\n,") + n.type() + "," + n.name() + "," + n.id() + "," + n.selfSize() + ","
                        + edgeCounts[i] + ",0," + n.detachedness());
            }
            w.write("],\n\"edges\":[");
            for (int i = 0; i < ordered.size(); i++) {
                Edge e = ordered.get(i);
                w.write((i == 0 ? "" : "\n,") + e.type() + "," + e.nameOrIndex() + "," + (e.to() * 7));
            }
            w.write("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n"
                    + "\"strings\":[");
            boolean first = true;
            for (String s : strings.keySet()) {
                w.write((first ? "" : ",\n") + jsonString(s));
                first = false;
            }
            w.write("]}\n");
        }
        return file;
    }

    private static String quoted(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(jsonString(values.get(i)));
        }
        return sb.append(']').toString();
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
