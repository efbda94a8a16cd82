package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.StringPage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes the {@code strings} section of a plain snapshot file on all cores.
 *
 * <p>JSON forbids a raw line break inside a string, and V8 writes one string per line, so the section
 * can be cut just after line breaks into regions of whole tokens. Workers decode regions
 * independently, each into its own pages. Afterwards, in file order, the tokens where regions meet are
 * checked (a string must be followed by a comma, and so on) and the region holding the closing
 * bracket ends the section: whatever later regions made of the rest of the file is dropped, errors
 * included. When no line break lies near a cut point (a file written without them), the caller
 * falls back to the sequential {@link StringsReader}.
 */
final class ParallelStringsScanner {
    /** Bytes past a cut point searched for a line break. */
    static final int OVERHANG = 64 << 10;

    private final Path file;
    private final ChunkReader reader;
    private final int chunk;
    private final ExecutorService pool;
    private final int threads;
    private final ProgressListener progress;

    /** The decoded section: its pages, in order, and the offset of its closing bracket. */
    record Result(List<StringPage> pages, long closingOffset) {
    }

    /** @param reader reads at least {@code chunkBytes + OVERHANG} bytes at a time */
    ParallelStringsScanner(Path file, ChunkReader reader, int chunkBytes, ExecutorService pool, int threads,
                           ProgressListener progress) {
        if (reader.capacity() < chunkBytes + OVERHANG) {
            throw new IllegalArgumentException("read buffers smaller than a chunk");
        }
        this.file = file;
        this.reader = reader;
        this.chunk = chunkBytes;
        this.pool = pool;
        this.threads = threads;
        this.progress = progress;
    }

    /**
     * Decodes the array whose first byte (just after {@code [}) is at {@code start}.
     *
     * @return the strings, or null when the section cannot be cut at line breaks
     */
    Result scan(long start) throws SnapshotFormatException, IOException {
        long fileSize = reader.fileSize();
        int regionCount = (int) Math.max(1, (fileSize - start + chunk - 1) / chunk);
        StringsRegion[] regions = new StringsRegion[regionCount];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger firstEnding = new AtomicInteger(Integer.MAX_VALUE);
        AtomicLong bytesDone = new AtomicLong();
        byte[] shared = sharedArray(start);
        ParallelSectionScanner.runOnAllThreads(file, pool, threads, () -> {
            ChunkReader.Buffer buffer = reader.borrow();
            StringDecoder decoder = new StringDecoder();
            int k;
            while ((k = next.getAndIncrement()) < regionCount && k <= firstEnding.get()) {
                long from = start + (long) k * chunk;
                long cut = Math.min(fileSize, from + chunk);
                int length = reader.read(buffer, from, cut + OVERHANG);
                StringsRegion region = new StringsRegion(file, from, k == 0, shared, start);
                region.decode(buffer.bytes, length, (int) (cut - from), from + length == fileSize, decoder);
                regions[k] = region;
                if (region.endOffset() >= 0) {
                    firstEnding.accumulateAndGet(k, Math::min);
                }
                progress.onProgress("Parsing strings", bytesDone.addAndGet(cut - from), fileSize - start);
            }
            reader.giveBack(buffer);
            return null;
        });
        return stitch(regions, fileSize);
    }

    /**
     * One array for the decoded strings of every region, when the section runs to the end of the file
     * (V8 writes it last): allocated at once, it is large enough to go straight to the old generation,
     * where pages of a region each (a few MB) are copied there by the young collections that the
     * section's own allocation causes. Null when the section may not be last (the file does not end
     * with a string, then the array's and the object's closing brackets), or is too large for an array.
     */
    private byte[] sharedArray(long start) throws IOException {
        long size = reader.fileSize() - start;
        if (size <= 0 || size > Integer.MAX_VALUE - 64) {
            return null;
        }
        ChunkReader.Buffer buffer = reader.borrow();
        try {
            long tailFrom = Math.max(start, reader.fileSize() - 64);
            int n = reader.read(buffer, tailFrom, reader.fileSize());
            byte[] tail = buffer.bytes;
            int i = n - 1;
            for (char expected : new char[] {'}', ']', '"'}) {
                while (i >= 0 && StringsRegion.isWhitespace(tail[i])) {
                    i--;
                }
                if (i < 0 || tail[i] != expected) {
                    return null;
                }
                i--;
            }
            return new byte[(int) size];
        } finally {
            reader.giveBack(buffer);
        }
    }

    /** Checks the regions' tokens against each other, in order, up to the closing bracket. */
    private Result stitch(StringsRegion[] regions, long fileSize) throws SnapshotFormatException {
        List<StringPage> pages = new ArrayList<>();
        StringsRegion.State state = StringsRegion.State.START;
        for (StringsRegion region : regions) {
            if (region == null || region.needsSequential()) {
                // Null: no worker reached it, because an earlier region ended the section.
                return null;
            }
            region.checkFirstToken(state);
            region.throwIfFailed();
            pages.addAll(region.pages());
            if (region.endOffset() >= 0) {
                return new Result(pages, region.endOffset());
            }
            if (region.lastState() != null) {
                state = region.lastState();
            }
        }
        throw new SnapshotFormatException(file, StringsReader.SECTION, fileSize,
                "unexpected end of file inside the string table (truncated snapshot?)");
    }
}
