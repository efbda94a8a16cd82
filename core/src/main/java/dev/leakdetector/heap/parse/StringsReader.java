package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.StringPage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the {@code strings} section sequentially from a {@link ByteCursor}: for gzip input, and for
 * plain files whose section {@link ParallelStringsScanner} cannot cut at line breaks. Strings are
 * decoded by {@link StringDecoder} into {@link StringPages}, as the parallel scanner does, so both
 * paths give the same table.
 */
final class StringsReader {
    static final String SECTION = "strings";
    private static final int PAGE_BYTES = 8 << 20;

    private final Path file;
    private final ByteCursor cursor;
    private final StringDecoder decoder = new StringDecoder();
    private byte[] scratch = new byte[256];

    StringsReader(Path file, ByteCursor cursor) {
        this.file = file;
        this.cursor = cursor;
    }

    /** Reads from just after the opening {@code [} through the closing {@code ]}. */
    List<StringPage> readArray(ProgressListener progress, long totalBytes) throws IOException, SnapshotFormatException {
        StringPages pages = new StringPages(PAGE_BYTES);
        int next = cursor.peekNonWhitespace();
        if (next == ']') {
            cursor.read();
            return pages.finish();
        }
        long size = 0;
        while (true) {
            next = cursor.peekNonWhitespace();
            if (next != '"') {
                throw unexpected(next, "a string");
            }
            cursor.read();
            readStringBody(pages);
            if ((++size & 0xFFFF) == 0) {
                progress.onProgress("Parsing strings", cursor.position(), totalBytes);
            }
            next = cursor.peekNonWhitespace();
            cursor.read();
            if (next == ']') {
                return pages.finish();
            }
            if (next != ',') {
                throw unexpected(next, "',' or ']'");
            }
        }
    }

    /** Reads after the opening quote through the closing quote. */
    private void readStringBody(StringPages pages) throws IOException, SnapshotFormatException {
        byte[] bytes = cursor.buffer();
        int start = cursor.bufferPos();
        int end = closingQuote(bytes, start, cursor.bufferLimit());
        if (end >= 0) {
            decode(bytes, start, end, cursor.bufferStart(), pages);
            cursor.advanceTo(end + 1);
            return;
        }
        // The string runs past the buffer: gather its raw bytes first.
        long contentStart = cursor.position();
        int n = 0;
        boolean escaped = false;
        while (true) {
            int c = cursor.read();
            if (c == ByteCursor.EOF) {
                throw truncated();
            }
            if (c == '\n') {
                throw lineBreak(cursor.position() - 1);
            }
            if (c == '"' && !escaped) {
                break;
            }
            escaped = c == '\\' && !escaped;
            if (n + 1 >= scratch.length) {
                scratch = Arrays.copyOf(scratch, scratch.length * 2);
            }
            scratch[n++] = (byte) c;
        }
        scratch[n] = '"';
        decode(scratch, 0, n, contentStart, pages);
        if (scratch.length > 1 << 20) {
            scratch = new byte[256];
        }
    }

    /**
     * The index of the quote that closes a string whose content starts at {@code from}, or -1 when
     * it is not in {@code bytes[from … to)}. Throws at a raw line break, which JSON forbids inside a
     * string; the parallel scanner cuts the section at line breaks and relies on it.
     */
    private int closingQuote(byte[] bytes, int from, int to) throws SnapshotFormatException {
        int close = StringsRegion.closingQuote(bytes, from, to);
        if (close <= -2) {
            throw lineBreak(cursor.bufferStart() + (-2 - close));
        }
        return close;
    }

    private void decode(byte[] bytes, int from, int to, long bytesOffset, StringPages pages)
            throws SnapshotFormatException {
        try {
            decoder.decode(bytes, from, to, pages);
        } catch (StringDecoder.BadEscape e) {
            throw new SnapshotFormatException(file, SECTION, bytesOffset + e.index, e.getMessage());
        }
    }

    private SnapshotFormatException lineBreak(long offset) {
        return new SnapshotFormatException(file, SECTION, offset, "a line break inside a string (corrupt snapshot?)");
    }

    private SnapshotFormatException truncated() {
        return new SnapshotFormatException(file, SECTION, cursor.position(),
                "unexpected end of file inside the string table (truncated snapshot?)");
    }

    private SnapshotFormatException unexpected(int c, String expected) {
        if (c == ByteCursor.EOF) {
            return truncated();
        }
        return new SnapshotFormatException(file, SECTION, cursor.position(),
                "expected " + expected + " but found " + ParallelSectionScanner.describe((byte) c));
    }
}
