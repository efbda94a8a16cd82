package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.Locations;
import dev.leakdetector.heap.graph.StringTable;

import java.io.ByteArrayOutputStream;
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
 * keys, the small header goes through Jackson, the numeric sections are scanned straight into
 * primitive columns and the strings into byte pages — on all cores for plain files
 * ({@link ParallelSectionScanner}, {@link ParallelStringsScanner}), in one pass for gzip streams.
 * The columns keep running totals as they are written, so the consistency checks cost nothing per
 * node after parsing. Every inconsistency becomes a {@link SnapshotFormatException} naming the
 * file, the section and, where it is known, the byte offset.
 */
public final class HeapSnapshotParser {
    private static final int CURSOR_BUFFER = 1 << 20;
    private static final int MAX_HEADER_BYTES = 1 << 20;
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
                        return new Run(file, cursor, size * MAX_DEFLATE_RATIO, null, null, null).parse();
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
                return new Run(file, cursor, size, scanner, strings, options.threads() > 1 ? pool : null).parse();
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

    /** One parse of one file: the top-level walk and its state. */
    private final class Run {
        private final Path file;
        private final ByteCursor cursor;
        private final long sizeBound;
        private final ParallelSectionScanner scanner;
        private final ParallelStringsScanner stringsScanner;
        private final ExecutorService pool;
        private SnapshotHeader header;
        private NodeColumns nodes;
        private EdgeColumns edges;
        private StringTable strings;
        private Locations locations = Locations.empty();
        private int nodeCount;
        private int edgeCount;
        private boolean nodesSeen;
        private boolean edgesSeen;

        /** @param pool a thread to share work with, or null */
        Run(Path file, ByteCursor cursor, long sizeBound, ParallelSectionScanner scanner,
            ParallelStringsScanner stringsScanner, ExecutorService pool) {
            this.pool = pool;
            this.file = file;
            this.cursor = cursor;
            this.sizeBound = sizeBound;
            this.scanner = scanner;
            this.stringsScanner = stringsScanner;
        }

        HeapGraph parse() throws IOException, SnapshotFormatException, HeapTooLargeException {
            int first = cursor.peekNonWhitespace();
            if (first != '{') {
                throw new SnapshotFormatException(file, null, cursor.position(),
                        "not a V8 heap snapshot: expected '{' but found "
                                + (first == ByteCursor.EOF ? "the end of the file" : describe(first)));
            }
            cursor.read();
            boolean firstKey = true;
            while (true) {
                int c = cursor.peekNonWhitespace();
                if (c == '}' && firstKey) {
                    throw new SnapshotFormatException(file, null, cursor.position(),
                            "not a V8 heap snapshot: the JSON object is empty");
                }
                String key = readKey(firstKey);
                firstKey = false;
                readSection(key);
                c = cursor.peekNonWhitespace();
                cursor.read();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw unexpected(key, c, "',' or '}' after the section");
                }
            }
            int trailing = cursor.peekNonWhitespace();
            if (trailing != ByteCursor.EOF) {
                throw new SnapshotFormatException(file, null, cursor.position(),
                        "unexpected data after the end of the snapshot");
            }
            long start = System.nanoTime();
            HeapGraph graph = build();
            sectionMillis.put("parse checks", (System.nanoTime() - start) / 1_000_000);
            return graph;
        }

        private SnapshotFormatException unexpected(String section, int c, String expected) {
            return unexpectedAt(file, cursor, section, c, expected);
        }

        private SnapshotFormatException truncated(String section) {
            return new SnapshotFormatException(file, section, cursor.position(),
                    "unexpected end of file (truncated snapshot?)");
        }

        private String readKey(boolean firstKey) throws IOException, SnapshotFormatException {
            int c = cursor.peekNonWhitespace();
            if (c != '"') {
                throw unexpected(null, c, "a section name");
            }
            cursor.read();
            StringBuilder key = new StringBuilder();
            while (true) {
                int b = cursor.read();
                if (b == ByteCursor.EOF) {
                    throw truncated(null);
                }
                if (b == '"') {
                    break;
                }
                if (key.length() > 256) {
                    throw new SnapshotFormatException(file, null, cursor.position(),
                            "not a V8 heap snapshot: a top-level key is longer than 256 bytes");
                }
                key.append((char) b);
            }
            c = cursor.peekNonWhitespace();
            if (c != ':') {
                throw unexpected(key.toString(), c, "':'");
            }
            cursor.read();
            String name = key.toString();
            if (firstKey && !name.equals("snapshot")) {
                throw new SnapshotFormatException(file, null, 0,
                        "not a V8 heap snapshot: the first key is '" + name + "', expected 'snapshot'");
            }
            return name;
        }

        private void readSection(String key) throws IOException, SnapshotFormatException, HeapTooLargeException {
            long start = System.nanoTime();
            readSectionBody(key);
            sectionMillis.put("parse " + key, (System.nanoTime() - start) / 1_000_000);
        }

        private void readSectionBody(String key) throws IOException, SnapshotFormatException, HeapTooLargeException {
            switch (key) {
                case "snapshot" -> readHeader();
                case "nodes" -> {
                    requireHeader(key);
                    long expected = (long) nodeCount * header.nodeFieldCount();
                    readNumbers(key, "Parsing nodes", expected, nodes::sinkFrom);
                    nodesSeen = true;
                }
                case "edges" -> {
                    requireHeader(key);
                    long expected = (long) edgeCount * header.edgeFieldCount();
                    readNumbers(key, "Parsing edges", expected, edges::sinkFrom);
                    edgesSeen = true;
                }
                case "locations" -> readLocations(key);
                case "strings" -> readStrings(key);
                default -> new JsonValueSkipper(file, cursor).skip(key, null, 0);
            }
        }

        private void readLocations(String section) throws IOException, SnapshotFormatException {
            requireHeader(section);
            String phase = "Parsing locations";
            if (!LocationColumns.supports(header)) {
                // Fields this engine does not know: check the values, keep none.
                readNumbers(section, phase, -1, from -> new IntListSink(section));
                return;
            }
            int fieldCount = header.locationFields().size();
            LocationColumns columns;
            long values;
            expectArrayStart(section);
            if (scanner != null) {
                ParallelSectionScanner.Plan plan = scanner.plan(section, phase, cursor.position());
                values = plan.totalValues();
                checkLocationCount(values, fieldCount);
                columns = new LocationColumns(header, nodeCount, values / fieldCount);
                if (values > 0) {
                    scanner.parse(section, phase, plan, columns::sinkFrom);
                }
                cursor.seek(plan.closingOffset() + 1);
            } else {
                columns = new LocationColumns(header, nodeCount, -1);
                values = readNumbersInOrder(section, phase, columns.sinkFrom(0));
                checkLocationCount(values, fieldCount);
            }
            locations = columns.locations();
        }

        private void checkLocationCount(long values, int fieldCount) throws SnapshotFormatException {
            if (values % fieldCount != 0) {
                throw new SnapshotFormatException(file, "locations", -1, "the section holds " + values
                        + " values, not a multiple of " + fieldCount + " location fields");
            }
        }

        private void readStrings(String section) throws IOException, SnapshotFormatException {
            expectArrayStart(section);
            ParallelStringsScanner.Result parallel = stringsScanner != null ? stringsScanner.scan(cursor.position()) : null;
            if (parallel != null) {
                strings = StringTable.of(parallel.pages());
                cursor.seek(parallel.closingOffset() + 1);
            } else {
                strings = StringTable.of(new StringsReader(file, cursor).readArray(options.progress(), sizeBound));
            }
        }

        private void readHeader() throws IOException, SnapshotFormatException, HeapTooLargeException {
            if (header != null) {
                throw new SnapshotFormatException(file, "snapshot", cursor.position(), "a second 'snapshot' header");
            }
            long offset = cursor.position();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            new JsonValueSkipper(file, cursor).skip("snapshot", raw, MAX_HEADER_BYTES);
            header = HeaderReader.read(file, raw.toByteArray(), offset);
            checkCounts(offset);
            Columns columns = Columns.allocate(file, header, nodeCount, edgeCount, pool);
            nodes = columns.nodes();
            edges = columns.edges();
        }

        private void checkCounts(long offset) throws SnapshotFormatException, HeapTooLargeException {
            SnapshotLimits.check(file, header, offset, sizeBound, options.checkMemory());
            nodeCount = (int) header.nodeCount();
            edgeCount = (int) header.edgeCount();
        }

        private void readNumbers(String section, String phase, long expected,
                                 java.util.function.LongFunction<ValueSink> sinks)
                throws IOException, SnapshotFormatException {
            expectArrayStart(section);
            if (scanner != null && expected > 0) {
                long closing = scanner.scan(section, phase, cursor.position(), expected, sinks);
                cursor.seek(closing + 1);
                return;
            }
            long found = readNumbersInOrder(section, phase, sinks.apply(0));
            if (expected >= 0 && found != expected) {
                throw new SnapshotFormatException(file, section, cursor.position(), "the section holds " + found
                        + " values but the header promises " + expected
                        + (found < expected ? " (truncated or corrupt snapshot)" : ""));
            }
        }

        private long readNumbersInOrder(String section, String phase, ValueSink sink)
                throws IOException, SnapshotFormatException {
            return SequentialNumbers.read(file, cursor, section, phase, sink, options.progress(), sizeBound);
        }

        private void expectArrayStart(String section) throws IOException, SnapshotFormatException {
            int c = cursor.peekNonWhitespace();
            if (c != '[') {
                throw unexpected(section, c, "'['");
            }
            cursor.read();
        }

        private void requireHeader(String section) throws SnapshotFormatException {
            if (header == null) {
                throw new SnapshotFormatException(file, section, cursor.position(),
                        "the section comes before the 'snapshot' header");
            }
        }

        private HeapGraph build() throws SnapshotFormatException {
            if (header == null) {
                throw new SnapshotFormatException(file, null, -1, "missing the 'snapshot' header");
            }
            if (!nodesSeen) {
                throw new SnapshotFormatException(file, "nodes", -1, "missing section 'nodes'");
            }
            if (!edgesSeen) {
                throw new SnapshotFormatException(file, "edges", -1, "missing section 'edges'");
            }
            if (strings == null) {
                throw new SnapshotFormatException(file, "strings", -1, "missing section 'strings'");
            }
            return GraphAssembler.assemble(file, header, nodes, edges, strings, locations);
        }
    }

    private static SnapshotFormatException unexpectedAt(Path file, ByteCursor cursor, String section, int c,
                                                        String expected) {
        if (c == ByteCursor.EOF) {
            return new SnapshotFormatException(file, section, cursor.position(),
                    "unexpected end of file (truncated snapshot?)");
        }
        return new SnapshotFormatException(file, section, cursor.position(),
                "expected " + expected + " but found " + describe(c));
    }

    private static String describe(int c) {
        return ParallelSectionScanner.describe((byte) c);
    }
}
