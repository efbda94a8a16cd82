package dev.leakdetector.heap.parse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Parses one big numeric section of a plain (uncompressed) snapshot file on all cores.
 *
 * <p>A section's values must land at their exact positions, but a chunk's first position depends on
 * how many numbers all earlier chunks hold. So the scan runs twice over fixed-size chunks: pass 1
 * counts the numbers that start in each chunk and finds the closing bracket; a prefix sum gives each
 * chunk its first value index; pass 2 parses the chunks in parallel straight into the columns. A
 * number belongs to the chunk it starts in, so a worker skips a number continued from the previous
 * chunk and reads past its own end to finish its last one.
 */
final class ParallelSectionScanner {
    private static final int CHUNK = 8 << 20;
    /** Enough bytes past a chunk's end to finish any number of at most 18 digits. */
    private static final int TAIL = 32;

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final ExecutorService pool;
    private final int threads;
    private final ProgressListener progress;
    private final java.util.ArrayDeque<Buffers> spareBuffers = new java.util.ArrayDeque<>();

    ParallelSectionScanner(Path file, FileChannel channel, ExecutorService pool, int threads,
                           ProgressListener progress) throws IOException {
        this.file = file;
        this.channel = channel;
        this.fileSize = channel.size();
        this.pool = pool;
        this.threads = threads;
        this.progress = progress;
    }

    /**
     * Parses the section whose first byte (just after {@code [}) is at {@code start}.
     *
     * @param expectedValues the number of values the header promises
     * @param sinks          creates a sink that writes from a given value index on
     * @return the offset of the closing {@code ]}
     */
    long scan(String section, String phase, long start, long expectedValues, LongFunction<ValueSink> sinks)
            throws SnapshotFormatException, IOException {
        int maxChunks = (int) Math.max(1, (fileSize - start + CHUNK - 1) / CHUNK);
        long[] counts = new long[maxChunks];
        long[] closeAt = new long[maxChunks];
        AtomicInteger nextChunk = new AtomicInteger();
        AtomicInteger firstClosingChunk = new AtomicInteger(Integer.MAX_VALUE);
        AtomicLong bytesDone = new AtomicLong();
        long estimatedBytes = fileSize - start;

        runOnAllThreads(() -> {
            Buffers buffers = takeBuffers();
            byte[] bytes = buffers.bytes;
            ByteBuffer direct = buffers.direct;
            int chunk;
            while ((chunk = nextChunk.getAndIncrement()) < maxChunks && chunk <= firstClosingChunk.get()) {
                long from = start + (long) chunk * CHUNK;
                long to = Math.min(fileSize, from + CHUNK);
                // One byte before the chunk tells whether its first digit continues a number.
                long readFrom = from == start ? from : from - 1;
                int length = read(direct, bytes, readFrom, to);
                int begin = (int) (from - readFrom);
                long count;
                int closing = NumberScanner.indexOfClosingBracket(bytes, begin, length);
                count = NumberScanner.countNumberStarts(bytes, begin, closing >= 0 ? closing : length,
                        begin == 1 && NumberScanner.isDigit(bytes[0]));
                counts[chunk] = count;
                if (closing >= 0) {
                    closeAt[chunk] = readFrom + closing;
                    firstClosingChunk.accumulateAndGet(chunk, Math::min);
                } else {
                    closeAt[chunk] = -1;
                }
                progress.onProgress(phase, bytesDone.addAndGet((to - from) / 2), estimatedBytes);
            }
            giveBack(buffers);
            return null;
        });

        int lastChunk = firstClosingChunk.get();
        if (lastChunk == Integer.MAX_VALUE) {
            throw new SnapshotFormatException(file, section, fileSize,
                    "unexpected end of file: the section is never closed (truncated snapshot?)");
        }
        long closingOffset = closeAt[lastChunk];
        long[] firstValue = new long[lastChunk + 1];
        long total = 0;
        for (int k = 0; k <= lastChunk; k++) {
            firstValue[k] = total;
            total += counts[k];
        }
        if (total != expectedValues) {
            throw new SnapshotFormatException(file, section, closingOffset, "the section holds " + total
                    + " values but the header promises " + expectedValues
                    + (total < expectedValues ? " (truncated or corrupt snapshot)" : ""));
        }

        long sectionBytes = closingOffset - start;
        bytesDone.set(sectionBytes / 2);
        AtomicInteger parseChunk = new AtomicInteger();
        runOnAllThreads(() -> {
            Buffers buffers = takeBuffers();
            byte[] bytes = buffers.bytes;
            ByteBuffer direct = buffers.direct;
            NumberScanner scanner = new NumberScanner();
            int chunk;
            while ((chunk = parseChunk.getAndIncrement()) <= lastChunk) {
                long from = start + (long) chunk * CHUNK;
                long to = chunk == lastChunk ? closingOffset : from + CHUNK;
                long readFrom = from == start ? from : from - 1;
                int length = read(direct, bytes, readFrom, Math.min(fileSize, to + TAIL));
                int begin = (int) (from - readFrom);
                int end = (int) (to - readFrom);
                if (begin == 1 && NumberScanner.isDigit(bytes[0])) {
                    while (begin < end && NumberScanner.isDigit(bytes[begin])) {
                        begin++;
                    }
                }
                ValueSink sink = sinks.apply(firstValue[chunk]);
                try {
                    int result = scanner.scan(bytes, begin, end, sink);
                    if (result == NumberScanner.NEED_MORE && scanner.inNumber()) {
                        // Finish a number that runs past the chunk end; chunks never end inside
                        // the section's last number, which stops at the closing bracket.
                        int tailEnd = end;
                        while (tailEnd < length && NumberScanner.isDigit(bytes[tailEnd])) {
                            tailEnd++;
                        }
                        result = scanner.scan(bytes, end, tailEnd, sink);
                    }
                    if (result == NumberScanner.BAD_BYTE || result == NumberScanner.TOO_LONG) {
                        long at = readFrom + scanner.problemIndex();
                        String what = result == NumberScanner.BAD_BYTE
                                ? "unexpected character " + describe(bytes[scanner.problemIndex()])
                                : "a number with more than 18 digits";
                        throw new SnapshotFormatException(file, section, at, what);
                    }
                    scanner.finish(sink);
                    sink.finish();
                } catch (ValueSink.BadValueException e) {
                    throw new SnapshotFormatException(file, section, -1, e.getMessage());
                }
                progress.onProgress(phase, bytesDone.addAndGet((to - from) / 2), sectionBytes);
            }
            giveBack(buffers);
            return null;
        });
        return closingOffset;
    }

    /**
     * A worker's read buffers. They are kept for the next pass and section rather than allocated per
     * pass: 16 MiB each, and the direct half is native memory that only a GC would free.
     */
    private static final class Buffers {
        final byte[] bytes = new byte[CHUNK + 1 + TAIL];
        final ByteBuffer direct = ByteBuffer.allocateDirect(CHUNK + 1 + TAIL);
    }

    private synchronized Buffers takeBuffers() {
        return spareBuffers.isEmpty() ? new Buffers() : spareBuffers.pop();
    }

    private synchronized void giveBack(Buffers buffers) {
        spareBuffers.push(buffers);
    }

    private int read(ByteBuffer direct, byte[] bytes, long from, long to) throws IOException {
        int length = (int) (to - from);
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
        direct.get(bytes, 0, read);
        return read;
    }

    static String describe(byte b) {
        int c = b & 0xFF;
        if (c >= 0x20 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return String.format("0x%02X", c);
    }

    @FunctionalInterface
    private interface Work {
        Void run() throws SnapshotFormatException, IOException;
    }

    private void runOnAllThreads(Work work) throws SnapshotFormatException, IOException {
        List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(work::run));
        }
        Throwable failure = null;
        for (Future<Void> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                throw new IOException("interrupted while parsing " + file, e);
            }
        }
        if (failure instanceof SnapshotFormatException sfe) {
            throw sfe;
        }
        if (failure instanceof IOException ioe) {
            throw ioe;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }
}
