package dev.leakdetector.heap.parse;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a numeric section from a {@link ByteCursor} in one pass, for gzip streams and for sections
 * the parallel scanner does not take (small ones, or those of unknown length).
 */
final class SequentialNumbers {
    private SequentialNumbers() {
    }

    /**
     * Scans from the cursor (just after {@code [}) through the closing bracket into {@code sink}.
     *
     * @return the number of values read
     */
    static long read(Path file, ByteCursor cursor, String section, String phase, ValueSink sink,
                     ProgressListener progress, long totalBytes) throws IOException, SnapshotFormatException {
        NumberScanner numbers = new NumberScanner();
        try {
            while (true) {
                if (!cursor.ensure()) {
                    throw new SnapshotFormatException(file, section, cursor.position(),
                            "unexpected end of file (truncated snapshot?)");
                }
                byte[] bytes = cursor.buffer();
                int from = cursor.bufferPos();
                int to = cursor.bufferLimit();
                int result = numbers.scan(bytes, from, to, sink);
                if (result >= 0) {
                    cursor.advanceTo(result + 1);
                    numbers.finish(sink);
                    sink.finish();
                    return numbers.valuesEmitted();
                }
                if (result == NumberScanner.NEED_MORE) {
                    cursor.advanceTo(to);
                    progress.onProgress(phase, cursor.position(), totalBytes);
                    continue;
                }
                long at = cursor.bufferStart() + numbers.problemIndex();
                throw new SnapshotFormatException(file, section, at, result == NumberScanner.BAD_BYTE
                        ? "unexpected character " + ParallelSectionScanner.describe(bytes[numbers.problemIndex()])
                        : "a number with more than 18 digits");
            }
        } catch (ValueSink.BadValueException e) {
            throw new SnapshotFormatException(file, section, cursor.position(), e.getMessage());
        }
    }
}
