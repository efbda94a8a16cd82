package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.Locations;
import dev.leakdetector.heap.graph.StringTable;

import java.nio.file.Path;

/**
 * Checks the parsed columns against each other and builds the {@link HeapGraph}.
 *
 * <p>These are the consistency checks that catch a corrupt file whose sections each look fine:
 * edge counts that do not add up to {@code edge_count}, names pointing past the string table,
 * a root pointing past the last node. (Locations are checked as they are parsed.)
 */
final class GraphAssembler {
    private GraphAssembler() {
    }

    static HeapGraph assemble(Path file, SnapshotHeader header, NodeColumns nodes, EdgeColumns edges,
                              StringTable strings, Locations locations) throws SnapshotFormatException {
        int nodeCount = nodes.types.length;
        int edgeCount = edges.typeAndTarget.length;
        int stringCount = strings.size();
        // The sinks kept totals while parsing; the per-node and per-edge scans below run only to
        // name the culprit once a total shows that something is wrong.
        if (nodes.edgeCountSum() != edgeCount) {
            throwEdgeCountMismatch(file, nodes, edgeCount);
        }
        if (nodes.maxName() >= stringCount) {
            throwBadNodeName(file, nodes, stringCount);
        }
        if (edges.maxStringName() >= stringCount) {
            throwBadEdgeName(file, header, edges, stringCount);
        }
        int[] firstEdge = nodes.firstEdge;
        Blocks.ascending(nodeCount, (from, to) -> {
            // Edge counts to running sums: each block adds on from the last sum before it.
            for (int i = from + 1; i <= to; i++) {
                firstEdge[i] += firstEdge[i - 1];
            }
        });
        int[] names = nodes.names;
        int[] typeAndTarget = edges.typeAndTarget;
        int[] nameOrIndex = edges.nameOrIndex;

        int nodeFieldCount = header.nodeFieldCount();
        long rootIndex = header.rootIndex();
        if (rootIndex % nodeFieldCount != 0 || rootIndex / nodeFieldCount >= nodeCount) {
            throw new SnapshotFormatException(file, "snapshot", -1, "root_index " + rootIndex + " is not a valid node index");
        }
        return new HeapGraph(header, nodes.types, names, nodes.ids, nodes.selfSizes, nodes.detachedness, firstEdge,
                typeAndTarget, nameOrIndex, strings, locations, (int) (rootIndex / nodeFieldCount));
    }

    private static void throwEdgeCountMismatch(Path file, NodeColumns nodes, int edgeCount)
            throws SnapshotFormatException {
        int[] firstEdge = nodes.firstEdge;
        long sum = 0;
        for (int i = 0; i < nodes.types.length; i++) {
            sum += firstEdge[i + 1];
            if (sum > edgeCount) {
                throw new SnapshotFormatException(file, "nodes", -1, "the edge_count fields of the nodes add up to more than"
                        + " the header's edge_count " + edgeCount + " (at node #" + i + ")");
            }
        }
        throw new SnapshotFormatException(file, "nodes", -1, "the edge_count fields of the nodes add up to " + sum
                + " but the header's edge_count is " + edgeCount);
    }

    private static void throwBadNodeName(Path file, NodeColumns nodes, int stringCount) throws SnapshotFormatException {
        int[] names = nodes.names;
        for (int i = 0; i < names.length; i++) {
            if (names[i] < 0 || names[i] >= stringCount) {
                throw new SnapshotFormatException(file, "nodes", -1, "node #" + i + " has name " + names[i]
                        + " but the string table holds " + stringCount + " strings");
            }
        }
    }

    private static void throwBadEdgeName(Path file, SnapshotHeader header, EdgeColumns edges, int stringCount)
            throws SnapshotFormatException {
        GraphTypes types = new GraphTypes(header);
        int[] typeAndTarget = edges.typeAndTarget;
        int[] nameOrIndex = edges.nameOrIndex;
        for (int e = 0; e < typeAndTarget.length; e++) {
            int type = typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT;
            if (types.hasStringName(type) && Integer.compareUnsigned(nameOrIndex[e], stringCount) >= 0) {
                throw new SnapshotFormatException(file, "edges", -1, "edge #" + e + " (" + types.edgeTypeName(type)
                        + ") has name " + Integer.toUnsignedString(nameOrIndex[e]) + " but the string table holds "
                        + stringCount + " strings");
            }
        }
    }
}
