package dev.leakdetector.bench.gen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** Streams a Node 20 style snapshot back: structural checks, then reachability over non-weak edges. */
final class Verifier {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 22];
    private int pos, len;
    private long offset;

    private Verifier(InputStream in) {
        this.in = in;
    }

    static boolean verify(Path file) {
        long t0 = System.nanoTime();
        try (InputStream is = Files.newInputStream(file)) {
            Verifier v = new Verifier(is);
            return v.run(file, t0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean fill() throws IOException {
        if (pos < len) return true;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        len = n;
        return true;
    }

    private int read() throws IOException {
        if (pos == len && !fill()) return -1;
        offset++;
        return buf[pos++] & 0xff;
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) return -1;
        return buf[pos] & 0xff;
    }

    private void unread() {
        pos--;
        offset--;
    }

    private IllegalStateException bad(String msg) {
        return new IllegalStateException(msg + " at byte " + offset);
    }

    private void expect(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            int c = read();
            if (c != s.charAt(i)) {
                throw bad("expected '" + s + "' but found '" + (c < 0 ? "EOF" : String.valueOf((char) c)) + "'");
            }
        }
    }

    private void skipWs() throws IOException {
        int c;
        while ((c = peek()) == ' ' || c == '\n' || c == '\r' || c == '\t') read();
    }

    /** Reads a JSON array of unsigned integers, calling sink for each; returns the count. */
    private long readIntArray(LongSink sink) throws IOException {
        skipWs();
        expect("[");
        skipWs();
        long n = 0;
        if (peek() == ']') {
            read();
            return 0;
        }
        while (true) {
            skipWs();
            long v = 0;
            int digits = 0;
            int c;
            while ((c = peek()) >= '0' && c <= '9') {
                read();
                v = v * 10 + (c - '0');
                if (++digits > 19) throw bad("number too long");
            }
            if (digits == 0) throw bad("expected a digit");
            sink.accept(n++, v);
            skipWs();
            c = read();
            if (c == ']') return n;
            if (c != ',') throw bad("expected ',' or ']'");
        }
    }

    interface LongSink {
        void accept(long i, long v);
    }

    private void skipJsonValue() throws IOException {
        // only used for trace_tree (nested arrays of numbers)
        skipWs();
        expect("[");
        int depth = 1;
        while (depth > 0) {
            int c = read();
            if (c < 0) throw bad("EOF in array");
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (!(c == ',' || (c >= '0' && c <= '9') || c == ' ' || c == '\n')) throw bad("bad char");
        }
    }

    private boolean run(Path file, long t0) throws IOException {
        // header: small, parse with regexes after reading up to "nodes"
        StringBuilder head = new StringBuilder();
        while (true) {
            int c = read();
            if (c < 0) throw bad("EOF in header");
            head.append((char) c);
            if (head.length() > 1 << 16) throw bad("header too long");
            if (head.length() >= 9 && head.substring(head.length() - 9).equals("\"nodes\":[")) break;
        }
        String h = head.toString();
        int nodeFields = countList(h, "node_fields");
        int edgeFields = countList(h, "edge_fields");
        long nodeCount = field(h, "node_count");
        long edgeCount = field(h, "edge_count");
        if (!h.startsWith("{\"snapshot\":{\"meta\":{\"node_fields\":")) throw bad("unexpected header start");
        if (nodeFields != 7 || edgeFields != 3) throw bad("expected 7 node fields and 3 edge fields");
        unread(); // give the '[' back to readIntArray
        if (nodeCount > Integer.MAX_VALUE / 7 || edgeCount > Integer.MAX_VALUE) throw bad("too large to verify");
        int nc = (int) nodeCount;
        int ec = (int) edgeCount;
        long[] typeCounts = new long[NODE_TYPES.length];
        long[] edgeTypeCounts = new long[EDGE_TYPES.length];
        int[] firstEdge = new int[nc + 1];
        long[] maxName = {0};
        long[] edgeSum = {0};
        long[] bigSelf = {0};
        long[] oddIds = {0};
        long[] idBits = new long[1 << 26]; // one bit per uint32 id
        long[] dupIds = {0};
        int[] fieldsSeen = {0};
        byte[] nodeType = new byte[nc];
        long nodesValues = readIntArray((i, v) -> {
            int f = (int) (i % 7);
            int k = (int) (i / 7);
            switch (f) {
                case 0 -> {
                    if (v >= NODE_TYPES.length) throw bad("node " + k + ": type " + v);
                    typeCounts[(int) v]++;
                    nodeType[k] = (byte) v;
                }
                case 1 -> maxName[0] = Math.max(maxName[0], v);
                case 2 -> {
                    if (v > 0xFFFF_FFFFL) throw bad("node " + k + ": id > uint32");
                    if ((v & 1) == 1) oddIds[0]++;
                    int w = (int) (v >>> 6);
                    long bit = 1L << (v & 63);
                    if ((idBits[w] & bit) != 0) dupIds[0]++;
                    idBits[w] |= bit;
                }
                case 3 -> {
                    if (v > 0xFFFF_FFFFL) bigSelf[0]++;
                }
                case 4 -> {
                    edgeSum[0] += v;
                    if (edgeSum[0] > ec) throw bad("edge counts exceed header edge_count");
                    firstEdge[k + 1] = (int) edgeSum[0];
                }
                default -> {
                }
            }
            fieldsSeen[0]++;
        });
        if (nodesValues != nodeCount * 7) throw bad("nodes: " + nodesValues + " values, expected " + nodeCount * 7);
        if (edgeSum[0] != edgeCount) throw bad("sum of edge_count " + edgeSum[0] + " != " + edgeCount);
        expect(",\n\"edges\":");
        int[] to = new int[ec];
        byte[] et = new byte[ec];
        long[] maxEdgeName = {0};
        long edgesValues = readIntArray((i, v) -> {
            int f = (int) (i % 3);
            int e = (int) (i / 3);
            switch (f) {
                case 0 -> {
                    if (v >= EDGE_TYPES.length) throw bad("edge " + e + ": type " + v);
                    et[e] = (byte) v;
                    edgeTypeCounts[(int) v]++;
                }
                case 1 -> {
                    if (et[e] != E_ELEMENT && et[e] != E_HIDDEN) maxEdgeName[0] = Math.max(maxEdgeName[0], v);
                }
                default -> {
                    if (v % 7 != 0) throw bad("edge " + e + ": to_node " + v + " not a multiple of 7");
                    if (v >= nodeCount * 7) throw bad("edge " + e + ": to_node " + v + " out of range");
                    to[e] = (int) (v / 7);
                }
            }
        });
        if (edgesValues != edgeCount * 3) throw bad("edges: " + edgesValues + " values, expected " + edgeCount * 3);
        expect(",\n\"trace_function_infos\":");
        readIntArray((i, v) -> { });
        expect(",\n\"trace_tree\":");
        skipJsonValue();
        expect(",\n\"samples\":");
        readIntArray((i, v) -> { });
        expect(",\n\"locations\":");
        long[] badLoc = {0};
        long locValues = readIntArray((i, v) -> {
            if (i % 4 == 0 && (v % 7 != 0 || v >= nodeCount * 7)) badLoc[0]++;
        });
        if (badLoc[0] != 0 || locValues % 4 != 0) throw bad("bad locations");
        expect(",\n\"strings\":");
        long strings = readStrings();
        skipWs();
        expect("}");
        if (read() != -1) throw bad("trailing data after the top-level object");
        if (maxName[0] >= strings) throw bad("node name index " + maxName[0] + " >= " + strings + " strings");
        if (maxEdgeName[0] >= strings) throw bad("edge name index " + maxEdgeName[0] + " >= strings");

        // reachability: strong (no weak edges) from the root, then weak-only, the rest unreachable
        byte[] mark = new byte[nc];
        int[] queue = new int[nc];
        int reached = bfs(0, firstEdge, to, et, mark, queue, false, (byte) 1);
        int weakOnly = 0;
        // any node reached through weak edges from the strongly reachable set
        int qh = 0, qt = 0;
        for (int k = 0; k < nc; k++) if (mark[k] == 1) queue[qt++] = k;
        while (qh < qt) {
            int k = queue[qh++];
            for (int e = firstEdge[k]; e < firstEdge[k + 1]; e++) {
                int t = to[e];
                if (mark[t] == 0) {
                    mark[t] = 2;
                    weakOnly++;
                    queue[qt++] = t;
                }
            }
        }
        int unreachable = nc - reached - weakOnly;
        StringBuilder types = new StringBuilder();
        for (int i = 0; i < NODE_TYPES.length; i++) {
            if (typeCounts[i] > 0) types.append(String.format(Locale.ROOT, "%s=%d ", NODE_TYPES[i], typeCounts[i]));
        }
        StringBuilder etypes = new StringBuilder();
        for (int i = 0; i < EDGE_TYPES.length; i++) {
            etypes.append(String.format(Locale.ROOT, "%s=%d ", EDGE_TYPES[i], edgeTypeCounts[i]));
        }
        System.out.printf(Locale.ROOT, "OK %s: %d bytes, %d nodes, %d edges (%.2f/node), %d strings, "
                        + "%d locations, odd ids %d, even ids %d, duplicate ids %d, self_size > 4 GiB %d%n"
                        + "   reachability: strong %d, weak-only %d, unreachable %d%n   node types: %s%n"
                        + "   edge types: %s%n   verified in %.1f s%n",
                file, offset, nodeCount, edgeCount, edgeCount / (double) nodeCount, strings, locValues / 4,
                oddIds[0], nodeCount - oddIds[0], dupIds[0], bigSelf[0], reached, weakOnly, unreachable,
                types.toString().trim(), etypes.toString().trim(), (System.nanoTime() - t0) / 1e9);
        if (dupIds[0] != 0) {
            System.out.println("FAIL: duplicate ids");
            return false;
        }
        return true;
    }

    private static int bfs(int root, int[] firstEdge, int[] to, byte[] et, byte[] mark, int[] queue,
                           boolean weak, byte m) {
        int qh = 0, qt = 0;
        queue[qt++] = root;
        mark[root] = m;
        while (qh < qt) {
            int k = queue[qh++];
            for (int e = firstEdge[k]; e < firstEdge[k + 1]; e++) {
                if (!weak && et[e] == E_WEAK) continue;
                int t = to[e];
                if (mark[t] == 0) {
                    mark[t] = m;
                    queue[qt++] = t;
                }
            }
        }
        return qt;
    }

    private long readStrings() throws IOException {
        skipWs();
        expect("[");
        long n = 0;
        skipWs();
        if (peek() == ']') {
            read();
            return 0;
        }
        while (true) {
            skipWs();
            expect("\"");
            while (true) {
                int c = read();
                if (c < 0) throw bad("EOF in string");
                if (c == '"') break;
                if (c < 0x20) throw bad("raw control character in string " + n);
                if (c >= 0x80) throw bad("non-ASCII byte in string " + n);
                if (c == '\\') {
                    int e = read();
                    switch (e) {
                        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                        case 'u' -> {
                            for (int i = 0; i < 4; i++) {
                                int x = read();
                                if (Character.digit(x, 16) < 0) throw bad("bad \\u escape in string " + n);
                            }
                        }
                        default -> throw bad("bad escape in string " + n);
                    }
                }
            }
            n++;
            skipWs();
            int c = read();
            if (c == ']') return n;
            if (c != ',') throw bad("expected ',' or ']' in strings");
        }
    }

    private static int countList(String h, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\[([^\\]]*)\\]").matcher(h);
        if (!m.find()) throw new IllegalStateException("missing " + key);
        return m.group(1).split(",").length;
    }

    private static long field(String h, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(h);
        if (!m.find()) throw new IllegalStateException("missing " + key);
        return Long.parseLong(m.group(1));
    }
}
