package dev.leakdetector.report;

import java.util.Locale;

/** Human-readable byte sizes (binary units), as in the text reports. */
public final class Bytes {
    private Bytes() {
    }

    public static String format(long bytes) {
        long abs = Math.abs(bytes);
        if (abs < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }
}
