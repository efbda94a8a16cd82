package dev.leakdetector.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides which classes are offenders, and why. The measure is the growth a class itself holds,
 * so that one leak is not reported once per holder on its path:
 * <ul>
 *   <li>with comparable ids: what its new instances retain as heads of new subtrees, scaled down
 *       by the instances of the class that were freed (a cache that replaces entries allocates as
 *       many heads as it frees: net nothing), plus the growth of its surviving instances (an
 *       array's elements, a map's table), capped by the class's net retained growth;</li>
 *   <li>without: the growth explained by new instances (the count growth times the average
 *       retained size per instance), so that a holder whose count stays the same (the one array,
 *       the module scope) does not outrank what it holds; or, for a class whose count does not
 *       grow, the growth of its own self size (an array of numbers).</li>
 * </ul>
 * A class is flagged by absolute growth, by relative growth of at least a minimum size, or by
 * the number of new instances; engine-internal classes only by absolute growth.
 */
final class OffenderCriteria {
    /** Engine internals grow with JIT activity; only a large absolute growth makes them interesting. */
    private static final Set<String> ENGINE_CLASSES = Set.of("(compiled code)", "(system)", "(object shape)",
            "(synthetic)", "(array)");

    private OffenderCriteria() {
    }

    /** New subtree heads of the class that are not offset by freed instances of it. */
    static long netHeads(ClassGrowth growth, long heads) {
        if (!growth.hasIdLevel()) {
            return Math.max(0, growth.deltaCount());
        }
        return Math.max(0, heads - growth.removedCount());
    }

    /** A class's own growth; see the class comment. */
    static long ownGrowth(ClassGrowth growth, long heads, long headRetained) {
        if (!growth.hasIdLevel()) {
            if (growth.deltaCount() > 0 && growth.countAfter() > 0) {
                long perInstance = growth.retainedSizeAfter() / growth.countAfter();
                return Math.max(0, Math.min(growth.deltaSize(), growth.deltaCount() * perInstance));
            }
            return Math.max(0, Math.min(growth.deltaSize(), growth.deltaSelfSize()));
        }
        long survivingSelfGrowth = Math.max(0, growth.deltaSelfSize() - growth.addedSize() + growth.removedSize());
        long netHeadRetained = heads == 0 ? 0 : (long) ((double) headRetained * netHeads(growth, heads) / heads);
        long own = netHeadRetained + survivingSelfGrowth;
        return Math.max(0, Math.min(own, growth.deltaSize()));
    }

    /** The reasons a class is an offender; empty when it is not. */
    static List<String> reasons(ClassGrowth growth, long own, long heads, AnalysisOptions options) {
        List<String> reasons = new ArrayList<>();
        if (own <= 0) {
            return reasons;
        }
        boolean engine = ENGINE_CLASSES.contains(growth.name());
        if (own >= options.absoluteThresholdBytes()) {
            reasons.add("absolute");
        }
        if (engine) {
            return reasons;
        }
        double rate = growth.retainedSizeBefore() == 0 ? Double.POSITIVE_INFINITY
                : (double) own / growth.retainedSizeBefore();
        if (own >= options.relativeMinBytes() && rate >= options.relativeThreshold()) {
            reasons.add("relative");
        }
        long newCount = Math.min(netHeads(growth, heads), growth.deltaCount());
        if (newCount >= options.countThreshold()
                && growth.countAfter() >= (1 + options.countGrowthRate()) * growth.countBefore()) {
            reasons.add("count");
        }
        return reasons;
    }
}
