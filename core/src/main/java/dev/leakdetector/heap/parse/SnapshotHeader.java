package dev.leakdetector.heap.parse;

import java.util.List;

/**
 * The {@code snapshot} object at the top of a heap snapshot: field layouts, type tables and counts.
 *
 * <p>Every offset is resolved by name from {@code snapshot.meta}, never assumed: Node 18–24 write 6
 * or 7 node fields, with or without {@code trace_node_id} and {@code detachedness}, and the type
 * enums grow over time (see docs/heap-snapshot-format.md).
 *
 * @param nodeFields        names of the per-node fields, in file order
 * @param nodeTypes         the node type enum (index = value of the {@code type} field)
 * @param edgeFields        names of the per-edge fields, in file order
 * @param edgeTypes         the edge type enum
 * @param locationFields    names of the per-location fields (empty when the file has none)
 * @param nodeCount         header {@code node_count}
 * @param edgeCount         header {@code edge_count}
 * @param traceFunctionCount header {@code trace_function_count}
 * @param rootIndex         header {@code root_index} (a node index), 0 when absent
 * @param extraNativeBytes  header {@code extra_native_bytes}, 0 when absent
 */
public record SnapshotHeader(
        List<String> nodeFields,
        List<String> nodeTypes,
        List<String> edgeFields,
        List<String> edgeTypes,
        List<String> locationFields,
        long nodeCount,
        long edgeCount,
        long traceFunctionCount,
        long rootIndex,
        long extraNativeBytes) {

    public SnapshotHeader {
        nodeFields = List.copyOf(nodeFields);
        nodeTypes = List.copyOf(nodeTypes);
        edgeFields = List.copyOf(edgeFields);
        edgeTypes = List.copyOf(edgeTypes);
        locationFields = List.copyOf(locationFields);
    }

    public int nodeFieldCount() {
        return nodeFields.size();
    }

    public int edgeFieldCount() {
        return edgeFields.size();
    }

    public int nodeField(String name) {
        return nodeFields.indexOf(name);
    }

    public int edgeField(String name) {
        return edgeFields.indexOf(name);
    }

    /** The code of a node type such as {@code "hidden"}, or -1 when this snapshot's enum lacks it. */
    public int nodeType(String name) {
        return nodeTypes.indexOf(name);
    }

    /** The code of an edge type such as {@code "weak"}, or -1 when this snapshot's enum lacks it. */
    public int edgeType(String name) {
        return edgeTypes.indexOf(name);
    }
}
