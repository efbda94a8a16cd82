package dev.leakdetector.report;

import java.io.PrintWriter;
import java.util.Locale;

/** Renders a {@link SnapshotSummary} as a terminal table of the top classes by retained size. */
public final class SummaryTextWriter {
    private static final int NAME_WIDTH = 48;

    public void write(SnapshotSummary summary, int top, PrintWriter out) {
        out.printf(Locale.ROOT, "Heap snapshot %s%n", summary.file());
        out.printf(Locale.ROOT, "  %,d nodes, %,d edges, total size %s (%,d bytes), %,d class(es)%n",
                summary.nodeCount(), summary.edgeCount(), Bytes.format(summary.totalSize()), summary.totalSize(),
                summary.classes().size());
        if (summary.unreachableNodes() > 0) {
            out.printf(Locale.ROOT, "  %,d nodes are unreachable from the root (held only weakly or by themselves)%n",
                    summary.unreachableNodes());
        }
        out.println();
        int shown = Math.min(top, summary.classes().size());
        out.printf(Locale.ROOT, "Top %d classes by retained size:%n", shown);
        out.printf(Locale.ROOT, "  %-" + NAME_WIDTH + "s %12s %12s %14s %7s%n", "Class", "Count", "Self size",
                "Retained size", "%");
        double total = Math.max(1, summary.totalSize());
        for (int i = 0; i < shown; i++) {
            SnapshotSummary.ClassRow row = summary.classes().get(i);
            out.printf(Locale.ROOT, "  %-" + NAME_WIDTH + "s %,12d %12s %14s %6.1f%%%n", label(row), row.count(),
                    Bytes.format(row.selfSize()), Bytes.format(row.retainedSize()), 100.0 * row.retainedSize() / total);
        }
        out.flush();
    }

    private static String label(SnapshotSummary.ClassRow row) {
        String name = row.name().replaceAll("\\p{Cntrl}", " ");
        if (row.location() != null) {
            name = name + " @" + row.location();
        }
        return name.length() <= NAME_WIDTH ? name : name.substring(0, NAME_WIDTH - 1) + "…";
    }
}
