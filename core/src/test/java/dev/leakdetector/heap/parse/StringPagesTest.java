package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.StringPage;
import dev.leakdetector.heap.graph.StringTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages that start in a slice of a shared array, as the regions of the strings section write them. */
class StringPagesTest {

    @Test
    void slicesOfOneArrayHoldTheirOwnStringsAndOverflowIntoPagesOfTheirOwn() {
        byte[] shared = new byte[64];
        // Two writers side by side, as two regions of the section: [8, 24) and [24, 40).
        StringPages left = new StringPages(32, shared, 8, 24);
        StringPages right = new StringPages(32, shared, 24, 40);
        latin1(left, "alpha");
        latin1(right, "gamma");
        latin1(left, "beta");
        // 12 UTF-16 characters take 24 bytes: more than the rest of the right slice.
        String wide = "delta-\u4e00\u4e8c\u4e09-end";
        chars(right, wide);
        latin1(right, "epsilon");
        latin1(left, "x".repeat(40)); // longer than the slice and a page: a page of its own

        List<StringPage> pages = new ArrayList<>(left.finish());
        assertThat(pages.get(0).bytes()).isSameAs(shared);
        assertThat(pages.get(0).first()).isEqualTo(8);
        List<StringPage> rightPages = right.finish();
        assertThat(rightPages.get(0).bytes()).isSameAs(shared);
        assertThat(rightPages.get(0).count()).isEqualTo(1);
        assertThat(rightPages.get(1).bytes()).isNotSameAs(shared);
        pages.addAll(rightPages);

        StringTable table = StringTable.of(pages);
        assertThat(table.size()).isEqualTo(6);
        assertThat(List.of(table.get(0), table.get(1), table.get(2), table.get(3), table.get(4), table.get(5)))
                .containsExactly("alpha", "beta", "x".repeat(40), "gamma", wide, "epsilon");
        assertThat(table.indexOf("gamma")).isEqualTo(3);
        assertThat(table.indexOf(wide)).isEqualTo(4);
        assertThat(table.containsAscii(1, "et".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(table.containsAscii(3, "alpha".getBytes(StandardCharsets.US_ASCII))).isFalse();
        // Nothing was written outside the slices.
        assertThat(shared[7]).isZero();
        assertThat(shared[40]).isZero();
    }

    private static void latin1(StringPages pages, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        pages.addLatin1(bytes, 0, bytes.length);
    }

    private static void chars(StringPages pages, String text) {
        pages.addChars(text.toCharArray(), text.length());
    }
}
