package dev.leakdetector.bench.gen;

/** The V8 11.3 (Node 20) snapshot layout: type enums, field counts and the exact {@code snapshot.meta} text. */
final class V8Layout {
    private V8Layout() {
    }

    static final String[] NODE_TYPES = {"hidden", "array", "string", "object", "code", "closure", "regexp", "number",
            "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape",
            "wasm object"};
    static final String[] EDGE_TYPES = {"context", "element", "property", "internal", "hidden", "shortcut", "weak"};
    static final int T_HIDDEN = 0, T_ARRAY = 1, T_STRING = 2, T_OBJECT = 3, T_CODE = 4, T_CLOSURE = 5,
            T_REGEXP = 6, T_NUMBER = 7, T_NATIVE = 8, T_SYNTHETIC = 9, T_CONS = 10, T_SLICED = 11, T_SYMBOL = 12,
            T_BIGINT = 13, T_SHAPE = 14;
    static final int E_CONTEXT = 0, E_ELEMENT = 1, E_PROPERTY = 2, E_INTERNAL = 3, E_HIDDEN = 4, E_SHORTCUT = 5,
            E_WEAK = 6;
    static final int NODE_FIELDS = 7, EDGE_FIELDS = 3;

    static final String META = "{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
            + "\"trace_node_id\",\"detachedness\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
            + "\"code\",\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\",\"concatenated string\","
            + "\"sliced string\",\"symbol\",\"bigint\",\"object shape\",\"wasm object\"],\"string\",\"number\","
            + "\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
            + "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"
            + "\"string_or_number\",\"node\"],\"trace_function_info_fields\":[\"function_id\",\"name\","
            + "\"script_name\",\"script_id\",\"line\",\"column\"],\"trace_node_fields\":[\"id\","
            + "\"function_info_index\",\"count\",\"size\",\"children\"],\"sample_fields\":[\"timestamp_us\","
            + "\"last_assigned_id\"],\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]}";
}
