package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.Locations;
import dev.leakdetector.heap.graph.StringTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * One parse of one file for {@link HeapSnapshotParser}: the walk over the top-level keys, each
 * section handed to its reader, and what has been read so far; then the checks that the required
 * sections were all there.
 */
final class SectionWalk {
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private final HeapSnapshotParser.Options options;
    /** Where the wall time of each section goes, by "parse " and the section's key. */
    private final Map<String, Long> sectionMillis;
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

    /**
     * @param scanner        the parallel number scanner, or null to read numbers in order (gzip)
     * @param stringsScanner the parallel strings scanner, or null
     * @param pool           a thread to share work with, or null
     */
    SectionWalk(Path file, ByteCursor cursor, long sizeBound, ParallelSectionScanner scanner,
                ParallelStringsScanner stringsScanner, ExecutorService pool, HeapSnapshotParser.Options options,
                Map<String, Long> sectionMillis) {
        this.options = options;
        this.sectionMillis = sectionMillis;
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
        if (c == ByteCursor.EOF) {
            return new SnapshotFormatException(file, section, cursor.position(),
                    "unexpected end of file (truncated snapshot?)");
        }
        return new SnapshotFormatException(file, section, cursor.position(),
                "expected " + expected + " but found " + describe(c));
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

    private static String describe(int c) {
        return ParallelSectionScanner.describe((byte) c);
    }
}
