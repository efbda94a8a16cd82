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
    /**
     * ceil(2³² / nodeFieldCount): divides to_node by a multiply. to_node is below 2³¹ (2²⁸ nodes of
     * at most 7 fields), so the product fits a long and the rounding error stays under one half,
     * which makes the quotient exact for every multiple of the field count; others fail the check.
     */
    private final long reciprocal;
    private final boolean multiplyIsExact;

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
        this.reciprocal = ((1L << 32) + nodeFieldCount - 1) / nodeFieldCount;
        this.multiplyIsExact = (long) nodeCount * nodeFieldCount < 1L << 31;
    }

    /** to_node / nodeFieldCount, by a multiply where that is exact, else by a division. */
    int divideByFieldCount(long nodeIndex) {
        return multiplyIsExact ? (int) ((nodeIndex * reciprocal) >>> 32) : (int) (nodeIndex / nodeFieldCount);
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
                        int ordinal = c.divideByFieldCount(v);
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
