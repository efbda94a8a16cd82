package dev.leakdetector.report;

import dev.leakdetector.analysis.Severity;

import java.util.List;

/**
 * The result of a leak analysis: one immutable model that every writer (JSON, text, JUnit, HTML,
 * webhook) renders. Field names follow the seed's JSON report ({@code before}, {@code after},
 * {@code offenders[]}, {@code summary}); what we know beyond the seed has names of its own. The
 * JSON schema is documented in docs/report-format.md.
 */
public record LeakReport(int schemaVersion, String generatedAt, Target target, SnapshotInfo baseline,
                         SnapshotInfo before, SnapshotInfo after, IdLevel idLevel, List<Offender> offenders,
                         List<Offender> suppressed, List<GrowthGroup> growth, List<ClassChange> classes,
                         Summary summary) {

    public static final int SCHEMA_VERSION = 1;

    public LeakReport {
        offenders = List.copyOf(offenders);
        suppressed = List.copyOf(suppressed);
        growth = List.copyOf(growth);
        classes = List.copyOf(classes);
    }

    /** What was analysed, when a run produced the snapshots; null fields are unknown. */
    public record Target(String container, String image, String platform, Double delayMinutes, String runId) {
        public static Target none() {
            return new Target(null, null, null, null, null);
        }
    }

    public record SnapshotInfo(String file, long nodeCount, long totalSize) {
    }

    /**
     * @param comparable      whether object ids identify the same objects in before and after
     * @param matchedFraction share of before's JS objects found in after under the same class
     * @param note            why the analysis is or is not id-level, in one sentence
     * @param newObjects      objects of after that did not exist in before
     * @param attributedSize  bytes retained by new objects, counted once
     */
    public record IdLevel(boolean comparable, double matchedFraction, String note, long newObjects,
                          long attributedSize) {
    }

    /**
     * One class that grows. The first group of fields is the seed's; the rest is ours.
     *
     * @param type            the class name (the seed calls it type)
     * @param growthRate      deltaSize / retainedSizeBefore; null for a class new in after
     * @param ownGrowth       growth this class itself holds: retained by its new instances that no
     *                        other new object holds, plus growth of its surviving instances
     * @param reasons         which criteria flagged it: absolute, relative, count, pattern
     * @param addedCount      new and still alive since before (null without comparable ids)
     * @param survivorCount   allocated between baseline and before and alive in after (null without)
     * @param holder          the class of the old object holding most new instances, or null
     * @param suppressedBy    the suppression's reason when suppressed, else null
     */
    public record Offender(String type, String key, long countBefore, long countAfter, long retainedSizeBefore,
                           long retainedSizeAfter, long deltaSize, long deltaCount, Double growthRate,
                           Severity severity, List<String> suspiciousRetainers,
                           double confidence, long selfSizeBefore, long selfSizeAfter, long ownGrowth,
                           List<String> reasons, Long addedCount, Long addedSize, Long removedCount, Long removedSize,
                           Long survivorCount, Long survivorSize, String holder, List<Pattern> patterns,
                           List<PathGroup> retainerPaths, String suppressedBy) {
        public Offender {
            suspiciousRetainers = List.copyOf(suspiciousRetainers);
            reasons = List.copyOf(reasons);
            patterns = List.copyOf(patterns);
            retainerPaths = List.copyOf(retainerPaths);
        }
    }

    /** A leak pattern with its evidence. */
    public record Pattern(String id, String title, String description, String recommendation, String evidence) {
    }

    /**
     * Objects held the same way.
     *
     * @param holders the shared end of their retainer paths, nearest holder last
     * @param count   how many of the offender's objects (estimated from a sample when many)
     * @param path    one full shortest path from a GC root, root first
     */
    public record PathGroup(String holders, long count, String path, List<PathStep> steps) {
        public PathGroup {
            steps = List.copyOf(steps);
        }
    }

    /**
     * One step of a path: a node and the edge leaving it (null on the last step); {@code repeat}
     * counts consecutive nodes of the same kind (a linked list) folded into the step.
     */
    public record PathStep(String className, String nodeType, long nodeId, String edge, int repeat) {
    }

    /** New objects of one class heading new subtrees. */
    public record GrowthGroup(String className, long count, long retainedSize, String holder) {
    }

    /** Class-level change, for tables and charts. */
    public record ClassChange(String name, String key, long countBefore, long countAfter, long selfSizeBefore,
                              long selfSizeAfter, long retainedSizeBefore, long retainedSizeAfter, long deltaSize) {
    }

    /**
     * The verdict.
     *
     * @param status            {@code leak} (an offender at or above failOn), {@code suspicious}
     *                          (offenders below it) or {@code no-leak}
     * @param leakFound         status is leak: the exit code is 1
     * @param severity          the highest offender severity, or null without offenders
     * @param totalGrowthMB     total size after minus before, in MiB
     * @param suspiciousGrowthMB growth held by the offenders, in MiB
     * @param likelyLeakSource  the top offender and what holds it, or null
     * @param confidence        of the top offender, 0 to 1 (0 without offenders)
     */
    public record Summary(String status, boolean leakFound, Severity severity, Severity failOn, double totalGrowthMB,
                          double suspiciousGrowthMB, String likelyLeakSource, double confidence,
                          List<String> recommendations) {
        public Summary {
            recommendations = List.copyOf(recommendations);
        }
    }
}
