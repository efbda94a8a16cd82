package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.SelfSizes;

/**
 * Destination arrays for the {@code nodes} section, and the field roles resolved from meta.
 *
 * <p>{@code edge_count} values land in {@code firstEdge[ordinal + 1]}; a prefix sum later turns
 * them into first-edge ordinals.
 */
final class NodeColumns {
    static final byte IGNORE = 0;
    static final byte TYPE = 1;
    static final byte NAME = 2;
    static final byte ID = 3;
    static final byte SELF_SIZE = 4;
    static final byte EDGE_COUNT = 5;
    static final byte DETACHEDNESS = 6;

    final int fieldCount;
    final byte[] roles;
    final byte[] types;
    final int[] names;
    final int[] ids;
    final SelfSizes selfSizes;
    final int[] firstEdge;
    final byte[] detachedness;

    NodeColumns(SnapshotHeader header, int nodeCount) {
        fieldCount = header.nodeFieldCount();
        roles = new byte[fieldCount];
        roles[header.nodeField("type")] = TYPE;
        roles[header.nodeField("name")] = NAME;
        roles[header.nodeField("id")] = ID;
        roles[header.nodeField("self_size")] = SELF_SIZE;
        roles[header.nodeField("edge_count")] = EDGE_COUNT;
        int detachedField = header.nodeField("detachedness");
        if (detachedField >= 0) {
            roles[detachedField] = DETACHEDNESS;
        }
        types = new byte[nodeCount];
        names = new int[nodeCount];
        ids = new int[nodeCount];
        selfSizes = new SelfSizes(nodeCount);
        firstEdge = new int[nodeCount + 1];
        detachedness = detachedField >= 0 ? new byte[nodeCount] : null;
    }

    /** A sink writing values starting at the given position in the flat {@code nodes} array. */
    ValueSink sinkFrom(long firstValueIndex) {
        return new Sink(this, firstValueIndex);
    }

    private static final class Sink extends ValueSink {
        private final NodeColumns c;
        private final long valueLimit;
        private int ordinal;
        private int field;

        Sink(NodeColumns columns, long firstValueIndex) {
            this.c = columns;
            this.valueLimit = (long) columns.types.length * columns.fieldCount;
            this.ordinal = (int) (firstValueIndex / columns.fieldCount);
            this.field = (int) (firstValueIndex % columns.fieldCount);
        }

        @Override
        void accept(long[] values, int count) {
            if ((long) ordinal * c.fieldCount + field + count > valueLimit) {
                throw new BadValueException("the section holds more values than node_count × "
                        + c.fieldCount + " = " + valueLimit);
            }
            byte[] roles = c.roles;
            int fieldCount = c.fieldCount;
            for (int k = 0; k < count; k++) {
                long v = values[k];
                switch (roles[field]) {
                    case TYPE -> {
                        if (v > 255) {
                            throw bad("type", v);
                        }
                        c.types[ordinal] = (byte) v;
                    }
                    case NAME -> {
                        if (v > Integer.MAX_VALUE) {
                            throw bad("name", v);
                        }
                        c.names[ordinal] = (int) v;
                    }
                    case ID -> {
                        if (v > 0xFFFF_FFFFL) {
                            throw bad("id", v);
                        }
                        c.ids[ordinal] = (int) v;
                    }
                    case SELF_SIZE -> {
                        // V8 serializes self_size from a 48-bit field; more means corruption.
                        if (v >= 1L << 48) {
                            throw bad("self_size", v);
                        }
                        c.selfSizes.set(ordinal, v);
                    }
                    case EDGE_COUNT -> {
                        if (v > Integer.MAX_VALUE) {
                            throw bad("edge_count", v);
                        }
                        c.firstEdge[ordinal + 1] = (int) v;
                    }
                    case DETACHEDNESS -> {
                        if (v > 3) {
                            throw bad("detachedness", v);
                        }
                        c.detachedness[ordinal] = (byte) v;
                    }
                    default -> { }
                }
                if (++field == fieldCount) {
                    field = 0;
                    ordinal++;
                }
            }
        }

        private BadValueException bad(String fieldName, long v) {
            return new BadValueException("node #" + ordinal + " has " + fieldName + " = " + v + ", out of range");
        }
    }
}
