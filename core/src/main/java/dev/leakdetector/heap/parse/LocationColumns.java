package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.Locations;

import java.util.Arrays;

/**
 * Destination arrays for the {@code locations} section, one per field the engine uses, with
 * {@code object_index} (a node index) stored as a node ordinal and checked to be one.
 *
 * <p>With the record count known in advance (the parallel scanner counts the values first), the
 * arrays are allocated once at their final size; read from a stream, they grow.
 */
final class LocationColumns {
    private static final String SECTION = "locations";

    private final int fieldCount;
    private final int objectField;
    private final int scriptField;
    private final int lineField;
    private final int columnField;
    private final int nodeCount;
    private final int nodeFieldCount;
    private final boolean growable;
    private final RecordSink.Boundaries boundaries;
    /** Per location: node ordinal, script id, line and column, side by side. */
    private int[] entries;
    private int count;
    /** ceil(2³² / nodeFieldCount): divides object_index by a multiply, as {@link EdgeColumns} does. */
    private final long reciprocal;

    /** @param recordCount the number of locations, or -1 when unknown (then the arrays grow) */
    LocationColumns(SnapshotHeader header, int nodeCount, long recordCount) {
        fieldCount = header.locationFields().size();
        objectField = header.locationFields().indexOf("object_index");
        scriptField = header.locationFields().indexOf("script_id");
        lineField = header.locationFields().indexOf("line");
        columnField = header.locationFields().indexOf("column");
        this.nodeCount = nodeCount;
        this.nodeFieldCount = header.nodeFieldCount();
        this.growable = recordCount < 0;
        this.boundaries = new RecordSink.Boundaries(Math.max(1, fieldCount));
        this.reciprocal = ((1L << 32) + nodeFieldCount - 1) / nodeFieldCount;
        int capacity = growable ? 1024 : (int) recordCount;
        entries = new int[4 * capacity];
        count = growable ? 0 : capacity;
    }

    /** Whether the header names every location field this class reads. */
    static boolean supports(SnapshotHeader header) {
        var fields = header.locationFields();
        return fields.contains("object_index") && fields.contains("script_id") && fields.contains("line")
                && fields.contains("column");
    }

    int fieldCount() {
        return fieldCount;
    }

    ValueSink sinkFrom(long firstValueIndex) {
        return new Sink(this, firstValueIndex);
    }

    /** The table, sorted by node ordinal; call once every sink has finished. */
    Locations locations() {
        return count == 0 ? Locations.empty() : Locations.ofEntries(entries, count);
    }

    private void ensureCapacity(int records) {
        if (4L * records > entries.length) {
            entries = Arrays.copyOf(entries, 4 * Math.max(records, entries.length / 2));
        }
    }

    private static final class Sink extends RecordSink {
        private final LocationColumns c;

        Sink(LocationColumns columns, long firstValueIndex) {
            super(columns.fieldCount, columns.growable ? Integer.MAX_VALUE : columns.count,
                    firstValueIndex, columns.growable ? null : columns.boundaries);
            this.c = columns;
        }

        @Override
        void apply(long[] values, int offset, int count, int firstRecord) {
            LocationColumns c = this.c;
            if (c.growable) {
                c.ensureCapacity(firstRecord + count);
                c.count = Math.max(c.count, firstRecord + count);
            }
            int fieldCount = c.fieldCount;
            for (int k = 0; k < count * fieldCount; k++) {
                if (values[offset + k] > Integer.MAX_VALUE) {
                    throw new BadValueException("value #" + ((long) firstRecord * fieldCount + k) + " of '" + SECTION
                            + "' is " + values[offset + k] + ", out of range");
                }
            }
            int[] entries = c.entries;
            int location = firstRecord;
            for (int end = offset + count * fieldCount; offset < end; offset += fieldCount, location++) {
                long nodeIndex = values[offset + c.objectField];
                // Exact for multiples of the field count below 2³¹; anything else fails the check.
                int ordinal = (int) ((nodeIndex * c.reciprocal) >>> 32);
                if ((long) ordinal * c.nodeFieldCount != nodeIndex || ordinal >= c.nodeCount) {
                    throw new BadValueException("location #" + location + " points at node index " + nodeIndex
                            + ", which is not a node");
                }
                int at = 4 * location;
                entries[at] = ordinal;
                entries[at + 1] = (int) values[offset + c.scriptField];
                entries[at + 2] = (int) values[offset + c.lineField];
                entries[at + 3] = (int) values[offset + c.columnField];
            }
        }

        @Override
        void publish() {
        }

        @Override
        String tooManyValues() {
            return "the section holds more values than its count";
        }
    }
}
