package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;

/**
 * Destination arrays for the {@code edges} section. {@code to_node} arrives as a node index
 * (ordinal × node field count) and is stored as an ordinal, packed with the edge type.
 *
 * <p>While writing, the sinks track the largest string index among edges whose type names them by
 * string, so the check against the string table (which comes later in the file) costs nothing per
 * edge after parsing.
 */
final class EdgeColumns {
    final int fieldCount;
    final int[] typeAndTarget;
    final int[] nameOrIndex;
    final int nodeCount;
    final int nodeFieldCount;

    private final int typeField;
    private final int nameField;
    private final int toField;
    /** Per edge type: -1 when its {@code name_or_index} is a string index, else 0; a mask, not a branch. */
    private final long[] stringNameMask = new long[HeapGraph.MAX_EDGE_TYPES];
    private final RecordSink.Boundaries boundaries;
    /**
     * ceil(2³² / nodeFieldCount): divides to_node by a multiply. to_node is below 2³¹ (2²⁸ nodes of
     * at most 7 fields), so the product fits a long and the rounding error stays under one half,
     * which makes the quotient exact for every multiple of the field count; others fail the check.
     */
    private final long reciprocal;
    private final boolean multiplyIsExact;
    private long maxStringName = -1;

    EdgeColumns(SnapshotHeader header, int edgeCount, int nodeCount) {
        fieldCount = header.edgeFieldCount();
        typeField = header.edgeField("type");
        nameField = header.edgeField("name_or_index");
        toField = header.edgeField("to_node");
        GraphTypes types = new GraphTypes(header);
        for (int type = 0; type < stringNameMask.length; type++) {
            stringNameMask[type] = types.hasStringName(type) ? -1L : 0L;
        }
        boundaries = new RecordSink.Boundaries(fieldCount);
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

    /** The largest string index named by an edge (-1 for none), once every sink has finished. */
    synchronized long maxStringName() {
        return maxStringName;
    }

    private synchronized void addTotals(long largestStringName) {
        maxStringName = Math.max(maxStringName, largestStringName);
    }

    private static final class Sink extends RecordSink {
        private final EdgeColumns c;
        private final long nodeIndexLimit;
        private long largestStringName = -1;

        Sink(EdgeColumns columns, long firstValueIndex) {
            super(columns.fieldCount, columns.typeAndTarget.length, firstValueIndex, columns.boundaries);
            this.c = columns;
            this.nodeIndexLimit = (long) columns.nodeCount * columns.nodeFieldCount;
        }

        @Override
        void apply(long[] values, int offset, int count, int firstRecord) {
            EdgeColumns c = this.c;
            int[] typeAndTarget = c.typeAndTarget;
            int[] nameOrIndex = c.nameOrIndex;
            long[] stringNameMask = c.stringNameMask;
            int fieldCount = c.fieldCount;
            int nodeFieldCount = c.nodeFieldCount;
            long maxName = largestStringName;
            int edge = firstRecord;
            for (int end = offset + count * fieldCount; offset < end; offset += fieldCount, edge++) {
                long type = values[offset + c.typeField];
                long name = values[offset + c.nameField];
                long toNode = values[offset + c.toField];
                if (type >= HeapGraph.MAX_EDGE_TYPES) {
                    throw new BadValueException("edge #" + edge + " has type " + type + ", out of range");
                }
                if (name > 0xFFFF_FFFFL) {
                    throw new BadValueException("edge #" + edge + " has name_or_index " + name + ", out of range");
                }
                if (toNode >= nodeIndexLimit) {
                    throw new BadValueException("edge #" + edge + " points at node index " + toNode
                            + ", beyond the last node (node_count × " + nodeFieldCount + " = " + nodeIndexLimit + ")");
                }
                int ordinal = c.divideByFieldCount(toNode);
                if ((long) ordinal * nodeFieldCount != toNode) {
                    throw new BadValueException("edge #" + edge + " points at node index " + toNode
                            + ", which is not a multiple of " + nodeFieldCount);
                }
                typeAndTarget[edge] = (int) type << HeapGraph.TYPE_SHIFT | ordinal;
                nameOrIndex[edge] = (int) name;
                maxName = Math.max(maxName, name & stringNameMask[(int) type]);
            }
            largestStringName = maxName;
        }

        @Override
        void publish() {
            c.addTotals(largestStringName);
            largestStringName = -1;
        }

        @Override
        String tooManyValues() {
            return "the section holds more values than edge_count × " + c.fieldCount + " = "
                    + (long) c.typeAndTarget.length * c.fieldCount;
        }
    }
}
