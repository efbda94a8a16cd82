package dev.leakdetector.heap.parse;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The word-at-a-time search for the end of a plain ASCII string, against a byte loop. */
class StringsRegionTest {

    @Test
    void plainAsciiEndFindsTheFirstByteAPlainStringCannotHold() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] special = {'"', '\\', '\n', (byte) 0x80, (byte) 0xC3, (byte) 0xFF};
        // Bytes next to the special ones, which a careless zero-byte test confuses with them.
        byte[] near = {'#', '!', ']', 0x0B, 0x09, 0x01, 0x00, 0x7F, 'a'};
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(1, 40)];
            for (int i = 0; i < bytes.length; i++) {
                int pick = random.nextInt(20);
                bytes[i] = pick == 0 ? special[random.nextInt(special.length)]
                        : pick < 8 ? near[random.nextInt(near.length)] : (byte) random.nextInt(0x20, 0x7F);
            }
            int from = random.nextInt(bytes.length);
            int to = random.nextInt(from, bytes.length + 1);
            int expected = to;
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                if (b == '"' || b == '\\' || b == '\n' || b < 0) {
                    expected = i;
                    break;
                }
            }
            assertThat(StringsRegion.plainAsciiEnd(bytes, from, to)).as("round %d", round).isEqualTo(expected);
        }
    }
}
