package dev.leakdetector.heap.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Steps over one JSON value of a section the engine does not use ({@code trace_tree},
 * {@code samples}, sections added by future V8 versions), optionally keeping its bytes.
 *
 * <p>Iterative, with a depth counter rather than recursion, so hostile nesting cannot overflow the
 * stack. Strings are honoured, so brackets inside them do not count.
 */
final class JsonValueSkipper {
    private final Path file;
    private final ByteCursor cursor;

    JsonValueSkipper(Path file, ByteCursor cursor) {
        this.file = file;
        this.cursor = cursor;
    }

    /** Skips a value; when {@code keep} is non-null the value's bytes are appended to it, up to {@code maxBytes}. */
    void skip(String section, ByteArrayOutputStream keep, int maxBytes) throws IOException, SnapshotFormatException {
        int first = cursor.peekNonWhitespace();
        if (first == ByteCursor.EOF) {
            throw truncated(section);
        }
        long depth = 0;
        boolean inString = false;
        boolean escaped = false;
        do {
            int c = cursor.read();
            if (c == ByteCursor.EOF) {
                throw truncated(section);
            }
            if (keep != null) {
                if (keep.size() >= maxBytes) {
                    throw new SnapshotFormatException(file, section, cursor.position(),
                            "the section is larger than " + maxBytes + " bytes, which no real snapshot has");
                }
                keep.write(c);
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '[', '{' -> depth++;
                case ']', '}' -> {
                    depth--;
                    if (depth < 0) {
                        throw new SnapshotFormatException(file, section, cursor.position() - 1, "unbalanced brackets");
                    }
                }
                default -> {
                    if (depth == 0) {
                        // A scalar at the top: read to the next delimiter.
                        int next = cursor.peek();
                        while (next != ByteCursor.EOF && next != ',' && next != '}' && next != ']'
                                && next != ' ' && next != '\n' && next != '\r' && next != '\t') {
                            int b = cursor.read();
                            if (keep != null) {
                                keep.write(b);
                            }
                            next = cursor.peek();
                        }
                    }
                }
            }
        } while (depth > 0 || inString);
    }

    private SnapshotFormatException truncated(String section) {
        return new SnapshotFormatException(file, section, cursor.position(),
                "unexpected end of file (truncated snapshot?)");
    }
}
