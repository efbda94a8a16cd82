package dev.leakdetector.heap.parse;

import java.io.IOException;
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
 * how many numbers all earlier chunks hold. The workers take fixed-size chunks in file order; each
 * reads its chunk once, indexes its digits and counts the numbers that start in it
 * ({@link NumberIndex}) while the bytes are still in the cache, hands the count on in chunk order
 * (waiting, if need be, for the one chunk before it that another worker is still counting) and gets
 * back its first value index, then parses the chunk straight into the columns, from the index as far
 * as it reaches. A number belongs to the chunk it starts in, so a worker skips a number continued
 * from the previous chunk and reads past its own end to finish its last one. Records (nodes, edges)
 * that a chunk border splits are put together by {@link RecordSink}.
 *
 * <p>A section whose size is not known in advance (locations: its count decides the columns' size)
 * is scanned twice instead: {@link #plan} counts, then {@link #parse} parses.
 */
final class ParallelSectionScanner {
    /** Enough bytes past a chunk's end to finish any number of at most 18 digits. */
    static final int TAIL = 32;

    private final Path file;
    private final ChunkReader reader;
    private final int chunk;
    private final long fileSize;
    private final ExecutorService pool;
    private final int threads;
    private final ProgressListener progress;

    /** @param reader reads at least {@code chunkBytes + 1 + TAIL} bytes at a time */
    ParallelSectionScanner(Path file, ChunkReader reader, int chunkBytes, ExecutorService pool, int threads,
                           ProgressListener progress) {
        if (reader.capacity() < chunkBytes + 1 + TAIL) {
            throw new IllegalArgumentException("read buffers smaller than a chunk");
        }
        this.file = file;
        this.reader = reader;
        this.chunk = chunkBytes;
        this.fileSize = reader.fileSize();
        this.pool = pool;
        this.threads = threads;
        this.progress = progress;
    }

    /** Pass 1's result: where the section ends, how many values it holds and where each chunk's start. */
    record Plan(long start, long closingOffset, long[] firstValue, long totalValues) {
    }

    /**
     * Parses the section whose first byte (just after {@code [}) is at {@code start}, in one pass.
     *
     * @param expectedValues the number of values the header promises
     * @param sinks          creates a sink that writes from a given value index on
     * @return the offset of the closing {@code ]}
     */
    long scan(String section, String phase, long start, long expectedValues, LongFunction<ValueSink> sinks)
            throws SnapshotFormatException, IOException {
        int maxChunks = (int) Math.max(1, (fileSize - start + chunk - 1) / chunk);
        ChunkOrder order = new ChunkOrder();
        AtomicInteger nextChunk = new AtomicInteger();
        // Progress counts values: the section's length in bytes is known only at its end.
        runOnAllThreads(() -> {
            ChunkReader.Buffer buffer = reader.borrow();
            byte[] bytes = buffer.bytes;
            NumberScanner scanner = new NumberScanner();
            NumberIndex index = new NumberIndex();
            try {
                int k;
                while ((k = nextChunk.getAndIncrement()) < maxChunks) {
                    long from = start + (long) k * chunk;
                    long to = Math.min(fileSize, from + chunk);
                    // One byte before the chunk tells whether its first digit continues a number.
                    long readFrom = from == start ? from : from - 1;
                    int length = reader.read(buffer, readFrom, to + TAIL);
                    int begin = (int) (from - readFrom);
                    int chunkEnd = (int) (to - readFrom);
                    boolean continued = begin == 1 && NumberScanner.isDigit(bytes[0]);
                    // Stage one of the indexed scan counts the numbers of the blocks it indexes; the
                    // byte loop counts the rest of the chunk and finds the closing bracket.
                    index.index(bytes, begin, chunkEnd, length, continued);
                    int rest = index.end();
                    NumberScanner.Count counted = NumberScanner.countUntilClosingBracket(bytes, rest, chunkEnd,
                            rest > begin ? NumberScanner.isDigit(bytes[rest - 1]) : continued);
                    int closing = counted.closing();
                    int end = closing >= 0 ? closing : chunkEnd;
                    long count = index.numbers() + counted.numbers();
                    long first = order.deliver(k, count, closing >= 0 ? readFrom + closing : -1);
                    if (first < 0) {
                        break; // the section closed in an earlier chunk
                    }
                    if (closing < 0 && to == fileSize) {
                        throw neverClosed(section);
                    }
                    // Past the promised count the values have nowhere to go; counting goes on for
                    // the error message.
                    if (first + count <= expectedValues) {
                        parseChunk(section, scanner, index, bytes, readFrom, begin, end, length, sinks.apply(first));
                    }
                    progress.onProgress(phase, Math.min(first + count, expectedValues), expectedValues);
                }
            } catch (InterruptedException e) {
                order.stop();
                throw new IOException("interrupted while parsing " + file, e);
            } catch (SnapshotFormatException | IOException | RuntimeException | Error e) {
                order.stop();
                throw e;
            } finally {
                reader.giveBack(buffer);
            }
            return null;
        });
        long total = order.total();
        if (total != expectedValues) {
            throw new SnapshotFormatException(file, section, order.closingOffset(), "the section holds " + total
                    + " values but the header promises " + expectedValues
                    + (total < expectedValues ? " (truncated or corrupt snapshot)" : ""));
        }
        return order.closingOffset();
    }

    /**
     * The chunk counts, added up in chunk order as the workers deliver them. Each worker holds one
     * chunk at a time and the chunks are handed out in order, so the chunk whose count is due is
     * always held by a worker that is not waiting: no worker waits for long, and none forever.
     */
    private static final class ChunkOrder {
        /** The chunk whose count is due. */
        private int due;
        /** The values of the chunks before {@link #due}. */
        private long total;
        private long closingOffset = -1;
        /** The section closed in a delivered chunk, or a worker failed: no more deliveries. */
        private boolean stopped;

        /**
         * Adds chunk {@code k}'s count once all earlier chunks' are in, and returns the index of its
         * first value; or -1 when the section closed in an earlier chunk.
         *
         * @param closingOffset the file offset of the section's closing bracket in this chunk, or -1
         */
        synchronized long deliver(int k, long count, long closingOffset) throws InterruptedException {
            while (due != k && !stopped) {
                wait();
            }
            if (stopped) {
                return -1;
            }
            long first = total;
            total += count;
            due = k + 1;
            if (closingOffset >= 0) {
                this.closingOffset = closingOffset;
                stopped = true;
            }
            notifyAll();
            return first;
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        synchronized long total() {
            return total;
        }

        synchronized long closingOffset() {
            return closingOffset;
        }
    }

    /** Pass 1: counts the numbers that start in each chunk and finds the closing bracket. */
    Plan plan(String section, String phase, long start) throws SnapshotFormatException, IOException {
        int maxChunks = (int) Math.max(1, (fileSize - start + chunk - 1) / chunk);
        long[] counts = new long[maxChunks];
        long[] closeAt = new long[maxChunks];
        AtomicInteger nextChunk = new AtomicInteger();
        AtomicInteger firstClosingChunk = new AtomicInteger(Integer.MAX_VALUE);
        AtomicLong bytesDone = new AtomicLong();
        long estimatedBytes = fileSize - start;

        runOnAllThreads(() -> {
            ChunkReader.Buffer buffer = reader.borrow();
            byte[] bytes = buffer.bytes;
            int k;
            while ((k = nextChunk.getAndIncrement()) < maxChunks && k <= firstClosingChunk.get()) {
                long from = start + (long) k * chunk;
                long to = Math.min(fileSize, from + chunk);
                // One byte before the chunk tells whether its first digit continues a number.
                long readFrom = from == start ? from : from - 1;
                int length = reader.read(buffer, readFrom, to);
                int begin = (int) (from - readFrom);
                NumberScanner.Count counted = NumberScanner.countUntilClosingBracket(bytes, begin, length,
                        begin == 1 && NumberScanner.isDigit(bytes[0]));
                int closing = counted.closing();
                counts[k] = counted.numbers();
                if (closing >= 0) {
                    closeAt[k] = readFrom + closing;
                    firstClosingChunk.accumulateAndGet(k, Math::min);
                } else {
                    closeAt[k] = -1;
                }
                progress.onProgress(phase, bytesDone.addAndGet((to - from) / 2), estimatedBytes);
            }
            reader.giveBack(buffer);
            return null;
        });

        int lastChunk = firstClosingChunk.get();
        if (lastChunk == Integer.MAX_VALUE) {
            throw neverClosed(section);
        }
        long[] firstValue = new long[lastChunk + 1];
        long total = 0;
        for (int k = 0; k <= lastChunk; k++) {
            firstValue[k] = total;
            total += counts[k];
        }
        return new Plan(start, closeAt[lastChunk], firstValue, total);
    }

    /** Pass 2: parses the chunks of a planned section in parallel, each into its own sink. */
    void parse(String section, String phase, Plan plan, LongFunction<ValueSink> sinks)
            throws SnapshotFormatException, IOException {
        long start = plan.start();
        long closingOffset = plan.closingOffset();
        long[] firstValue = plan.firstValue();
        int lastChunk = firstValue.length - 1;
        AtomicLong bytesDone = new AtomicLong();
        long sectionBytes = closingOffset - start;
        bytesDone.set(sectionBytes / 2);
        AtomicInteger parseChunk = new AtomicInteger();
        runOnAllThreads(() -> {
            ChunkReader.Buffer buffer = reader.borrow();
            byte[] bytes = buffer.bytes;
            NumberScanner scanner = new NumberScanner();
            NumberIndex index = new NumberIndex();
            int k;
            while ((k = parseChunk.getAndIncrement()) <= lastChunk) {
                long from = start + (long) k * chunk;
                long to = k == lastChunk ? closingOffset : from + chunk;
                long readFrom = from == start ? from : from - 1;
                int length = reader.read(buffer, readFrom, to + TAIL);
                int begin = (int) (from - readFrom);
                int end = (int) (to - readFrom);
                index.index(bytes, begin, end, length, begin == 1 && NumberScanner.isDigit(bytes[0]));
                parseChunk(section, scanner, index, bytes, readFrom, begin, end, length, sinks.apply(firstValue[k]));
                progress.onProgress(phase, bytesDone.addAndGet((to - from) / 2), sectionBytes);
            }
            reader.giveBack(buffer);
            return null;
        });
    }

    /**
     * Parses the numbers that start in {@code bytes[begin … end)} into {@code sink}, finishing the
     * last one from the bytes after {@code end} (up to {@code length}) when it runs on.
     *
     * @param index the chunk's index from {@code begin} on (its blocks are read by stage two, the rest
     *              byte by byte), or null
     */
    private void parseChunk(String section, NumberScanner scanner, NumberIndex index, byte[] bytes, long readFrom,
                            int begin, int end, int length, ValueSink sink) throws SnapshotFormatException {
        try {
            int result = NumberScanner.NEED_MORE;
            if (index != null && index.blocks() > 0) {
                result = scanner.scanIndexed(bytes, index, length, sink);
                begin = index.end();
            }
            // A number that started before begin (in the previous chunk, or in the indexed blocks)
            // has been read there.
            if (begin > 0 && NumberScanner.isDigit(bytes[begin - 1])) {
                while (begin < end && NumberScanner.isDigit(bytes[begin])) {
                    begin++;
                }
            }
            if (result == NumberScanner.NEED_MORE) {
                result = scanner.scan(bytes, begin, end, sink);
            }
            if (result == NumberScanner.NEED_MORE && scanner.inNumber()) {
                // Finish a number that runs past the chunk end. In a whole file the section's
                // closing bracket comes after its last number; a number that runs into the end of
                // the file was cut, and must not be taken for a value.
                int tailEnd = end;
                while (tailEnd < length && NumberScanner.isDigit(bytes[tailEnd])) {
                    tailEnd++;
                }
                if (readFrom + tailEnd >= fileSize) {
                    throw neverClosed(section);
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
    }

    private SnapshotFormatException neverClosed(String section) {
        return new SnapshotFormatException(file, section, fileSize,
                "unexpected end of file: the section is never closed (truncated snapshot?)");
    }

    static String describe(byte b) {
        int c = b & 0xFF;
        if (c >= 0x20 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return String.format("0x%02X", c);
    }

    /** A piece of work that every pool thread runs once. */
    @FunctionalInterface
    interface Work {
        Void run() throws SnapshotFormatException, IOException;
    }

    /** Runs {@code work} on every pool thread and rethrows the first failure as it was thrown. */
    static void runOnAllThreads(Path file, ExecutorService pool, int threads, Work work)
            throws SnapshotFormatException, IOException {
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

    private void runOnAllThreads(Work work) throws SnapshotFormatException, IOException {
        runOnAllThreads(file, pool, threads, work);
    }
}
