package dev.leakdetector.heap.parse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;

/**
 * Reads byte ranges of a plain snapshot file for the parallel scanners, into buffers that workers
 * borrow and return, so that each parse allocates one buffer per thread rather than one per pass
 * and section. Each buffer has a direct twin for the channel to read into, which is native memory
 * that only a collection would free.
 */
final class ChunkReader {
    private final FileChannel channel;
    private final long fileSize;
    private final int capacity;
    private final ArrayDeque<Buffer> spare = new ArrayDeque<>();

    /** A byte array and its direct twin. */
    static final class Buffer {
        final byte[] bytes;
        private final ByteBuffer direct;

        private Buffer(int capacity) {
            bytes = new byte[capacity];
            direct = ByteBuffer.allocateDirect(capacity);
        }
    }

    ChunkReader(FileChannel channel, int capacity) throws IOException {
        this.channel = channel;
        this.fileSize = channel.size();
        this.capacity = capacity;
    }

    long fileSize() {
        return fileSize;
    }

    /** Bytes that one read may return. */
    int capacity() {
        return capacity;
    }

    synchronized Buffer borrow() {
        return spare.isEmpty() ? new Buffer(capacity) : spare.pop();
    }

    synchronized void giveBack(Buffer buffer) {
        spare.push(buffer);
    }

    /**
     * Reads the file's bytes {@code [from … min(to, fileSize))} into {@code buffer.bytes}, at most
     * {@link #capacity()}, and returns how many were read.
     */
    int read(Buffer buffer, long from, long to) throws IOException {
        int length = (int) Math.min(capacity, Math.min(to, fileSize) - from);
        ByteBuffer direct = buffer.direct;
        direct.clear().limit(length);
        long position = from;
        while (direct.hasRemaining()) {
            int n = channel.read(direct, position);
            if (n < 0) {
                break;
            }
            position += n;
        }
        int read = direct.position();
        direct.flip();
        direct.get(buffer.bytes, 0, read);
        return read;
    }
}
