package dev.leakdetector.heap.parse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The number scanner against Long.parseLong, for every length and every way of splitting the input. */
class NumberScannerTest {

    @Test
    void readsNumbersOfEveryLengthWithAnySeparators() {
        SplittableRandom random = new SplittableRandom(42);
        List<Long> expected = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String[] separators = {",", "\n,", ", ", ",\r\n", "\t,"};
        for (int i = 0; i < 20_000; i++) {
            int digits = 1 + random.nextInt(18);
            long value = digits == 1 ? random.nextInt(10) : random.nextLong((long) Math.pow(10, digits - 1),
                    (long) Math.pow(10, digits));
            expected.add(value);
            text.append(value).append(separators[random.nextInt(separators.length)]);
        }
        text.append("0]");
        expected.add(0L);
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);

        for (int split : new int[] {bytes.length, 1, 7, 8, 9, 17, 4096}) {
            List<Long> actual = new ArrayList<>();
            ValueSink sink = new ValueSink() {
                @Override
                void accept(long[] values, int count) {
                    for (int k = 0; k < count; k++) {
                        actual.add(values[k]);
                    }
                }
            };
            NumberScanner scanner = new NumberScanner();
            int result = NumberScanner.NEED_MORE;
            for (int from = 0; from < bytes.length && result == NumberScanner.NEED_MORE; from += split) {
                byte[] window = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + split));
                result = scanner.scan(window, 0, window.length, sink);
            }
            scanner.finish(sink);
            assertThat(result).as("split %d", split).isGreaterThanOrEqualTo(0);
            assertThat(actual).as("split %d", split).isEqualTo(expected);
        }
    }

    @Test
    void rejectsTooManyDigitsAndStrayCharacters() {
        ValueSink ignore = new ValueSink() {
            @Override
            void accept(long[] values, int count) {
            }
        };
        byte[] tooLong = "1,1234567890123456789,2]                        ".getBytes(StandardCharsets.US_ASCII);
        assertThat(new NumberScanner().scan(tooLong, 0, tooLong.length, ignore)).isEqualTo(NumberScanner.TOO_LONG);
        byte[] stray = "1,2,x,3]                                          ".getBytes(StandardCharsets.US_ASCII);
        NumberScanner scanner = new NumberScanner();
        assertThat(scanner.scan(stray, 0, stray.length, ignore)).isEqualTo(NumberScanner.BAD_BYTE);
        assertThat(scanner.problemIndex()).isEqualTo(4);
        byte[] negative = "1,-2]                                              ".getBytes(StandardCharsets.US_ASCII);
        assertThat(new NumberScanner().scan(negative, 0, negative.length, ignore)).isEqualTo(NumberScanner.BAD_BYTE);
    }

    @Test
    void classifiesEveryByte() {
        for (int b = 0; b < 256; b++) {
            long word = 0x3131313131313100L | b;
            boolean digit = b >= '0' && b <= '9';
            assertThat((NumberScanner.nonDigitBytes(word) & 0x80) == 0).as("byte %d", b).isEqualTo(digit);
        }
    }

    @Test
    void countsNumberStartsAndFindsTheBracketLikeAByteLoop() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] alphabet = "0123456789,\n ]".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(1, 80)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[random.nextInt(random.nextBoolean() ? 10 : alphabet.length)];
            }
            int from = random.nextInt(bytes.length);
            boolean previous = random.nextBoolean();
            long expected = 0;
            boolean prev = previous;
            int bracket = -1;
            for (int i = from; i < bytes.length && bracket < 0; i++) {
                if (bytes[i] == ']') {
                    bracket = i;
                    break;
                }
                boolean digit = bytes[i] >= '0' && bytes[i] <= '9';
                if (digit && !prev) {
                    expected++;
                }
                prev = digit;
            }
            NumberScanner.Count counted = NumberScanner.countUntilClosingBracket(bytes, from, bytes.length, previous);
            assertThat(counted.numbers()).isEqualTo(expected);
            assertThat(counted.closing()).isEqualTo(bracket);
        }
    }

    @Test
    void findsProblemsDeepInsideLargeBuffers() {
        ValueSink ignore = new ValueSink() {
            @Override
            void accept(long[] values, int count) {
            }
        };
        StringBuilder valid = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            valid.append(i * 7919L % 100000).append(i % 9 == 0 ? ",\n" : ",");
        }
        String prefix = valid.toString();
        byte[] bad = (prefix + "12,3x4,5," + prefix + "0]").getBytes(StandardCharsets.US_ASCII);
        NumberScanner scanner = new NumberScanner();
        assertThat(scanner.scan(bad, 0, bad.length, ignore)).isEqualTo(NumberScanner.BAD_BYTE);
        assertThat(scanner.problemIndex()).isEqualTo(prefix.length() + 4);

        byte[] tooLong = (prefix + "1234567890123456789," + prefix + "0]").getBytes(StandardCharsets.US_ASCII);
        assertThat(new NumberScanner().scan(tooLong, 0, tooLong.length, ignore)).isEqualTo(NumberScanner.TOO_LONG);

        byte[] bracket = (prefix + "42]" + prefix).getBytes(StandardCharsets.US_ASCII);
        assertThat(new NumberScanner().scan(bracket, 0, bracket.length, ignore)).isEqualTo(prefix.length() + 2);
    }
}
