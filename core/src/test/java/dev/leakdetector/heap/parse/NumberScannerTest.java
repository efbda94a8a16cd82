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

    /**
     * Stage one and two of the indexed scan, then the byte loop from where the index ends, against the
     * byte loop alone: the same count, the same values and the same problem, wherever the index starts
     * and whatever stops it (a space, a corrupt byte, the bracket, a number too long, the margin).
     */
    @Test
    void theIndexedScanAgreesWithTheByteLoop() {
        SplittableRandom random = new SplittableRandom(11);
        String[] oddities = {" ", "x", "]", "-", ":", "\u00e9", "\r\n,", "1234567890123456789"};
        NumberIndex index = new NumberIndex();
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder();
            int numbers = random.nextInt(1, 120);
            int newlines = random.nextInt(3) * 4;          // every 4th or 8th separator, or none
            for (int i = 0; i < numbers; i++) {
                int digits = random.nextInt(4) == 0 ? 1 + random.nextInt(18) : 1 + random.nextInt(5);
                text.append(random.nextLong((long) Math.pow(10, digits))).append(newlines > 0 && i % newlines == 0 ? "\n," : ",");
                if (random.nextInt(100) == 0) {
                    text.append(oddities[random.nextInt(oddities.length)]);
                }
            }
            text.append("7]");
            // Spaces after the bracket, so that stage two may read past it as it reads past a chunk.
            byte[] bytes = (text + " ".repeat(32)).getBytes(StandardCharsets.UTF_8);
            int end = text.toString().getBytes(StandardCharsets.UTF_8).length;
            int from = random.nextInt(Math.min(end, 70));
            boolean previous = from > 0 && NumberScanner.isDigit(bytes[from - 1]);

            NumberScanner.Count whole = NumberScanner.countUntilClosingBracket(bytes, from, end, previous);
            List<Long> expected = new ArrayList<>();
            NumberScanner plain = new NumberScanner();
            int skip = from;
            while (previous && skip < end && NumberScanner.isDigit(bytes[skip])) {
                skip++;
            }
            int expectedResult = plain.scan(bytes, skip, end, collect(expected));
            plain.finish(collect(expected));

            index.index(bytes, from, bytes.length, bytes.length, previous);
            int rest = index.end();
            NumberScanner.Count counted = NumberScanner.countUntilClosingBracket(bytes, rest, end,
                    rest > from ? NumberScanner.isDigit(bytes[rest - 1]) : previous);
            assertThat(index.numbers() + counted.numbers()).as("count, round %d", round).isEqualTo(whole.numbers());
            assertThat(counted.closing()).isEqualTo(whole.closing());

            List<Long> actual = new ArrayList<>();
            NumberScanner indexed = new NumberScanner();
            int result = indexed.scanIndexed(bytes, index, bytes.length, collect(actual));
            if (result == NumberScanner.NEED_MORE) {
                while (rest > 0 && NumberScanner.isDigit(bytes[rest - 1]) && rest < end
                        && NumberScanner.isDigit(bytes[rest])) {
                    rest++;
                }
                result = indexed.scan(bytes, rest, end, collect(actual));
            }
            indexed.finish(collect(actual));
            assertThat(result).as("result, round %d", round).isEqualTo(expectedResult);
            if (result < 0) {
                assertThat(indexed.problemIndex()).isEqualTo(plain.problemIndex());
            } else {
                assertThat(actual).as("values, round %d", round).isEqualTo(expected);
            }
        }
    }

    private static ValueSink collect(List<Long> into) {
        return new ValueSink() {
            @Override
            void accept(long[] values, int count) {
                for (int k = 0; k < count; k++) {
                    into.add(values[k]);
                }
            }
        };
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
