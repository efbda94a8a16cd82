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
        int i = from;
        if (digits > 0) {
            // A number carried over from the previous range: finish it byte by byte.
            int result = scanSlow(bytes, i, to, sink, true);
            if (result != NEED_MORE || digits > 0) {
                return result;
            }
            i = skipped;
        }
        // Fast path, eight bytes at a time: any number starting before safeEnd ends inside the
        // range (or is too long), and every load stays inside it.
        long[] stage = staging;
        int n = staged;
        int safeEnd = to - (MAX_DIGITS + 6);
        while (i < safeEnd) {
            long word = Words.load(bytes, i);
            long nonDigits = nonDigitBytes(word);
            int length = Long.numberOfTrailingZeros(nonDigits) >>> 3;
            if (length == 0) {
                int c = bytes[i];
                if (c == ',' || c == '\n' || c == ' ' || c == '\r' || c == '\t') {
                    i++;
                    continue;
                }
                staged = n;
                if (c == ']') {
                    return i;
                }
                problemIndex = i;
                return BAD_BYTE;
            }
            long v;
            if (length < 8) {
                v = digitsValue(word, length);
                // Step over the comma that usually follows, already in the loaded word.
                i += ((word >>> (length << 3)) & 0xFF) == ',' ? length + 1 : length;
            } else {
                v = longNumber(bytes, i, word, to);
                if (v < 0) {
                    staged = n;
                    return tooLong(i + MAX_DIGITS);
                }
                i += 8 + digitRunLength(bytes, i + 8, to);
            }
            stage[n++] = v;
            if (n == BATCH) {
                n = flushBatch(sink);
            }
        }
        staged = n;
        return scanSlow(bytes, i, to, sink, false);
    }

    /**
     * Stage two of the indexed scan: reads the numbers that start in {@code index}'s blocks, each
     * from its first digit, and stages them like {@link #scan}. A number that runs past the index's
     * end is read whole; {@link #scan} goes on from {@link NumberIndex#end()}, skipping its rest.
     * The index guarantees that every byte of its blocks is a digit, a comma or a newline.
     *
     * @param limit the end of the valid bytes, the index's {@code validEnd}
     * @return {@link #NEED_MORE}, or {@link #TOO_LONG}
     */
    int scanIndexed(byte[] bytes, NumberIndex index, int limit, ValueSink sink) {
        long[] masks = index.digitMasks();
        long carry = index.previousIsDigit() ? 1 : 0;
        long[] stage = staging;
        int n = staged;
        for (int block = 0, base = index.from(); block < index.blocks(); block++, base += NumberIndex.BLOCK_BYTES) {
            long mask = masks[block];
            long starts = NumberIndex.starts(mask, carry);
            carry = mask >>> 63;
            while (starts != 0) {
                int bit = Long.numberOfTrailingZeros(starts);
                starts &= starts - 1;
                int at = base + bit;
                long word = Words.load(bytes, at);
                // The digit run's length from the mask; a run that reaches the block's end is measured
                // in the loaded word instead.
                int length = Long.numberOfTrailingZeros(~(mask >>> bit));
                if (length == 64 - bit) {
                    length = Long.numberOfTrailingZeros(nonDigitBytes(word)) >>> 3;
                }
                long v = length < 8 ? digitsValue(word, length) : longNumber(bytes, at, word, limit);
                if (v < 0) {
                    staged = n;
                    return tooLong(at + MAX_DIGITS);
                }
                stage[n++] = v;
                if (n == BATCH) {
                    n = flushBatch(sink);
                }
            }
        }
        staged = n;
        return NEED_MORE;
    }

    /** The value of the number of 8 or more digits at {@code at}, whose first word is {@code word}; -1 if it has too many. */
    private static long longNumber(byte[] bytes, int at, long word, int limit) {
        long next = Words.load(bytes, at + 8);
        int more = Long.numberOfTrailingZeros(nonDigitBytes(next)) >>> 3;
        if (more < 8) {
            return more == 0 ? digitsValue(word, 8) : digitsValue(word, 8) * POWERS_OF_TEN[more] + digitsValue(next, more);
        }
        int rest = digitRunLength(bytes, at + 16, limit);
        if (rest + 16 > MAX_DIGITS) {
            return -1;
        }
        long v = digitsValue(word, 8) * 100_000_000L + digitsValue(next, 8);
        for (int k = 0; k < rest; k++) {
            v = v * 10 + (bytes[at + 16 + k] - '0');
        }
        return v;
    }

    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
        10_000_000L, 100_000_000L};

    /** The high bit of each byte of {@code word} that is not an ASCII digit, all others clear. */
    static long nonDigitBytes(long word) {
        long atLeastZero = ((word | Words.HIGH_BITS) - 0x3030303030303030L) & Words.HIGH_BITS;
        long aboveNine = ((word & ~Words.HIGH_BITS) + 0x4646464646464646L) & Words.HIGH_BITS;
        long digits = atLeastZero & ~aboveNine & ~(word & Words.HIGH_BITS);
        return ~digits & Words.HIGH_BITS;
    }

    /**
     * The value of the first {@code length} (1…8) digit bytes of a little-endian word, without a
     * branch per digit: the digits are moved to the top of the word, so that the bytes shifted in
     * act as leading zeros, then combined pairwise into 2-, 4- and 8-digit lanes (the technique of
     * simdjson's {@code parse_eight_digits_unrolled}).
     */
    static long digitsValue(long word, int length) {
        long v = (word & 0x0F0F0F0F0F0F0F0FL) << ((8 - length) << 3);
        v = (v * 2561) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    /** A chunk's count: the numbers that start before its first {@code ]}, and where that is (-1: none). */
    record Count(long numbers, int closing) {
    }

    /**
     * Counts the numbers that start in {@code bytes[from … to)} before the first {@code ]}: digits
     * whose previous byte is not a digit. One pass, eight bytes at a time, with the previous byte
     * carried across words; a word holding the bracket is finished byte by byte.
     */
    static Count countUntilClosingBracket(byte[] bytes, int from, int to, boolean previousIsDigit) {
        long count = 0;
        long carry = previousIsDigit ? 0x80L : 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = Words.load(bytes, i);
            long x = word ^ 0x5D5D5D5D5D5D5D5DL;
            if (((x - 0x0101010101010101L) & ~x & Words.HIGH_BITS) != 0) {
                break;
            }
            long digits = ~nonDigitBytes(word) & Words.HIGH_BITS;
            long starts = digits & ~((digits << 8) | carry);
            count += Long.bitCount(starts);
            carry = digits >>> 56;
        }
        boolean previous = carry != 0;
        for (; i < to; i++) {
            if (bytes[i] == ']') {
                return new Count(count, i);
            }
            boolean digit = isDigit(bytes[i]);
            if (digit && !previous) {
                count++;
            }
            previous = digit;
        }
        return new Count(count, -1);
    }

    private static int digitRunLength(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
            i++;
        }
        return i - from;
    }

    private int tooLong(int index) {
        problemIndex = index;
        value = 0;
        digits = 0;
        return TOO_LONG;
    }

    /** Index where {@link #scanSlow} stopped when asked to stop after one number. */
    private int skipped;

    /**
     * Byte-at-a-time scanning with state carried across ranges. With {@code oneNumber}, it stops
     * right after the number in progress ends, recording where in {@link #skipped}.
     */
    private int scanSlow(byte[] bytes, int from, int to, ValueSink sink, boolean oneNumber) {
        long v = value;
        int d = digits;
        for (int i = from; i < to; i++) {
            int c = bytes[i];
            int digit = c - '0';
            if (digit >= 0 && digit <= 9) {
                v = v * 10 + digit;
                if (++d > MAX_DIGITS) {
                    return tooLong(i);
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
                if (oneNumber) {
                    value = 0;
                    digits = 0;
                    skipped = i;
                    return NEED_MORE;
                }
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

    /** Hands a full batch, which the caller counted in a local, to the sink; returns the new count, 0. */
    private int flushBatch(ValueSink sink) {
        staged = BATCH;
        flush(sink);
        return 0;
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
