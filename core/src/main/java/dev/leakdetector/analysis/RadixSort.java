package dev.leakdetector.analysis;

import java.util.Arrays;

/**
 * A stable least-significant-digit radix sort of longs by their upper 32 bits read as a signed int
 * (D. E. Knuth, TAOCP vol. 3, §5.2.5): three counting passes of 11 bits, a pass skipped when every
 * value has the same digit. For the ids of a snapshot's instances, packed with their positions in
 * the lower half, it is several times faster than a comparison sort: a later snapshot's ids run in
 * hundreds of thousands of short ascending runs, which defeat run merging.
 */
final class RadixSort {
    private static final int BITS = 11;
    private static final int MASK = (1 << BITS) - 1;
    /** Below this length a comparison sort is as fast, and needs no buffer. */
    private static final int SMALL = 1024;

    private RadixSort() {
    }

    /**
     * Sorts {@code values} by their upper halves as signed ints; values with equal upper halves keep
     * their order.
     */
    static void sortByHighInt(long[] values) {
        int n = values.length;
        if (n < SMALL) {
            sortSmall(values);
            return;
        }
        long[] from = values;
        long[] to = new long[n];
        int[] starts = new int[1 << BITS];
        for (int shift = 32; shift < 64; shift += BITS) {
            Arrays.fill(starts, 0);
            for (long value : from) {
                starts[digit(value, shift)]++;
            }
            if (starts[digit(from[0], shift)] == n) {
                continue;
            }
            int sum = 0;
            for (int d = 0; d < starts.length; d++) {
                int count = starts[d];
                starts[d] = sum;
                sum += count;
            }
            for (long value : from) {
                to[starts[digit(value, shift)]++] = value;
            }
            long[] swap = from;
            from = to;
            to = swap;
        }
        if (from != values) {
            System.arraycopy(from, 0, values, 0, n);
        }
    }

    /** The digit at {@code shift}, with the sign bit flipped so that unsigned digit order is signed order. */
    private static int digit(long value, int shift) {
        return (int) (((value ^ Long.MIN_VALUE) >>> shift) & MASK);
    }

    /** Insertion sort by the upper half: stable, for short arrays. */
    private static void sortSmall(long[] values) {
        for (int i = 1; i < values.length; i++) {
            long value = values[i];
            int key = (int) (value >> 32);
            int j = i - 1;
            while (j >= 0 && (int) (values[j] >> 32) > key) {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = value;
        }
    }
}
