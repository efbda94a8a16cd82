package dev.leakdetector.heap.graph;

/**
 * Consecutive strings of a snapshot's string table, stored as bytes.
 *
 * <p>String {@code k} of the page occupies {@code bytes[start(k) … end(k))}, where {@code end(k)} is
 * {@code ends[k]} without its top bit and {@code start(k)} is the previous string's end
 * ({@code first} for the first: pages may share one array). A clear top bit means one byte per
 * character (Latin-1); a set top bit means UTF-16, two bytes per character, low byte first, used only
 * for strings with characters above U+00FF.
 *
 * @param first where the page's first string starts in {@code bytes}
 * @param count how many strings the page holds (a prefix of {@code ends})
 */
public record StringPage(byte[] bytes, int first, int[] ends, int count) {
    /** The top bit of an {@code ends} entry: the string is stored as UTF-16. */
    public static final int UTF16 = 0x8000_0000;

    /** Where string {@code k} of the page starts in {@link #bytes}. */
    public int start(int k) {
        return k == 0 ? first : ends[k - 1] & ~UTF16;
    }
}
