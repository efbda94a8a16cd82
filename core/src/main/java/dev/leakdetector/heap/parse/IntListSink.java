package dev.leakdetector.heap.parse;

import java.util.Arrays;

/** Collects a small numeric section (such as {@code locations}) into a growable int array. */
final class IntListSink extends ValueSink {
    private final String section;
    private int[] values = new int[1024];
    private int size;

    IntListSink(String section) {
        this.section = section;
    }

    @Override
    void accept(long[] batch, int count) {
        if (size + count > values.length) {
            values = Arrays.copyOf(values, Math.max(size + count, values.length * 2));
        }
        for (int k = 0; k < count; k++) {
            long v = batch[k];
            if (v > Integer.MAX_VALUE) {
                throw new BadValueException("value #" + (size + k) + " of '" + section + "' is " + v + ", out of range");
            }
            values[size + k] = (int) v;
        }
        size += count;
    }

    int size() {
        return size;
    }

    int get(int i) {
        return values[i];
    }
}
