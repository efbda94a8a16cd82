package dev.leakdetector.heap.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Eight bytes at a time: what the word-at-a-time scans of numbers and strings share. */
final class Words {
    /** The high bit of every byte of a word. */
    static final long HIGH_BITS = 0x8080808080808080L;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private Words() {
    }

    /** The eight bytes at {@code index} as a little-endian word: byte {@code index} is the lowest. */
    static long load(byte[] bytes, int index) {
        return (long) LONG_LE.get(bytes, index);
    }
}
