package dev.leakdetector.heap.parse;

import java.util.HashMap;
import java.util.Map;

/**
 * A sink that groups a section's flat values into records of {@code fieldCount} values (one node, one
 * edge) and hands only whole records to {@link #apply}.
 *
 * <p>The parallel scanner cuts a section at byte offsets, so a record may begin in one chunk and end in
 * the next, parsed by two threads at the same time. Writing such a record field by field would make
 * both threads read-modify-write the same column entry (an edge's type and target share one int).
 * Instead, a sink passes the pieces of the records it does not hold whole to the shared
 * {@link Boundaries}, which applies a record once all its pieces have arrived, on the thread that
 * brings the last one. Whole records also let a column check a record at once and keep running
 * totals, which spares a separate checking pass over the columns after parsing.
 */
abstract class RecordSink extends ValueSink {
    private final int fieldCount;
    private final long recordCount;
    private final Boundaries boundaries;
    private final long[] pending;
    /** Fields of the current record held in {@link #pending}, from {@link #pendingFrom} on. */
    private int pendingFields;
    /** The first field of the current record that this sink saw: non-zero only for a record it joined midway. */
    private int pendingFrom;
    private long record;

    /**
     * @param firstValueIndex position of this sink's first value in the section's flat value array
     * @param boundaries      where split records meet; null when one sink receives the whole section
     */
    RecordSink(int fieldCount, long recordCount, long firstValueIndex, Boundaries boundaries) {
        this.fieldCount = fieldCount;
        this.recordCount = recordCount;
        this.boundaries = boundaries;
        this.pending = new long[fieldCount];
        this.record = firstValueIndex / fieldCount;
        this.pendingFrom = (int) (firstValueIndex % fieldCount);
        this.pendingFields = pendingFrom;
    }

    /** Writes {@code count} whole records, the first at {@code values[offset]} with index {@code firstRecord}. */
    abstract void apply(long[] values, int offset, int count, int firstRecord);

    /** Adds this sink's running totals to its columns; called once, after its last record. */
    abstract void publish();

    /** What the error says when the section holds more values than the header promises. */
    abstract String tooManyValues();

    @Override
    final void accept(long[] values, int count) {
        int k = 0;
        if (pendingFields > 0) {
            k = Math.min(count, fieldCount - pendingFields);
            System.arraycopy(values, 0, pending, pendingFields, k);
            pendingFields += k;
            if (pendingFields < fieldCount) {
                return;
            }
            completePending();
        }
        int whole = (count - k) / fieldCount;
        if (whole > 0) {
            checkLimit(record + whole);
            apply(values, k, whole, (int) record);
            record += whole;
            k += whole * fieldCount;
        }
        if (k < count) {
            System.arraycopy(values, k, pending, 0, count - k);
            pendingFields = count - k;
        }
    }

    private void completePending() {
        checkLimit(record + 1);
        if (pendingFrom == 0) {
            apply(pending, 0, 1, (int) record);
        } else {
            boundaries.offer(this, record, pending, pendingFrom, fieldCount);
        }
        record++;
        pendingFields = 0;
        pendingFrom = 0;
    }

    @Override
    final void finish() {
        // A record cut off at the end of this sink's range continues in the next sink's.
        if (pendingFields > pendingFrom && boundaries != null) {
            checkLimit(record + 1);
            boundaries.offer(this, record, pending, pendingFrom, pendingFields);
        }
        pendingFields = 0;
        pendingFrom = 0;
        publish();
    }

    private void checkLimit(long recordEnd) {
        if (recordEnd > recordCount) {
            throw new BadValueException(tooManyValues());
        }
    }

    /** The records that chunk borders split, collected until all their fields have arrived. */
    static final class Boundaries {
        private final int fieldCount;
        private final Map<Long, Piece> pieces = new HashMap<>();

        Boundaries(int fieldCount) {
            this.fieldCount = fieldCount;
        }

        synchronized void offer(RecordSink sink, long record, long[] values, int fromField, int toField) {
            Piece piece = pieces.computeIfAbsent(record, r -> new Piece(new long[fieldCount]));
            System.arraycopy(values, fromField, piece.values, fromField, toField - fromField);
            piece.filled += toField - fromField;
            if (piece.filled == fieldCount) {
                pieces.remove(record);
                sink.apply(piece.values, 0, 1, (int) record);
            }
        }

        private static final class Piece {
            final long[] values;
            int filled;

            Piece(long[] values) {
                this.values = values;
            }
        }
    }
}
