package dev.leakdetector.report;

import java.util.Locale;

/** Number formatting shared by the human-readable writers; locale-independent for stable output. */
final class Format {
    private Format() {
    }

    static String bytes(long bytes) {
        return Bytes.format(bytes);
    }

    static String signedBytes(long bytes) {
        return (bytes >= 0 ? "+" : "-") + Bytes.format(Math.abs(bytes));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String signedCount(long n) {
        return String.format(Locale.ROOT, "%+,d", n);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String rate(Double growthRate) {
        return growthRate == null ? "new" : String.format(Locale.ROOT, "%+.0f%%", growthRate * 100);
    }

    static String mb(double value) {
        return String.format(Locale.ROOT, "%+.2f MB", value);
    }
}
