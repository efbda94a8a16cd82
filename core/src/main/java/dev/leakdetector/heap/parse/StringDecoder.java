package dev.leakdetector.heap.parse;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the content of one JSON string from the {@code strings} section (the bytes between its
 * quotes) into {@link StringPages}.
 *
 * <p>V8 writes pure ASCII and escapes everything else as {@code \}{@code uXXXX}. It has known bugs that
 * must be tolerated, not fixed: astral characters come out as one truncated escape of their low 16
 * bits, so lone surrogates are legal here and are kept as they are, exactly as DevTools'
 * {@code JSON.parse} keeps them. Raw non-ASCII bytes do not occur in V8 output; they are read as
 * UTF-8, as DevTools reads the file.
 */
final class StringDecoder {
    private char[] chars = new char[256];

    /** A malformed escape; {@code index} is the position of the offending byte. */
    static final class BadEscape extends Exception {
        private static final long serialVersionUID = 1L;
        final int index;

        BadEscape(int index, String message) {
            super(message, null, false, false);
            this.index = index;
        }
    }

    /**
     * Decodes {@code bytes[from … to)}, where {@code bytes[to]} is the closing quote, and appends
     * the string to {@code out}.
     */
    void decode(byte[] bytes, int from, int to, StringPages out) throws BadEscape {
        int i = from;
        while (i < to && bytes[i] != '\\' && bytes[i] >= 0) {
            i++;
        }
        if (i == to) {
            out.addLatin1(bytes, from, to - from);
            return;
        }
        // Escapes only shrink, and UTF-8 never gives more characters than bytes.
        if (chars.length < to - from) {
            chars = new char[Math.max(to - from, chars.length * 2)];
        }
        int n = 0;
        int segment = from;
        i = from;
        while (i < to) {
            if (bytes[i] != '\\') {
                i++;
                continue;
            }
            n = appendRaw(bytes, segment, i, n);
            int c = i + 1 < to ? bytes[i + 1] & 0xFF : '"';
            char decoded;
            switch (c) {
                case '"' -> decoded = '"';
                case '\\' -> decoded = '\\';
                case '/' -> decoded = '/';
                case 'b' -> decoded = '\b';
                case 'f' -> decoded = '\f';
                case 'n' -> decoded = '\n';
                case 'r' -> decoded = '\r';
                case 't' -> decoded = '\t';
                case 'u' -> {
                    int value = 0;
                    for (int k = i + 2; k < i + 6; k++) {
                        // Past the content is the closing quote, reported as the bad digit.
                        int h = hex(k < to ? bytes[k] & 0xFF : '"');
                        if (h < 0) {
                            throw new BadEscape(k, "invalid hex digit "
                                    + ParallelSectionScanner.describe(k < to ? bytes[k] : (byte) '"')
                                    + " in a \\u escape");
                        }
                        value = value << 4 | h;
                    }
                    decoded = (char) value;
                    i += 4;
                }
                default -> throw new BadEscape(i + 1, "invalid escape \\" + ParallelSectionScanner.describe((byte) c));
            }
            chars[n++] = decoded;
            i += 2;
            segment = i;
        }
        n = appendRaw(bytes, segment, to, n);
        out.addChars(chars, n);
    }

    private int appendRaw(byte[] bytes, int from, int to, int n) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            for (int i = from; i < to; i++) {
                chars[n++] = (char) bytes[i];
            }
            return n;
        }
        String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        text.getChars(0, text.length(), chars, n);
        return n + text.length();
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
