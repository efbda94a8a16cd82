package dev.leakdetector.analysis;

import dev.leakdetector.analysis.patterns.PathCluster;
import dev.leakdetector.analysis.patterns.PatternContext;
import dev.leakdetector.analysis.patterns.PatternMatch;
import dev.leakdetector.analysis.patterns.PatternRules;
import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.heap.graph.Futures;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.HeapTooLargeException;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.heap.parse.SnapshotFormatException;
import dev.leakdetector.report.LeakReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns two or three snapshots of one service into a verdict with evidence.
 *
 * <p>The steps: load the latest snapshot ({@code after}) and keep it; load {@code before}
 * (and the baseline) classified with after's plain-object shapes, as DevTools' Comparison view does,
 * and keep only their digests; compare class by class and, when ids are comparable, object by
 * object; attribute the growth to the new objects that hold it; select offenders; for each, cluster
 * the retainer paths of its new objects and match leak patterns; decide the verdict.
 */
public final class LeakAnalyzer {
    /**
     * Ids name the same objects when enough of before's objects have their ids in after (a cache
     * may have replaced most of them: a bounded LRU keeps 38 %) and nearly all of those are of the
     * same class. Ids that match by chance, in another process or inspector session, name objects
     * of other classes much more often: 35–47 % agree in the test workloads, against 99.7–100 %
     * within one session (objects that gained a property change class). Two runs of one
     * deterministic program can agree as well as one session (42–99 % in the tests): their heaps,
     * and the ids V8 gives them, are then near copies, which no rule can tell apart.
     */
    private static final double MIN_FOUND = 0.05;
    private static final double MIN_AGREEMENT = 0.9;

    private final AnalysisOptions options;
    private final HeapSnapshotParser.Options parseOptions;
    private final Clock clock;

    public LeakAnalyzer(AnalysisOptions options, HeapSnapshotParser.Options parseOptions, Clock clock) {
        this.options = options;
        this.parseOptions = parseOptions;
        this.clock = clock;
    }

    /**
     * @param baselineFile an earlier snapshot of the same process, or null
     * @param target       what the snapshots are of (for run reports), or {@link LeakReport.Target#none()}
     */
    public LeakReport analyze(Path baselineFile, Path beforeFile, Path afterFile, LeakReport.Target target)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        ProgressListener progress = parseOptions.progress();
        HeapSnapshotLoader loader = new HeapSnapshotLoader(parseOptions);
        // The analysis never asks for distances from the GC roots (its retainer paths come from
        // their own search), so none of its snapshots pays for that BFS. Each load leaves a core
        // idle while its dominators are computed; the work that needs only the parsed graph and
        // its class ids is done there (side tasks): after's retainer path search and the bulk of
        // each digest, and, in before's load, the growth attribution, which needs after and
        // before's ids. The attribution is thrown away if the ids turn out not to be comparable.
        progress.onProgress("Loading after: " + afterFile.getFileName(), 0, -1);
        AtomicReference<int[]> parentEdges = new AtomicReference<>();
        AtomicReference<SnapshotDigest.Instances> afterInstances = new AtomicReference<>();
        HeapSnapshot after = loader.loadWithoutDistances(afterFile, null, "retainer paths and digest",
                (graph, keys, ephemeronEdges) -> {
                    parentEdges.set(RetainerPathFinder.search(graph, ephemeronEdges));
                    afterInstances.set(SnapshotDigest.Instances.of(graph, keys));
                });
        RetainerPathFinder finder = RetainerPathFinder.of(after, parentEdges.get());
        SnapshotDigest afterDigest = SnapshotDigest.of(after, afterInstances.get());

        progress.onProgress("Loading before: " + beforeFile.getFileName(), 0, -1);
        AtomicReference<SnapshotDigest.Instances> beforeInstances = new AtomicReference<>();
        AtomicReference<GrowthAttribution> attribution = new AtomicReference<>();
        HeapSnapshot beforeSnapshot = loader.loadWithoutDistances(beforeFile, after.interfaceDefinitions(),
                "digest and attribution", (graph, keys, ephemeronEdges) -> {
                    beforeInstances.set(SnapshotDigest.Instances.of(graph, keys));
                    attribution.set(GrowthAttribution.compute(after, beforeInstances.get().allIds()));
                });
        SnapshotDigest beforeDigest = SnapshotDigest.of(beforeSnapshot, beforeInstances.get());
        beforeSnapshot = null; // only the digest is kept: the graph may go before the baseline loads
        SnapshotDigest baselineDigest = null;
        if (baselineFile != null) {
            progress.onProgress("Loading baseline: " + baselineFile.getFileName(), 0, -1);
            baselineDigest = SnapshotDigest.of(loader.loadWithoutDistances(baselineFile, after.interfaceDefinitions()));
        }
        return analyze(baselineDigest, beforeDigest, after, afterDigest, attribution.get(), target, finder);
    }

    /** Whether before's ids name the same objects in after, so that the id-level data holds. */
    private static boolean comparable(ClassComparison.IdOverlap overlap) {
        return overlap.foundFraction() >= MIN_FOUND && overlap.agreement() >= MIN_AGREEMENT;
    }

    /** The analysis proper, on a loaded after snapshot and digests of the earlier ones. */
    private LeakReport analyze(SnapshotDigest baseline, SnapshotDigest before, HeapSnapshot after,
                               SnapshotDigest afterDigest, GrowthAttribution attributionIfComparable,
                               LeakReport.Target target, RetainerPathFinder finder) throws IOException {
        ProgressListener progress = parseOptions.progress();
        progress.onProgress("Comparing snapshots", 0, -1);
        ClassComparison.IdOverlap overlap;
        List<ClassGrowth> growths;
        if (parseOptions.threads() > 1) {
            // Both are passes over every instance id of both snapshots: the class comparison runs
            // as if the ids were comparable while the overlap that decides it is measured beside it,
            // and is redone without ids in the rare case that they are not.
            try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
                Future<ClassComparison.IdOverlap> measured = pool.submit(
                        () -> ClassComparison.idOverlap(before, afterDigest));
                growths = ClassComparison.compare(baseline, before, afterDigest, true);
                overlap = Futures.join(measured, "comparing object ids");
            }
            if (!comparable(overlap)) {
                growths = ClassComparison.compare(baseline, before, afterDigest, false);
            }
        } else {
            overlap = ClassComparison.idOverlap(before, afterDigest);
            growths = ClassComparison.compare(baseline, before, afterDigest, comparable(overlap));
        }
        boolean comparable = comparable(overlap);
        GrowthAttribution attribution = comparable ? attributionIfComparable : null;
        Map<String, Integer> afterClassIds = new HashMap<>();
        for (int c = 0; c < after.aggregates().classCount(); c++) {
            afterClassIds.put(after.heapClass(c).key(), c);
        }
        Map<Integer, GrowthAttribution.Group> groupByClass = new HashMap<>();
        if (attribution != null) {
            attribution.groups().forEach(g -> groupByClass.put(g.classId(), g));
        }

        List<Candidate> candidates = new ArrayList<>();
        for (ClassGrowth growth : growths) {
            Integer classId = afterClassIds.get(growth.key());
            GrowthAttribution.Group group = classId == null ? null : groupByClass.get(classId);
            long own = OffenderCriteria.ownGrowth(growth, group == null ? 0 : group.count(),
                    group == null ? 0 : group.retainedSize());
            List<String> reasons = OffenderCriteria.reasons(growth, own, group == null ? 0 : group.count(), options);
            if (!reasons.isEmpty() || isPatternCandidate(growth, group)) {
                candidates.add(new Candidate(growth, classId, group, own, reasons));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::own).reversed()
                .thenComparing(c -> c.growth().name()));

        progress.onProgress("Finding retainer paths", 0, -1);
        Redactor redactor = new Redactor(options.includeValues());
        Map<Integer, int[]> samples = OffenderEvidence.samples(after, candidates.stream().map(Candidate::classId)
                .filter(Objects::nonNull).toList(), options.pathSamples(), before, comparable, attribution);

        List<LeakReport.Offender> offenders = new ArrayList<>();
        List<LeakReport.Offender> suppressed = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (offenders.size() >= options.maxOffenders()) {
                break;
            }
            int[] sample = candidate.classId() == null ? new int[0] : samples.getOrDefault(candidate.classId(), new int[0]);
            long population = !comparable ? candidate.growth().countAfter()
                    : candidate.group() != null ? candidate.group().count() : Math.max(0, candidate.growth().addedCount());
            List<PathCluster> clusters = OffenderEvidence.clusters(finder, sample, population, redactor);
            String holderClass = candidate.group() == null || candidate.group().mainHolderClass() < 0 ? null
                    : redactor.className(after.heapClass(candidate.group().mainHolderClass()).name());
            PatternContext context = new PatternContext(candidate.growth(), clusters, holderClass,
                    OffenderEvidence.detachedDomNodes(after, sample),
                    OffenderEvidence.retainedClasses(after, sample, candidate.classId(), redactor));
            List<PatternMatch> patterns = PatternRules.matchAll(PatternRules.DEFAULT, context);
            List<String> reasons = new ArrayList<>(candidate.reasons());
            if (reasons.isEmpty()) {
                if (patterns.isEmpty() || !LEAK_BY_NATURE.contains(patterns.get(0).pattern())) {
                    continue;
                }
                reasons.add("pattern");
            }
            LeakReport.Offender offender = offender(candidate, reasons, patterns, clusters, holderClass, comparable,
                    baseline != null, context, redactor);
            String mainPath = clusters.isEmpty() ? null : clusters.get(0).example().render();
            Suppressions.Rule rule = options.suppressions().find(candidate.growth().name(), mainPath,
                    candidate.growth().deltaSize());
            if (rule != null) {
                suppressed.add(withSuppression(offender, rule.reason().isEmpty() ? "suppressed" : rule.reason()));
            } else {
                offenders.add(offender);
            }
        }
        return report(baseline, before, after, afterDigest, target, growths, attribution, comparable, overlap,
                offenders, suppressed, redactor);
    }

    /** Patterns that are leaks by nature, so that a few hundred instances matter. */
    private static final Set<String> LEAK_BY_NATURE = Set.of("timers", "pending-promises", "event-emitter-listeners",
            "detached-dom");

    /**
     * A class may be flagged by a leak-by-nature pattern alone when enough of its new instances
     * head new subtrees: objects inside another offender's new subtrees are its contents, not a
     * second leak.
     */
    private boolean isPatternCandidate(ClassGrowth growth, GrowthAttribution.Group group) {
        if (growth.deltaSize() <= 0 || growth.deltaCount() < options.patternMinCount()) {
            return false;
        }
        return !growth.hasIdLevel()
                || group != null && OffenderCriteria.netHeads(growth, group.count()) >= options.patternMinCount();
    }

    private record Candidate(ClassGrowth growth, Integer classId, GrowthAttribution.Group group, long own,
                             List<String> reasons) {
    }

    private LeakReport.Offender offender(Candidate candidate, List<String> reasons, List<PatternMatch> patterns,
                                         List<PathCluster> clusters, String holderClass, boolean comparable,
                                         boolean hasBaseline, PatternContext context, Redactor redactor) {
        ClassGrowth g = candidate.growth();
        double rate = g.growthRate();
        // Severity by the seed's rules, on the growth the class itself holds: its contents (the
        // strings inside leaked records) do not count as a second leak of the same size.
        double ownRate = g.retainedSizeBefore() == 0 ? Double.POSITIVE_INFINITY
                : (double) candidate.own() / g.retainedSizeBefore();
        Severity severity = Severity.of(candidate.own(), ownRate, options.severity());
        double confidence = Confidence.of(g, candidate.group(), comparable, hasBaseline, patterns, context);
        // The seed's suspiciousRetainers: the nearest holders of the main path, outermost first.
        List<String> suspicious = new ArrayList<>();
        if (!clusters.isEmpty()) {
            for (RetainerPath.Step step : clusters.get(0).example().tail(3).steps()) {
                if (step.edgeType() != null) {
                    suspicious.add(step.text(true));
                }
            }
        }
        List<LeakReport.PathGroup> paths = clusters.stream().map(c -> new LeakReport.PathGroup(c.holders(), c.count(),
                c.example().render(), c.example().steps().stream()
                        .map(s -> new LeakReport.PathStep(s.className(), s.nodeType(), s.nodeId(),
                                s.edgeType() == null ? null : s.edgeLabel(), s.repeat()))
                        .toList())).toList();
        return new LeakReport.Offender(redactor.className(g.name()), g.key(), g.countBefore(), g.countAfter(),
                g.retainedSizeBefore(), g.retainedSizeAfter(), g.deltaSize(), g.deltaCount(),
                Double.isInfinite(rate) ? null : rate, severity, suspicious, confidence,
                g.selfSizeBefore(), g.selfSizeAfter(), candidate.own(), reasons,
                comparable ? g.addedCount() : null, comparable ? g.addedSize() : null,
                comparable ? g.removedCount() : null, comparable ? g.removedSize() : null,
                g.survivorCount() >= 0 ? g.survivorCount() : null, g.survivorCount() >= 0 ? g.survivorSize() : null,
                holderClass, patterns.stream().map(p -> new LeakReport.Pattern(p.pattern(), p.title(), p.description(),
                        p.recommendation(), p.evidence())).toList(), paths, null);
    }

    private static LeakReport.Offender withSuppression(LeakReport.Offender o, String reason) {
        return new LeakReport.Offender(o.type(), o.key(), o.countBefore(), o.countAfter(), o.retainedSizeBefore(),
                o.retainedSizeAfter(), o.deltaSize(), o.deltaCount(), o.growthRate(), o.severity(),
                o.suspiciousRetainers(), o.confidence(), o.selfSizeBefore(), o.selfSizeAfter(), o.ownGrowth(),
                o.reasons(), o.addedCount(), o.addedSize(), o.removedCount(), o.removedSize(), o.survivorCount(),
                o.survivorSize(), o.holder(), o.patterns(), o.retainerPaths(), reason);
    }

    private LeakReport report(SnapshotDigest baseline, SnapshotDigest before, HeapSnapshot after,
                              SnapshotDigest afterDigest, LeakReport.Target target, List<ClassGrowth> growths,
                              GrowthAttribution attribution, boolean comparable, ClassComparison.IdOverlap overlap,
                              List<LeakReport.Offender> offenders, List<LeakReport.Offender> suppressed,
                              Redactor redactor) {
        String note = comparable
                ? String.format(Locale.ROOT, "%.0f%% of before's objects are in after with the same ids, %.1f%% of those"
                        + " of the same class (one process and inspector session), so objects are compared by id.",
                        overlap.foundFraction() * 100, overlap.agreement() * 100)
                : overlap.foundFraction() < MIN_FOUND
                ? String.format(Locale.ROOT, "Only %.0f%% of before's objects have their ids in after: the snapshots"
                        + " come from different processes or inspector sessions, so the comparison is class-level"
                        + " only.", overlap.foundFraction() * 100)
                : String.format(Locale.ROOT, "%.0f%% of before's ids are in after, but only %.0f%% of those name an"
                        + " object of the same class: the snapshots come from different processes or inspector"
                        + " sessions, so the comparison is class-level only.",
                        overlap.foundFraction() * 100, overlap.agreement() * 100);
        LeakReport.IdLevel idLevel = new LeakReport.IdLevel(comparable, round(overlap.matchedFraction(), 4), note,
                attribution == null ? 0 : attribution.newObjectCount(), attribution == null ? 0 : attribution.attributedSize());

        List<LeakReport.GrowthGroup> groups = new ArrayList<>();
        if (attribution != null) {
            for (GrowthAttribution.Group g : attribution.groups()) {
                if (groups.size() == 20) {
                    break;
                }
                int holder = g.mainHolderClass();
                groups.add(new LeakReport.GrowthGroup(redactor.className(g.className()), g.count(), g.retainedSize(),
                        holder < 0 ? null : redactor.className(after.heapClass(holder).name())));
            }
        }
        List<LeakReport.ClassChange> classes = growths.stream()
                .sorted(Comparator.comparingLong((ClassGrowth g) -> Math.abs(g.deltaSize())).reversed()
                        .thenComparing(ClassGrowth::key))
                .limit(25)
                .map(g -> new LeakReport.ClassChange(redactor.className(g.name()), g.key(), g.countBefore(),
                        g.countAfter(), g.selfSizeBefore(), g.selfSizeAfter(), g.retainedSizeBefore(),
                        g.retainedSizeAfter(), g.deltaSize()))
                .toList();

        Severity top = offenders.stream().map(LeakReport.Offender::severity).max(Comparator.naturalOrder()).orElse(null);
        boolean leak = top != null && top.atLeast(options.failOn());
        String status = leak ? "leak" : offenders.isEmpty() ? "no-leak" : "suspicious";
        LeakReport.Offender first = offenders.isEmpty() ? null : offenders.get(0);
        String source = null;
        if (first != null) {
            source = first.type();
            if (!first.retainerPaths().isEmpty()) {
                source += " held by " + first.retainerPaths().get(0).holders();
            } else if (first.holder() != null) {
                source += " held by " + first.holder();
            }
        }
        Set<String> recommendations = new LinkedHashSet<>();
        offenders.forEach(o -> o.patterns().forEach(p -> recommendations.add(p.recommendation())));
        if (recommendations.isEmpty() && !offenders.isEmpty()) {
            recommendations.add("Follow the retainer paths of the top offender to the code that keeps adding to"
                    + " its holder, and bound or release what it holds.");
        }
        double suspiciousMb = offenders.stream().mapToLong(LeakReport.Offender::ownGrowth).sum() / (1024.0 * 1024.0);
        LeakReport.Summary summary = new LeakReport.Summary(status, leak, top, options.failOn(),
                round((afterDigest.totalSize() - before.totalSize()) / (1024.0 * 1024.0), 3), round(suspiciousMb, 3),
                source, first == null ? 0 : first.confidence(), List.copyOf(recommendations));
        return new LeakReport(LeakReport.SCHEMA_VERSION,
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)), target,
                baseline == null ? null : info(baseline), info(before), info(afterDigest), idLevel, offenders,
                suppressed, groups, classes, summary);
    }

    private static LeakReport.SnapshotInfo info(SnapshotDigest digest) {
        return new LeakReport.SnapshotInfo(digest.file(), digest.nodeCount(), digest.totalSize());
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
