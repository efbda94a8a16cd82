package dev.leakdetector.bench.gen;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** ASCII writer with its own number formatting; large chunks go straight through the BufferedOutputStream. */
final class SnapshotOut implements Closeable {
    private final OutputStream os;
    private final byte[] buf = new byte[1 << 22];
    private int pos;
    long written;

    SnapshotOut(Path path) {
        try {
            os = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensure(int n) {
        if (pos + n > buf.length) drain();
    }

    private void drain() {
        try {
            os.write(buf, 0, pos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written += pos;
        pos = 0;
    }

    void ch(char c) {
        ensure(1);
        buf[pos++] = (byte) c;
    }

    void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) buf[pos++] = (byte) s.charAt(i);
    }

    void num(long v) {
        ensure(20);
        if (v == 0) {
            buf[pos++] = '0';
            return;
        }
        if (v < 0) throw new IllegalArgumentException("negative value " + v);
        int end = pos + digits(v);
        int p = end;
        while (v != 0) {
            long q = v / 10;
            buf[--p] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        pos = end;
    }

    private static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** JSON string with V8's escaping: short escapes, other controls and non-ASCII as backslash-u. */
    void jsonString(CharSequence s) {
        ensure(2);
        buf[pos++] = '"';
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            ensure(6);
            switch (c) {
                case '"' -> { buf[pos++] = '\\'; buf[pos++] = '"'; }
                case '\\' -> { buf[pos++] = '\\'; buf[pos++] = '\\'; }
                case '\b' -> { buf[pos++] = '\\'; buf[pos++] = 'b'; }
                case '\f' -> { buf[pos++] = '\\'; buf[pos++] = 'f'; }
                case '\n' -> { buf[pos++] = '\\'; buf[pos++] = 'n'; }
                case '\r' -> { buf[pos++] = '\\'; buf[pos++] = 'r'; }
                case '\t' -> { buf[pos++] = '\\'; buf[pos++] = 't'; }
                default -> {
                    if (c < 0x20 || c > 0x7f) {
                        buf[pos++] = '\\';
                        buf[pos++] = 'u';
                        buf[pos++] = HEX[(c >> 12) & 15];
                        buf[pos++] = HEX[(c >> 8) & 15];
                        buf[pos++] = HEX[(c >> 4) & 15];
                        buf[pos++] = HEX[c & 15];
                    } else {
                        buf[pos++] = (byte) c; // includes raw 0x7F, as V8 writes it
                    }
                }
            }
        }
        ensure(1);
        buf[pos++] = '"';
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void close() {
        drain();
        try {
            os.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
