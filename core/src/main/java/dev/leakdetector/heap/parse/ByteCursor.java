package dev.leakdetector.heap.parse;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A buffered, forward-only reader of snapshot bytes that knows its absolute position.
 *
 * <p>Over a plain file it can also {@link #seek} (the parallel scanner reads big sections itself
 * and then moves the cursor past them). Over a gzip stream it is strictly sequential.
 */
final class ByteCursor implements Closeable {
    static final int EOF = -1;

    private final ReadableByteChannel channel;
    private final FileChannel file;
    private final ByteBuffer buffer;
    private final byte[] bytes;
    private int pos;
    private int limit;
    private long bufferStart;
    private boolean endOfInput;

    ByteCursor(ReadableByteChannel channel, int bufferSize) {
        this.channel = channel;
        this.file = channel instanceof FileChannel fc ? fc : null;
        this.bytes = new byte[bufferSize];
        this.buffer = ByteBuffer.wrap(bytes);
    }

    boolean seekable() {
        return file != null;
    }

    FileChannel fileChannel() {
        return file;
    }

    long position() {
        return bufferStart + pos;
    }

    void seek(long position) throws IOException {
        if (file == null) {
            throw new IllegalStateException("not seekable");
        }
        if (position >= bufferStart && position <= bufferStart + limit) {
            pos = (int) (position - bufferStart);
            return;
        }
        file.position(position);
        bufferStart = position;
        pos = 0;
        limit = 0;
        endOfInput = false;
    }

    /** Refills when empty; returns false at the end of input. */
    boolean ensure() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (endOfInput) {
            return false;
        }
        bufferStart += limit;
        pos = 0;
        limit = 0;
        buffer.clear();
        while (limit == 0) {
            int n = channel.read(buffer);
            if (n < 0) {
                endOfInput = true;
                return false;
            }
            limit = buffer.position();
        }
        return true;
    }

    int peek() throws IOException {
        return ensure() ? bytes[pos] & 0xFF : EOF;
    }

    int read() throws IOException {
        return ensure() ? bytes[pos++] & 0xFF : EOF;
    }

    /** Skips JSON whitespace and returns the next byte without consuming it (or {@link #EOF}). */
    int peekNonWhitespace() throws IOException {
        while (ensure()) {
            int b = bytes[pos] & 0xFF;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
            pos++;
        }
        return EOF;
    }

    // Bulk access for scanners: they work on buffer()[bufferPos() .. bufferLimit()) and then advance.

    byte[] buffer() {
        return bytes;
    }

    int bufferPos() {
        return pos;
    }

    int bufferLimit() {
        return limit;
    }

    long bufferStart() {
        return bufferStart;
    }

    void advanceTo(int newPos) {
        pos = newPos;
    }

    void readFully(byte[] target) throws IOException {
        int done = 0;
        while (done < target.length) {
            if (!ensure()) {
                throw new EOFException();
            }
            int n = Math.min(limit - pos, target.length - done);
            System.arraycopy(bytes, pos, target, done, n);
            pos += n;
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
