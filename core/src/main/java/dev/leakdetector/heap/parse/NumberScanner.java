package dev.leakdetector.heap.parse;

/**
 * The hot loop of the parser: reads runs of ASCII digits separated by commas or whitespace, as V8
 * writes the {@code nodes}, {@code edges} and other numeric sections, and stops at {@code ]}.
 *
 * <p>State (a number in progress) carries across calls, so a number may straddle buffer borders.
 * Values are staged in a small array and handed to the sink in batches. Anything other than a digit,
 * a separator or the closing bracket is reported, because it means the file is corrupt.
 */
final class NumberScanner {
    /** {@link #scan} result: the range ended without a closing bracket. */
    static final int NEED_MORE = -1;
    /** {@link #scan} result: an unexpected byte at {@link #problemIndex()}. */
    static final int BAD_BYTE = -2;
    /** {@link #scan} result: a number with too many digits ending at {@link #problemIndex()}. */
    static final int TOO_LONG = -3;

    private static final int MAX_DIGITS = 18;
    private static final int BATCH = 4096;

    private final long[] staging = new long[BATCH];
    private int staged;
    private long value;
    private int digits;
    private int problemIndex;
    private long valuesEmitted;

    /**
     * Scans {@code bytes[from … to)}.
     *
     * @return the index of the closing bracket, {@link #NEED_MORE}, {@link #BAD_BYTE} or {@link #TOO_LONG}
     */
    int scan(byte[] bytes, int from, int to, ValueSink sink) {
        long v = value;
        int d = digits;
        for (int i = from; i < to; i++) {
            int c = bytes[i];
            int digit = c - '0';
            if (digit >= 0 && digit <= 9) {
                v = v * 10 + digit;
                if (++d > MAX_DIGITS) {
                    problemIndex = i;
                    value = 0;
                    digits = 0;
                    return TOO_LONG;
                }
                continue;
            }
            if (d > 0) {
                staging[staged++] = v;
                if (staged == BATCH) {
                    flush(sink);
                }
                v = 0;
                d = 0;
            }
            if (c == ',' || c == '\n' || c == ' ' || c == '\r' || c == '\t') {
                continue;
            }
            value = 0;
            digits = 0;
            if (c == ']') {
                return i;
            }
            problemIndex = i;
            return BAD_BYTE;
        }
        value = v;
        digits = d;
        return NEED_MORE;
    }

    /** True while a number is half read (its digits continue in the next range). */
    boolean inNumber() {
        return digits > 0;
    }

    /** Emits a number in progress and hands all staged values to the sink. */
    void finish(ValueSink sink) {
        if (digits > 0) {
            staging[staged++] = value;
            value = 0;
            digits = 0;
        }
        flush(sink);
    }

    void flush(ValueSink sink) {
        if (staged > 0) {
            sink.accept(staging, staged);
            valuesEmitted += staged;
            staged = 0;
        }
    }

    int problemIndex() {
        return problemIndex;
    }

    long valuesEmitted() {
        return valuesEmitted + staged;
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
