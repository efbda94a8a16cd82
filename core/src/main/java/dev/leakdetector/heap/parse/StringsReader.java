package dev.leakdetector.heap.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes the {@code strings} section: a JSON array of strings, read straight from the bytes.
 *
 * <p>V8 writes pure ASCII and escapes everything else as {@code \}{@code uXXXX}. It has known bugs that
 * must be tolerated, not fixed: astral characters come out as one truncated escape of their low 16
 * bits, so lone surrogates are legal here and are kept as they are, exactly as DevTools'
 * {@code JSON.parse} keeps them.
 */
final class StringsReader {
    private static final String SECTION = "strings";

    private final Path file;
    private final ByteCursor cursor;
    private StringBuilder builder = new StringBuilder();

    StringsReader(Path file, ByteCursor cursor) {
        this.file = file;
        this.cursor = cursor;
    }

    /** Reads from just after the opening {@code [} through the closing {@code ]}. */
    String[] readArray(ProgressListener progress, long totalBytes) throws IOException, SnapshotFormatException {
        String[] strings = new String[1 << 12];
        int size = 0;
        int next = cursor.peekNonWhitespace();
        if (next == ']') {
            cursor.read();
            return Arrays.copyOf(strings, 0);
        }
        while (true) {
            next = cursor.peekNonWhitespace();
            if (next != '"') {
                throw unexpected(next, "a string");
            }
            cursor.read();
            if (size == strings.length) {
                strings = Arrays.copyOf(strings, size * 2);
            }
            strings[size++] = readStringBody();
            if ((size & 0xFFFF) == 0) {
                progress.onProgress("Parsing strings", cursor.position(), totalBytes);
            }
            next = cursor.peekNonWhitespace();
            cursor.read();
            if (next == ']') {
                return Arrays.copyOf(strings, size);
            }
            if (next != ',') {
                throw unexpected(next, "',' or ']'");
            }
        }
    }

    /** Reads after the opening quote through the closing quote. */
    private String readStringBody() throws IOException, SnapshotFormatException {
        // Fast path: the whole string sits in the buffer and has no escapes.
        byte[] bytes = cursor.buffer();
        int start = cursor.bufferPos();
        int limit = cursor.bufferLimit();
        boolean ascii = true;
        for (int i = start; i < limit; i++) {
            byte b = bytes[i];
            if (b == '"') {
                cursor.advanceTo(i + 1);
                return new String(bytes, start, i - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            if (b == '\\') {
                break;
            }
            if (b < 0) {
                ascii = false;
            }
        }
        return readSlow();
    }

    private String readSlow() throws IOException, SnapshotFormatException {
        StringBuilder sb = builder;
        sb.setLength(0);
        while (true) {
            int c = cursor.read();
            switch (c) {
                case ByteCursor.EOF -> throw truncated();
                case '"' -> {
                    String result = sb.toString();
                    if (sb.capacity() > 1 << 20) {
                        builder = new StringBuilder();
                    }
                    return result;
                }
                case '\\' -> sb.append(readEscape());
                // Non-ASCII bytes do not occur in V8 output; keep them as Latin-1 rather than fail.
                default -> sb.append((char) c);
            }
        }
    }

    private char readEscape() throws IOException, SnapshotFormatException {
        int c = cursor.read();
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (char) ((hex() << 12) | (hex() << 8) | (hex() << 4) | hex());
            case ByteCursor.EOF -> throw truncated();
            default -> throw new SnapshotFormatException(file, SECTION, cursor.position() - 1,
                    "invalid escape \\" + ParallelSectionScanner.describe((byte) c));
        };
    }

    private int hex() throws IOException, SnapshotFormatException {
        int c = cursor.read();
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c == ByteCursor.EOF) {
            throw truncated();
        }
        throw new SnapshotFormatException(file, SECTION, cursor.position() - 1,
                "invalid hex digit " + ParallelSectionScanner.describe((byte) c) + " in a \\u escape");
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
