package dev.leakdetector.analysis;

import java.util.Locale;

/** How bad a growth is, from the seed's documented rules on growth in MB and growth rate. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /**
     * Thresholds, each "more than": critical above 100 MB or a growth rate of 10, high above 50 MB
     * or 5, medium above 10 MB or 2, otherwise low. All configurable.
     */
    public record Thresholds(double criticalMb, double criticalRate, double highMb, double highRate,
                             double mediumMb, double mediumRate) {
        public static Thresholds defaults() {
            return new Thresholds(100, 10, 50, 5, 10, 2);
        }
    }

    public static Severity of(long deltaBytes, double growthRate, Thresholds t) {
        double mb = deltaBytes / (1024.0 * 1024.0);
        if (mb > t.criticalMb() || growthRate > t.criticalRate()) {
            return CRITICAL;
        }
        if (mb > t.highMb() || growthRate > t.highRate()) {
            return HIGH;
        }
        if (mb > t.mediumMb() || growthRate > t.mediumRate()) {
            return MEDIUM;
        }
        return LOW;
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** Lower case, as written in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
