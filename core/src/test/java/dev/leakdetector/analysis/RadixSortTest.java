package dev.leakdetector.analysis;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RadixSortTest {

    /**
     * With positions in the lower halves (as the digest packs them), a stable sort by the upper
     * halves gives exactly the order of a plain sort of the longs: checked on short and long arrays,
     * negative and positive keys, keys that share their upper digits, and duplicates.
     */
    @Test
    void sortsLikeAComparisonSort() {
        Random random = new Random(42);
        for (int n : new int[] {0, 1, 2, 17, 1023, 1024, 5_000, 300_000}) {
            for (int keyRange : new int[] {0, 3, 1 << 20, Integer.MAX_VALUE}) {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    int key = keyRange == Integer.MAX_VALUE ? random.nextInt() : random.nextInt(keyRange + 1) - keyRange / 2;
                    values[i] = ((long) key << 32) | i;
                }
                long[] expected = values.clone();
                Arrays.sort(expected);
                RadixSort.sortByHighInt(values);
                assertThat(values).as("n=%d, keys in %d", n, keyRange).isEqualTo(expected);
            }
        }
    }
}
