package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.StringPage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects decoded strings into {@link StringPage}s. A page is closed when it reaches its capacity,
 * so a string table is never copied whole to grow it.
 */
final class StringPages {
    private final int pageCapacity;
    private final List<StringPage> done = new ArrayList<>();
    private byte[] bytes;
    /** The current page: its strings start at {@code first} in {@code bytes}, and it ends at {@code limit}. */
    private int first;
    private int limit;
    /** Whether the current page is a slice of an array that other writers share: never trimmed. */
    private boolean shared;
    private int[] ends;
    /** Where the next string goes in {@code bytes}. */
    private int length;
    private int count;

    /** @param pageCapacity bytes per page; a longer string gets a page of its own */
    StringPages(int pageCapacity) {
        this.pageCapacity = Math.max(64, pageCapacity);
    }

    /**
     * Pages whose first one is the slice {@code shared[from … to)}, which no other writer uses; the
     * following ones, if the slice fills up, are their own.
     */
    StringPages(int pageCapacity, byte[] shared, int from, int to) {
        this(pageCapacity);
        bytes = shared;
        first = from;
        length = from;
        limit = to;
        this.shared = true;
        ends = endsFor(to - from);
    }

    /** Appends {@code source[from … from+n)} as a Latin-1 (here: ASCII) string. */
    void addLatin1(byte[] source, int from, int n) {
        reserve(n);
        System.arraycopy(source, from, bytes, length, n);
        length += n;
        end(0);
    }

    /** Appends {@code chars[0 … n)}, one byte per character where they all fit, else UTF-16. */
    void addChars(char[] chars, int n) {
        boolean latin1 = true;
        for (int i = 0; i < n && latin1; i++) {
            latin1 = chars[i] <= 0xFF;
        }
        if (latin1) {
            reserve(n);
            for (int i = 0; i < n; i++) {
                bytes[length++] = (byte) chars[i];
            }
            end(0);
        } else {
            reserve(2 * n);
            for (int i = 0; i < n; i++) {
                bytes[length++] = (byte) chars[i];
                bytes[length++] = (byte) (chars[i] >>> 8);
            }
            end(StringPage.UTF16);
        }
    }

    int count() {
        long total = count;
        for (StringPage page : done) {
            total += page.count();
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** Closes the current page and returns all pages, in order. */
    List<StringPage> finish() {
        closePage();
        return done;
    }

    private void reserve(int n) {
        if (bytes != null && length + n <= limit) {
            return;
        }
        closePage();
        bytes = new byte[Math.max(pageCapacity, n)];
        limit = bytes.length;
        ends = endsFor(bytes.length);
    }

    /** The end offsets' array for a page of this many bytes: V8's strings average about 20 bytes, so it rarely grows. */
    private static int[] endsFor(int pageBytes) {
        return new int[Math.max(1024, pageBytes / 16)];
    }

    private void end(int flag) {
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
        }
        ends[count++] = length | flag;
    }

    private void closePage() {
        if (count > 0) {
            // A copy to trim a page is garbage of the page's size; keep a mostly full one as it is.
            boolean trim = !shared && length < bytes.length - (bytes.length >> 2);
            done.add(new StringPage(trim ? Arrays.copyOf(bytes, length) : bytes, first, Arrays.copyOf(ends, count),
                    count));
        }
        bytes = null;
        ends = null;
        first = 0;
        limit = 0;
        shared = false;
        length = 0;
        count = 0;
    }
}
