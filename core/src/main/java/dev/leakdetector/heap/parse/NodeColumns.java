package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.NodeSizes;

/**
 * Destination arrays for the {@code nodes} section, with the field positions resolved from meta.
 *
 * <p>{@code edge_count} values land in {@code firstEdge[ordinal + 1]}; a prefix sum later turns
 * them into first-edge ordinals. While writing, the sinks total the edge counts and track the largest
 * name index, so that the checks against {@code edge_count} and the string table cost nothing
 * per node after parsing.
 */
final class NodeColumns {
    final int fieldCount;
    final byte[] types;
    final int[] names;
    final int[] ids;
    final NodeSizes selfSizes;
    final int[] firstEdge;
    final byte[] detachedness;

    private final int typeField;
    private final int nameField;
    private final int idField;
    private final int selfSizeField;
    private final int edgeCountField;
    private final int detachedField;
    private final RecordSink.Boundaries boundaries;
    private long edgeCountSum;
    private long maxName = -1;

    NodeColumns(SnapshotHeader header, int nodeCount) {
        fieldCount = header.nodeFieldCount();
        typeField = header.nodeField("type");
        nameField = header.nodeField("name");
        idField = header.nodeField("id");
        selfSizeField = header.nodeField("self_size");
        edgeCountField = header.nodeField("edge_count");
        detachedField = header.nodeField("detachedness");
        boundaries = new RecordSink.Boundaries(fieldCount);
        types = new byte[nodeCount];
        names = new int[nodeCount];
        ids = new int[nodeCount];
        selfSizes = new NodeSizes(nodeCount);
        firstEdge = new int[nodeCount + 1];
        detachedness = detachedField >= 0 ? new byte[nodeCount] : null;
    }

    /** A sink writing values starting at the given position in the flat {@code nodes} array. */
    ValueSink sinkFrom(long firstValueIndex) {
        return new Sink(this, firstValueIndex);
    }

    /** The sum of all {@code edge_count} fields, once every sink has finished. */
    synchronized long edgeCountSum() {
        return edgeCountSum;
    }

    /** The largest {@code name} of any node (-1 for none), once every sink has finished. */
    synchronized long maxName() {
        return maxName;
    }

    private synchronized void addTotals(long edgeCounts, long largestName) {
        edgeCountSum += edgeCounts;
        maxName = Math.max(maxName, largestName);
    }

    private static final class Sink extends RecordSink {
        private final NodeColumns c;
        private long edgeCounts;
        private long largestName = -1;

        Sink(NodeColumns columns, long firstValueIndex) {
            super(columns.fieldCount, columns.types.length, firstValueIndex, columns.boundaries);
            this.c = columns;
        }

        @Override
        void apply(long[] values, int offset, int count, int firstRecord) {
            NodeColumns c = this.c;
            byte[] types = c.types;
            int[] names = c.names;
            int[] ids = c.ids;
            int[] firstEdge = c.firstEdge;
            NodeSizes selfSizes = c.selfSizes;
            int fieldCount = c.fieldCount;
            long edgeSum = 0;
            long maxName = largestName;
            int ordinal = firstRecord;
            for (int end = offset + count * fieldCount; offset < end; offset += fieldCount, ordinal++) {
                long type = values[offset + c.typeField];
                long name = values[offset + c.nameField];
                long id = values[offset + c.idField];
                long selfSize = values[offset + c.selfSizeField];
                long edgeCount = values[offset + c.edgeCountField];
                if (type > 255) {
                    throw bad(ordinal, "type", type);
                }
                if (name > Integer.MAX_VALUE) {
                    throw bad(ordinal, "name", name);
                }
                if (id > 0xFFFF_FFFFL) {
                    throw bad(ordinal, "id", id);
                }
                // V8 serializes self_size from a 48-bit field; more means corruption.
                if (selfSize >= 1L << 48) {
                    throw bad(ordinal, "self_size", selfSize);
                }
                if (edgeCount > Integer.MAX_VALUE) {
                    throw bad(ordinal, "edge_count", edgeCount);
                }
                types[ordinal] = (byte) type;
                names[ordinal] = (int) name;
                maxName = Math.max(maxName, name);
                ids[ordinal] = (int) id;
                selfSizes.set(ordinal, selfSize);
                firstEdge[ordinal + 1] = (int) edgeCount;
                edgeSum += edgeCount;
                if (c.detachedField >= 0) {
                    long detached = values[offset + c.detachedField];
                    if (detached > 3) {
                        throw bad(ordinal, "detachedness", detached);
                    }
                    c.detachedness[ordinal] = (byte) detached;
                }
            }
            edgeCounts += edgeSum;
            largestName = maxName;
        }

        @Override
        void publish() {
            c.addTotals(edgeCounts, largestName);
            edgeCounts = 0;
            largestName = -1;
        }

        @Override
        String tooManyValues() {
            return "the section holds more values than node_count × " + c.fieldCount + " = "
                    + (long) c.types.length * c.fieldCount;
        }

        private static BadValueException bad(int ordinal, String fieldName, long v) {
            return new BadValueException("node #" + ordinal + " has " + fieldName + " = " + v + ", out of range");
        }
    }
}
