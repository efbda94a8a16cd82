package dev.leakdetector.heap.parse;

/**
 * Stage one of a two-stage scan of a numeric section, after simdjson's design (Langdale and Lemire,
 * "Parsing Gigabytes of JSON per Second", 2019): a bit per byte that marks the digits, 64 bytes per
 * {@code long}, built without a branch per byte. Stage two ({@link NumberScanner#scanIndexed}) then
 * reads each number from where its first digit is, taken from these masks. Numbers no longer wait for
 * the previous one's length to be known, so the CPU works on several at once: in a loop that finds
 * the next number from the end of the last, each number's work is one long chain of dependent steps.
 *
 * <p>Only blocks that hold nothing but digits, commas and newlines, which is all V8 writes inside a
 * numeric section, are indexed. The first block with anything else (the closing bracket, other
 * whitespace, a corrupt byte) ends the index; {@link NumberScanner#scan} takes over from there and
 * reports what it finds. Stage one also counts the numbers that start in the indexed blocks, which is
 * the count {@link ParallelSectionScanner} needs before it may write a chunk's values.
 */
final class NumberIndex {
    static final int BLOCK_BYTES = 64;
    /**
     * Stage two reads two words from a number's first digit, and a number of 9 to 16 digits ends inside
     * them: an index ends this many bytes before the valid data does.
     */
    private static final int MARGIN = 24;

    /** Moves bit 8j of a word (j = 0 … 7) to bit 56 + j, without carries: see {@link #indexBlock}. */
    private static final long GATHER = 0x0102040810204080L;

    private long[] digitMasks = new long[0];
    private int from;
    private int blocks;
    private long numbers;
    private boolean previousIsDigit;

    /**
     * Indexes {@code bytes[from … to)} block by block, stopping before the first block that holds
     * a byte other than a digit, a comma or a newline, or that does not fit, also {@link #MARGIN}
     * bytes before {@code validEnd}.
     *
     * @param validEnd        the end of the bytes read into the array (stage two reads past {@code to})
     * @param previousIsDigit whether the byte before {@code from} is a digit, whose number then
     *                        started earlier and is not counted here
     */
    void index(byte[] bytes, int from, int to, int validEnd, boolean previousIsDigit) {
        int limit = Math.min(to, validEnd - MARGIN);
        int maxBlocks = Math.max(0, (limit - from) / BLOCK_BYTES);
        if (digitMasks.length < maxBlocks) {
            digitMasks = new long[maxBlocks];
        }
        long[] masks = digitMasks;
        long carry = previousIsDigit ? 1 : 0;
        long count = 0;
        int block = 0;
        for (; block < maxBlocks; block++) {
            long mask = indexBlock(bytes, from + block * BLOCK_BYTES);
            if (mask == INVALID) {
                break;
            }
            masks[block] = mask;
            count += Long.bitCount(starts(mask, carry));
            carry = mask >>> 63;
        }
        this.from = from;
        this.blocks = block;
        this.numbers = count;
        this.previousIsDigit = previousIsDigit;
    }

    /**
     * {@link #indexBlock}'s answer for a block that holds another byte. As a mask it would be a run of
     * 63 digits, which the scanner rejects anyway, so taking it for this answer loses nothing.
     */
    private static final long INVALID = Long.MAX_VALUE;

    /**
     * The digit mask of the 64 bytes at {@code at} (bit k for byte k), or {@link #INVALID}.
     *
     * <p>Per word, with every byte below 0x80 (checked on the way): adding 0x50 sets a byte's high
     * bit from '0' up, adding 0x46 from ':' up, and neither carries into the next byte; a byte XOR a
     * character is zero only for that character, and adding 0x7F to it sets the high bit otherwise.
     * The multiply by {@link #GATHER} moves the eight high bits (shifted to bit 8j) to the top byte:
     * each product bit lands at 8i − 7j + 56, distinct for every pair, so nothing carries.
     */
    private static long indexBlock(byte[] bytes, int at) {
        long mask = 0;
        long bad = 0;
        for (int w = 0; w < 8; w++) {
            long word = Words.load(bytes, at + 8 * w);
            long digits = (word + 0x5050505050505050L) & ~(word + 0x4646464646464646L) & Words.HIGH_BITS;
            long notComma = (word ^ 0x2C2C2C2C2C2C2C2CL) + 0x7F7F7F7F7F7F7F7FL;
            long notNewline = (word ^ 0x0A0A0A0A0A0A0A0AL) + 0x7F7F7F7F7F7F7F7FL;
            bad |= (notComma & notNewline & ~digits | word) & Words.HIGH_BITS;
            mask |= ((digits >>> 7) * GATHER >>> 56) << (8 * w);
        }
        return bad == 0 ? mask : INVALID;
    }

    /** The digits of {@code mask} whose previous byte is not a digit; {@code carry} is 1 when the byte before the block is. */
    static long starts(long mask, long carry) {
        return mask & ~(mask << 1 | carry);
    }

    long[] digitMasks() {
        return digitMasks;
    }

    /** Where the index starts. */
    int from() {
        return from;
    }

    /** Indexed blocks, from {@link #from()} on. */
    int blocks() {
        return blocks;
    }

    /** Where the index ends: the first byte that stage two leaves to {@link NumberScanner#scan}. */
    int end() {
        return from + blocks * BLOCK_BYTES;
    }

    /** The numbers that start in the indexed blocks. */
    long numbers() {
        return numbers;
    }

    boolean previousIsDigit() {
        return previousIsDigit;
    }
}
