package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;

/**
 * Destination arrays for the {@code edges} section. {@code to_node} arrives as a node index
 * (ordinal × node field count) and is stored as an ordinal, packed with the edge type.
 */
final class EdgeColumns {
    static final byte IGNORE = 0;
    static final byte TYPE = 1;
    static final byte NAME_OR_INDEX = 2;
    static final byte TO_NODE = 3;

    final int fieldCount;
    final byte[] roles;
    final int[] typeAndTarget;
    final int[] nameOrIndex;
    final int nodeCount;
    final int nodeFieldCount;
    /** ceil(2⁴⁰ / nodeFieldCount): division of to_node by a multiply, exact for every to_node below 2³¹. */
    private final long reciprocal;

    EdgeColumns(SnapshotHeader header, int edgeCount, int nodeCount) {
        fieldCount = header.edgeFieldCount();
        roles = new byte[fieldCount];
        roles[header.edgeField("type")] = TYPE;
        roles[header.edgeField("name_or_index")] = NAME_OR_INDEX;
        roles[header.edgeField("to_node")] = TO_NODE;
        typeAndTarget = new int[edgeCount];
        nameOrIndex = new int[edgeCount];
        this.nodeCount = nodeCount;
        this.nodeFieldCount = header.nodeFieldCount();
        this.reciprocal = ((1L << 40) + nodeFieldCount - 1) / nodeFieldCount;
    }

    ValueSink sinkFrom(long firstValueIndex) {
        return new Sink(this, firstValueIndex);
    }

    private static final class Sink extends ValueSink {
        private final EdgeColumns c;
        private final long valueLimit;
        private final long nodeIndexLimit;
        private int edge;
        private int field;

        Sink(EdgeColumns columns, long firstValueIndex) {
            this.c = columns;
            this.valueLimit = (long) columns.typeAndTarget.length * columns.fieldCount;
            this.nodeIndexLimit = (long) columns.nodeCount * columns.nodeFieldCount;
            this.edge = (int) (firstValueIndex / columns.fieldCount);
            this.field = (int) (firstValueIndex % columns.fieldCount);
        }

        @Override
        void accept(long[] values, int count) {
            if ((long) edge * c.fieldCount + field + count > valueLimit) {
                throw new BadValueException("the section holds more values than edge_count × "
                        + c.fieldCount + " = " + valueLimit);
            }
            byte[] roles = c.roles;
            int fieldCount = c.fieldCount;
            int nodeFieldCount = c.nodeFieldCount;
            long reciprocal = c.reciprocal;
            for (int k = 0; k < count; k++) {
                long v = values[k];
                switch (roles[field]) {
                    case TYPE -> {
                        if (v >= HeapGraph.MAX_EDGE_TYPES) {
                            throw new BadValueException("edge #" + edge + " has type " + v + ", out of range");
                        }
                        c.typeAndTarget[edge] |= (int) v << HeapGraph.TYPE_SHIFT;
                    }
                    case NAME_OR_INDEX -> {
                        if (v > 0xFFFF_FFFFL) {
                            throw new BadValueException("edge #" + edge + " has name_or_index " + v + ", out of range");
                        }
                        c.nameOrIndex[edge] = (int) v;
                    }
                    case TO_NODE -> {
                        if (v >= nodeIndexLimit) {
                            throw new BadValueException("edge #" + edge + " points at node index " + v
                                    + ", beyond the last node (node_count × " + nodeFieldCount + " = "
                                    + nodeIndexLimit + ")");
                        }
                        int ordinal = (int) ((v * reciprocal) >>> 40);
                        if ((long) ordinal * nodeFieldCount != v) {
                            throw new BadValueException("edge #" + edge + " points at node index " + v
                                    + ", which is not a multiple of " + nodeFieldCount);
                        }
                        c.typeAndTarget[edge] |= ordinal;
                    }
                    default -> { }
                }
                if (++field == fieldCount) {
                    field = 0;
                    edge++;
                }
            }
        }
    }
}
