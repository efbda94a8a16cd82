package dev.leakdetector.report;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code summary.txt}: the report for people, in the seed's layout (header, snapshots, results,
 * status, top offenders) plus the main retainer path of each offender.
 */
public final class TextReportWriter {
    private static final String RULE = "=".repeat(72);
    private static final int TOP = 10;

    public void write(LeakReport report, PrintWriter out) {
        out.println(RULE);
        out.println(" MEMORY LEAK DETECTION REPORT");
        out.println(RULE);
        out.println("Generated:   " + report.generatedAt());
        LeakReport.Target target = report.target();
        if (target != null) {
            if (target.container() != null) {
                out.println("Container:   " + target.container() + (target.platform() == null ? "" : " (" + target.platform() + ")"));
            }
            if (target.image() != null) {
                out.println("Image:       " + target.image());
            }
            if (target.delayMinutes() != null) {
                out.println(String.format(Locale.ROOT, "Delay:       %s minutes between snapshots", trim(target.delayMinutes())));
            }
            if (target.runId() != null) {
                out.println("Run:         " + target.runId());
            }
        }
        out.println();
        out.println("SNAPSHOTS");
        if (report.baseline() != null) {
            snapshot(out, "Baseline", report.baseline());
        }
        snapshot(out, "Before", report.before());
        snapshot(out, "After", report.after());
        out.println("  Comparison: " + (report.idLevel().comparable() ? "object by object (same process, same ids)"
                : "class level only (ids not comparable)"));
        out.println();

        LeakReport.Summary summary = report.summary();
        out.println("RESULTS");
        out.println("  Total heap growth:   " + Format.mb(summary.totalGrowthMB()));
        out.println("  Suspicious growth:   " + Format.mb(summary.suspiciousGrowthMB()));
        out.println("  Offenders:           " + report.offenders().size()
                + (report.suppressed().isEmpty() ? "" : " (+" + report.suppressed().size() + " suppressed)"));
        out.println("  Likely leak source:  " + (summary.likelyLeakSource() == null ? "none" : summary.likelyLeakSource()));
        out.println("  Confidence:          " + Format.percent(summary.confidence()));
        out.println();
        out.println("STATUS: " + status(summary));
        out.println();

        if (!report.offenders().isEmpty()) {
            out.println("TOP OFFENDERS");
            int rank = 1;
            for (LeakReport.Offender o : report.offenders()) {
                if (rank > TOP) {
                    out.println("  … and " + (report.offenders().size() - TOP) + " more in analysis.json");
                    break;
                }
                offender(out, rank++, o);
            }
        }
        if (!report.suppressed().isEmpty()) {
            out.println("SUPPRESSED (known, accepted growth)");
            for (LeakReport.Offender o : report.suppressed()) {
                out.println("  - " + o.type() + " " + Format.signedBytes(o.deltaSize()) + ": " + o.suppressedBy());
            }
            out.println();
        }
        if (!summary.recommendations().isEmpty()) {
            out.println("RECOMMENDATIONS");
            for (String r : summary.recommendations()) {
                out.println("  - " + r);
            }
            out.println();
        }
        out.println(RULE);
        out.flush();
    }

    private static void snapshot(PrintWriter out, String label, LeakReport.SnapshotInfo info) {
        out.printf(Locale.ROOT, "  %-9s %s (%s nodes, %s)%n", label + ":", info.file(), Format.count(info.nodeCount()),
                Format.bytes(info.totalSize()));
    }

    private static void offender(PrintWriter out, int rank, LeakReport.Offender o) {
        out.printf(Locale.ROOT, "  %d. %s  [%s, confidence %s]%n", rank, o.type(), o.severity().label().toUpperCase(Locale.ROOT),
                Format.percent(o.confidence()));
        out.printf(Locale.ROOT, "     Count:    %s -> %s (%s)%n", Format.count(o.countBefore()), Format.count(o.countAfter()),
                Format.signedCount(o.deltaCount()));
        out.printf(Locale.ROOT, "     Retained: %s -> %s (%s, %s)%n", Format.bytes(o.retainedSizeBefore()),
                Format.bytes(o.retainedSizeAfter()), Format.signedBytes(o.deltaSize()), Format.rate(o.growthRate()));
        if (o.addedCount() != null) {
            out.printf(Locale.ROOT, "     Objects:  %s new and alive, %s freed since before%n", Format.count(o.addedCount()),
                    Format.count(o.removedCount()));
        }
        for (LeakReport.Pattern p : o.patterns()) {
            out.println("     Pattern:  " + p.title() + " - " + p.description());
        }
        for (LeakReport.PathGroup group : o.retainerPaths()) {
            out.println("     Held by:  " + Format.count(group.count()) + " of these via " + group.holders());
        }
        if (!o.retainerPaths().isEmpty()) {
            out.println("     Path:     " + o.retainerPaths().get(0).path());
        }
        out.println();
    }

    static String status(LeakReport.Summary summary) {
        return switch (summary.status()) {
            case "leak" -> "LEAK DETECTED (severity " + summary.severity().label() + ", fails at "
                    + summary.failOn().label() + ")";
            case "suspicious" -> "SUSPICIOUS GROWTH (severity " + summary.severity().label() + ", below "
                    + summary.failOn().label() + ")";
            default -> "NO LEAK DETECTED";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
