package dev.leakdetector.report;

import dev.leakdetector.analysis.Severity;

import java.util.List;

/** A fixed, small report model for the golden-file tests of every writer. */
final class SampleReports {
    private SampleReports() {
    }

    static LeakReport leak() {
        LeakReport.PathGroup group = new LeakReport.PathGroup(
                "system / Context->requestLog → Array[*] → RequestRecord", 20_000,
                "(GC roots)[7] → (Stack roots){39} → system / Context->requestLog → Array[20463] → RequestRecord",
                List.of(new LeakReport.PathStep("(GC roots)", "synthetic", 3, "[7]", 1),
                        new LeakReport.PathStep("(Stack roots)", "synthetic", 17, "{39}", 1),
                        new LeakReport.PathStep("system / Context", "object", 77461, "->requestLog", 1),
                        new LeakReport.PathStep("Array", "object", 77463, "[20463]", 1),
                        new LeakReport.PathStep("RequestRecord", "object", 617131, null, 1)));
        LeakReport.Pattern pattern = new LeakReport.Pattern("array-growth", "Array growth",
                "RequestRecord objects are appended to an Array (system / Context->requestLog) and never removed.",
                "Remove entries when they are no longer needed, cap the array's length (a ring buffer), or"
                        + " aggregate instead of keeping every item.",
                group.path());
        LeakReport.Offender offender = new LeakReport.Offender("RequestRecord", "81,5,13,RequestRecord", 20_000, 40_000,
                19_000_000, 38_040_000, 19_040_000, 20_000, 1.0021, Severity.MEDIUM,
                List.of("system / Context->requestLog", "Array[*]"), 0.95, 960_000, 1_920_000, 19_040_000,
                List.of("absolute", "relative", "count"), 20_000L, 960_000L, 0L, 0L, 20_000L, 960_000L, "Array",
                List.of(pattern), List.of(group), null);
        LeakReport.Offender suppressed = new LeakReport.Offender("CacheEntry", ",CacheEntry", 5_000, 6_000, 2_000_000,
                2_400_000, 400_000, 1_000, 0.2, Severity.LOW, List.of("Map{table}"), 0.75, 200_000, 240_000, 400_000,
                List.of("count"), 1_000L, 40_000L, 0L, 0L, null, null, "Map", List.of(), List.of(),
                "bounded cache <warm-up> & \"friends\"");
        return new LeakReport(LeakReport.SCHEMA_VERSION, "2026-11-28T12:00:00Z",
                new LeakReport.Target("api-7f9c", "registry.local/api:1.4.2", "docker", 10.0, "run-20261128-120000"),
                new LeakReport.SnapshotInfo("/reports/baseline.heapsnapshot", 39_252, 2_900_000),
                new LeakReport.SnapshotInfo("/reports/before.heapsnapshot", 199_697, 22_100_000),
                new LeakReport.SnapshotInfo("/reports/after.heapsnapshot", 359_734, 41_400_000),
                new LeakReport.IdLevel(true, 0.9999, "100% of before's objects are in after with the same ids.",
                        260_115, 19_050_000),
                List.of(offender), List.of(suppressed),
                List.of(new LeakReport.GrowthGroup("RequestRecord", 20_000, 19_040_000, "Array")),
                List.of(new LeakReport.ClassChange("RequestRecord", "81,5,13,RequestRecord", 20_000, 40_000, 960_000,
                                1_920_000, 19_000_000, 38_040_000, 19_040_000),
                        new LeakReport.ClassChange("(string)", ",(string)", 100_000, 180_000, 15_000_000, 30_000_000,
                                15_000_000, 30_000_000, 15_000_000)),
                new LeakReport.Summary("leak", true, Severity.MEDIUM, Severity.MEDIUM, 18.406, 18.158,
                        "RequestRecord held by system / Context->requestLog → Array[*] → RequestRecord", 0.95,
                        List.of(pattern.recommendation())));
    }

    static LeakReport clean() {
        return new LeakReport(LeakReport.SCHEMA_VERSION, "2026-11-28T12:00:00Z", LeakReport.Target.none(), null,
                new LeakReport.SnapshotInfo("before.heapsnapshot", 39_000, 2_900_000),
                new LeakReport.SnapshotInfo("after.heapsnapshot", 39_100, 2_910_000),
                new LeakReport.IdLevel(true, 0.99, "99% of before's objects are in after with the same ids.", 120, 4_000),
                List.of(), List.of(), List.of(), List.of(),
                new LeakReport.Summary("no-leak", false, null, Severity.MEDIUM, 0.01, 0, null, 0, List.of()));
    }
}
