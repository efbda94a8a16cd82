package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Streams a {@code .heapsnapshot} (or {@code .heapsnapshot.gz}) file into a {@link HeapGraph}.
 *
 * <p>The file is never held in memory and no JSON tree is built: a byte cursor walks the top-level
 * keys ({@link SectionWalk}), the small header goes through Jackson, the numeric sections are
 * scanned straight into primitive columns and the strings into byte pages — on all cores for plain files
 * ({@link ParallelSectionScanner}, {@link ParallelStringsScanner}), in one pass for gzip streams.
 * The columns keep running totals as they are written, so the consistency checks cost nothing per
 * node after parsing. Every inconsistency becomes a {@link SnapshotFormatException} naming the
 * file, the section and, where it is known, the byte offset.
 */
public final class HeapSnapshotParser {
    private static final int CURSOR_BUFFER = 1 << 20;
    /** Deflate cannot expand more than about 1032:1; a bound for headers of gzip input. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    /** Bytes of Java heap per node and per edge that loading and the full analysis need. */
    public static final long HEAP_BYTES_PER_NODE = 72;
    public static final long HEAP_BYTES_PER_EDGE = 14;

    /**
     * @param threads      parse threads for plain files (at least 1)
     * @param progress     progress receiver
     * @param checkMemory  refuse early, with {@link HeapTooLargeException}, when the JVM's heap limit
     *                     is clearly too small for the snapshot's node and edge counts
     */
    public record Options(int threads, ProgressListener progress, boolean checkMemory) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), ProgressListener.NONE, true);
        }

        public Options withProgress(ProgressListener listener) {
            return new Options(threads, listener, checkMemory);
        }
    }

    /** Bytes per chunk of the parallel scanners: large enough to amortise a read, small enough to balance. */
    static final int CHUNK_BYTES = 4 << 20;

    private final Options options;
    private final int chunkBytes;
    private final java.util.Map<String, Long> sectionMillis =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

    public HeapSnapshotParser(Options options) {
        this(options, CHUNK_BYTES);
    }

    /** With another chunk size, so that tests can make every section cross many chunk borders. */
    HeapSnapshotParser(Options options, int chunkBytes) {
        this.options = options;
        this.chunkBytes = chunkBytes;
    }

    public HeapSnapshotParser() {
        this(Options.defaults());
    }

    /** Wall time per section of the last parse, in milliseconds, in file order. */
    public java.util.Map<String, Long> sectionMillis() {
        return java.util.Map.copyOf(sectionMillis);
    }

    public HeapGraph parse(Path file) throws IOException, SnapshotFormatException, HeapTooLargeException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new SnapshotFormatException(file, null, -1, "is a directory, not a heap snapshot file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try (channel) {
            long size = channel.size();
            if (size == 0) {
                throw new SnapshotFormatException(file, null, -1, "the file is empty, not a heap snapshot");
            }
            byte[] magic = readMagic(channel);
            String hprof = "JAVA PROFILE";
            if (magic.length >= hprof.length()
                    && new String(magic, 0, hprof.length(), StandardCharsets.ISO_8859_1).equals(hprof)) {
                throw new SnapshotFormatException(file, null, 0,
                        "this is a Java HPROF heap dump, not a V8 heap snapshot (.heapsnapshot)");
            }
            boolean gzip = magic.length >= 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
            ExecutorService pool = Executors.newFixedThreadPool(options.threads(), runnable -> {
                Thread thread = new Thread(runnable, "heap-parse");
                thread.setDaemon(true);
                return thread;
            });
            try {
                if (gzip) {
                    InputStream in = new GZIPInputStream(Channels.newInputStream(channel), 1 << 16);
                    try (ByteCursor cursor = new ByteCursor(Channels.newChannel(in), CURSOR_BUFFER)) {
                        return new SectionWalk(file, cursor, size * MAX_DEFLATE_RATIO, null, null, null, options, sectionMillis)
                                .parse();
                    } catch (ZipException e) {
                        throw new SnapshotFormatException(file, null, -1,
                                "the gzip data is corrupt (" + e.getMessage() + ")");
                    } catch (java.io.EOFException e) {
                        throw new SnapshotFormatException(file, null, -1,
                                "the gzip stream ends early (truncated file)");
                    }
                }
                ByteCursor cursor = new ByteCursor(channel, CURSOR_BUFFER);
                ChunkReader reader = new ChunkReader(channel, chunkBytes + ParallelStringsScanner.OVERHANG);
                ParallelSectionScanner scanner = new ParallelSectionScanner(file, reader, chunkBytes, pool,
                        options.threads(), options.progress());
                ParallelStringsScanner strings = new ParallelStringsScanner(file, reader, chunkBytes, pool,
                        options.threads(), options.progress());
                return new SectionWalk(file, cursor, size, scanner, strings, options.threads() > 1 ? pool : null, options,
                        sectionMillis).parse();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static byte[] readMagic(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        channel.read(buffer, 0);
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }
}
