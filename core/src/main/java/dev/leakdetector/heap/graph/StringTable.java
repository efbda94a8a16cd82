package dev.leakdetector.heap.graph;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The snapshot's {@code strings} section, indexable by the name fields of nodes and edges.
 *
 * <p>The file's strings are kept as bytes in a few large {@link StringPage}s, and a {@link String}
 * is made only when asked for. A snapshot holds millions of short strings: as objects they cost
 * about 60 bytes each (4.5 M of them took 270 MB for a 1 GB file) and gave the collector millions
 * of objects to copy; as bytes they cost their characters plus 4 bytes.
 *
 * <p>Like DevTools, later steps append strings (the {@code Detached …} names, class names such as
 * {@code (system)} or {@code {a, b}}); appended strings get new indexes and never change old ones.
 * Appending is synchronized and the array is published through a volatile field, so other threads
 * may keep reading the strings they already know while one thread appends.
 */
public final class StringTable {
    private static final StringPage[] NO_PAGES = new StringPage[0];

    private final StringPage[] pages;
    /** The index of each page's first string, ascending. */
    private final int[] pageFirst;
    private final int pagedCount;
    private volatile String[] added;
    private volatile int size;

    /** A table of the given strings, {@code strings[0 … size-1]}. */
    public StringTable(String[] strings, int size) {
        this.pages = NO_PAGES;
        this.pageFirst = new int[0];
        this.pagedCount = 0;
        this.added = strings;
        this.size = size;
    }

    private StringTable(StringPage[] pages, int[] pageFirst, int pagedCount) {
        this.pages = pages;
        this.pageFirst = pageFirst;
        this.pagedCount = pagedCount;
        this.added = new String[16];
        this.size = pagedCount;
    }

    /** A table of the strings of these pages, in order. */
    public static StringTable of(List<StringPage> pages) {
        StringPage[] kept = pages.stream().filter(p -> p.count() > 0).toArray(StringPage[]::new);
        int[] first = new int[kept.length];
        long count = 0;
        for (int p = 0; p < kept.length; p++) {
            first[p] = (int) count;
            count += kept[p].count();
        }
        if (count > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("more than " + (Integer.MAX_VALUE - 16) + " strings");
        }
        return new StringTable(kept, first, (int) count);
    }

    public int size() {
        return size;
    }

    public String get(int index) {
        // Size first: its volatile write follows the array's, so the array read next holds the index.
        int count = size;
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("string index " + index + " of " + count);
        }
        if (index >= pagedCount) {
            return added[index - pagedCount];
        }
        int p = pageOf(index);
        StringPage page = pages[p];
        int k = index - pageFirst[p];
        int start = page.start(k);
        int end = page.ends()[k];
        if ((end & StringPage.UTF16) == 0) {
            return new String(page.bytes(), start, end - start, StandardCharsets.ISO_8859_1);
        }
        end &= ~StringPage.UTF16;
        // Decoded by hand: a UTF-16 charset decoder would replace the lone surrogates V8 writes.
        char[] chars = new char[(end - start) >> 1];
        byte[] bytes = page.bytes();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ((bytes[start + 2 * i] & 0xFF) | (bytes[start + 2 * i + 1] & 0xFF) << 8);
        }
        return new String(chars);
    }

    /**
     * Whether string {@code index} contains {@code ascii}, a run of ASCII bytes, without making a
     * {@link String} of it where the string is stored as Latin-1: for tests run on millions of
     * names, most of which fail.
     */
    public boolean containsAscii(int index, byte[] ascii) {
        if (index < 0 || index >= pagedCount) {
            return get(index).contains(new String(ascii, StandardCharsets.ISO_8859_1));
        }
        int p = pageOf(index);
        StringPage page = pages[p];
        int k = index - pageFirst[p];
        int start = page.start(k);
        int end = page.ends()[k];
        if ((end & StringPage.UTF16) != 0) {
            return get(index).contains(new String(ascii, StandardCharsets.ISO_8859_1));
        }
        byte[] bytes = page.bytes();
        byte first = ascii[0];
        for (int i = start, last = end - ascii.length; i <= last; i++) {
            if (bytes[i] == first && Arrays.equals(bytes, i, i + ascii.length, ascii, 0, ascii.length)) {
                return true;
            }
        }
        return false;
    }

    private int pageOf(int index) {
        if (pages.length == 1) {
            return 0;
        }
        int p = Arrays.binarySearch(pageFirst, index);
        return p >= 0 ? p : -p - 2;
    }

    /** Appends a string and returns its new index. Callers deduplicate where they need to. */
    public synchronized int add(String value) {
        String[] current = added;
        int index = size;
        int slot = index - pagedCount;
        if (slot == current.length) {
            current = Arrays.copyOf(current, Math.max(16, slot + (slot >> 1)));
        }
        current[slot] = value;
        added = current;
        size = index + 1;
        return index;
    }

    /** The first index holding exactly {@code value}, or -1. Linear: for rare lookups only. */
    public int indexOf(String value) {
        byte[] latin1 = isLatin1(value) ? value.getBytes(StandardCharsets.ISO_8859_1) : null;
        for (int p = 0; p < pages.length; p++) {
            StringPage page = pages[p];
            int[] ends = page.ends();
            byte[] bytes = page.bytes();
            int start = page.first();
            for (int k = 0; k < page.count(); k++) {
                int end = ends[k];
                boolean utf16 = (end & StringPage.UTF16) != 0;
                end &= ~StringPage.UTF16;
                boolean match = utf16
                        ? latin1 == null && end - start == 2 * value.length() && get(pageFirst[p] + k).equals(value)
                        : latin1 != null && Arrays.equals(bytes, start, end, latin1, 0, latin1.length);
                if (match) {
                    return pageFirst[p] + k;
                }
                start = end;
            }
        }
        int count = size;
        String[] more = added;
        for (int i = pagedCount; i < count; i++) {
            if (more[i - pagedCount].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLatin1(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }
}
