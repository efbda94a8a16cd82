package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.StringPage;

import java.nio.file.Path;
import java.util.List;

/**
 * One region of the {@code strings} section for {@link ParallelStringsScanner}: the bytes from just
 * after the first line break at or past its start up to just after the first line break at or past
 * its cut point, so that consecutive regions tile the section. It holds its decoded strings and what
 * the stitching needs: its first token, the state after its last one, the closing bracket if it
 * holds it, and the first error, kept until the stitching knows the region is inside the section.
 */
final class StringsRegion {
    /** What was read last: the opening bracket, a string, or a comma. */
    enum State { START, AFTER_STRING, AFTER_COMMA }

    private static final int STRING = 1;
    private static final int COMMA = 2;
    private static final int END = 3;
    private static final int OTHER = 4;

    private final Path file;
    private final long base;
    private final boolean first;
    private List<StringPage> pages = List.of();
    private int firstKind;
    private long firstOffset;
    private byte firstByte;
    private State lastState;
    private long endOffset = -1;
    private SnapshotFormatException failure;
    private boolean needsSequential;
    private final byte[] shared;
    private final long sharedBase;

    /**
     * @param base       the file offset of {@code bytes[0]}
     * @param first      whether this region starts at the section's first byte, just after {@code [}
     * @param shared     an array for the decoded strings of all regions, or null: each region writes to
     *                   the slice that its own bytes have in the file (decoding never lengthens a Latin-1
     *                   string; a region whose UTF-16 strings overflow it goes on in pages of its own)
     * @param sharedBase the file offset that {@code shared[0]} stands for
     */
    StringsRegion(Path file, long base, boolean first, byte[] shared, long sharedBase) {
        this.file = file;
        this.base = base;
        this.first = first;
        this.shared = shared;
        this.sharedBase = sharedBase;
    }

    /**
     * @param length     valid bytes in {@code bytes}
     * @param cut        where the next region's search for a line break starts
     * @param reachesEof whether {@code bytes[length]} would be past the end of the file
     */
    void decode(byte[] bytes, int length, int cut, boolean reachesEof, StringDecoder decoder) {
        int from = 0;
        if (!first) {
            int lineBreak = indexOfLineBreak(bytes, 0, length);
            if (lineBreak < 0) {
                needsSequential = !reachesEof;
                return;
            }
            from = lineBreak + 1;
        }
        int to;
        int lineBreak = indexOfLineBreak(bytes, cut, length);
        if (lineBreak >= 0) {
            to = lineBreak + 1;
        } else if (reachesEof) {
            to = length;
        } else {
            needsSequential = true;
            return;
        }
        StringPages out = shared == null ? new StringPages(to - from)
                : new StringPages(to - from, shared, (int) (base + from - sharedBase), (int) (base + to - sharedBase));
        State state = first ? State.START : null;
        int i = from;
        while (true) {
            while (i < to && isWhitespace(bytes[i])) {
                i++;
            }
            if (i >= to) {
                break;
            }
            byte b = bytes[i];
            int kind = b == '"' ? STRING : b == ',' ? COMMA : b == ']' ? END : OTHER;
            if (state == null) {
                firstKind = kind;
                firstOffset = base + i;
                firstByte = b;
                if (kind == OTHER) {
                    return;
                }
            } else if (!allowed(state, kind)) {
                failure = unexpected(state, base + i, b);
                return;
            }
            if (kind == END) {
                endOffset = base + i;
                break;
            }
            if (kind == COMMA) {
                state = State.AFTER_COMMA;
                i++;
                continue;
            }
            // Most strings are plain ASCII: the first byte that is not ends them at their quote.
            int plainEnd = plainAsciiEnd(bytes, i + 1, to);
            if (plainEnd < to && bytes[plainEnd] == '"') {
                out.addLatin1(bytes, i + 1, plainEnd - i - 1);
                state = State.AFTER_STRING;
                i = plainEnd + 1;
                continue;
            }
            // The bytes before plainEnd hold no quote, backslash or line break.
            int close = closingQuote(bytes, plainEnd, to);
            if (close < 0) {
                failure = close == -1 ? truncated(base + to)
                        : new SnapshotFormatException(file, StringsReader.SECTION, base + (-2 - close),
                                "a line break inside a string (corrupt snapshot?)");
                return;
            }
            try {
                decoder.decode(bytes, i + 1, close, out);
            } catch (StringDecoder.BadEscape e) {
                failure = new SnapshotFormatException(file, StringsReader.SECTION, base + e.index, e.getMessage());
                return;
            }
            state = State.AFTER_STRING;
            i = close + 1;
        }
        lastState = state;
        pages = out.finish();
    }

    /**
     * The index of the first byte in {@code bytes[from … to)} that a plain ASCII string cannot hold
     * (a quote, a backslash, a line break or a byte of 0x80 and up), or {@code to}; eight bytes at a
     * time. Per word, a byte XOR a character is zero only for that character. Subtracting one from
     * each byte sets the high bit of a zero byte; otherwise, below the lowest flag, only of a byte
     * that is 0x80 and up, which is flagged anyway (a borrow needs a zero byte below). So the lowest
     * flag is exact.
     */
    static int plainAsciiEnd(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = Words.load(bytes, i);
            long special = (zeroBytes(word ^ 0x2222222222222222L) | zeroBytes(word ^ 0x5C5C5C5C5C5C5C5CL)
                    | zeroBytes(word ^ 0x0A0A0A0A0A0A0A0AL) | word) & Words.HIGH_BITS;
            if (special != 0) {
                return i + (Long.numberOfTrailingZeros(special) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte b = bytes[i];
            if (b == '"' || b == '\\' || b == '\n' || b < 0) {
                return i;
            }
        }
        return to;
    }

    private static long zeroBytes(long x) {
        return x - 0x0101010101010101L;
    }

    /** The closing quote's index; -1 when the bytes end first; -2 - i for a line break at {@code i}. */
    static int closingQuote(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\' && i + 1 < to && bytes[i + 1] != '\n') {
                i++;
            } else if (b == '\n') {
                return -2 - i;
            }
        }
        return -1;
    }

    boolean needsSequential() {
        return needsSequential;
    }

    /** Throws unless the region's first token, if it has one, may follow {@code before}. */
    void checkFirstToken(State before) throws SnapshotFormatException {
        if (!first && firstKind != 0 && !allowed(before, firstKind)) {
            throw unexpected(before, firstOffset, firstByte);
        }
    }

    void throwIfFailed() throws SnapshotFormatException {
        if (failure != null) {
            throw failure;
        }
    }

    /** The state after the region's last token; for a region without tokens, null. */
    State lastState() {
        return lastState;
    }

    long endOffset() {
        return endOffset;
    }

    List<StringPage> pages() {
        return pages;
    }

    private static boolean allowed(State state, int kind) {
        return switch (state) {
            case START -> kind == STRING || kind == END;
            case AFTER_COMMA -> kind == STRING;
            case AFTER_STRING -> kind == COMMA || kind == END;
        };
    }

    private SnapshotFormatException unexpected(State state, long offset, byte b) {
        String expected = state == State.AFTER_STRING ? "',' or ']'" : "a string";
        return new SnapshotFormatException(file, StringsReader.SECTION, offset,
                "expected " + expected + " but found " + ParallelSectionScanner.describe(b));
    }

    private SnapshotFormatException truncated(long offset) {
        return new SnapshotFormatException(file, StringsReader.SECTION, offset,
                "unexpected end of file inside the string table (truncated snapshot?)");
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int indexOfLineBreak(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
