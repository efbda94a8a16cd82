package dev.leakdetector.analysis;

import dev.leakdetector.analysis.patterns.PatternContext;
import dev.leakdetector.analysis.patterns.PatternMatch;

import java.util.List;

/**
 * How sure the analysis is that an offender is a leak, from 0 to 1. A documented sum of evidence
 * (docs/analysis.md), not a probability:
 * <ul>
 *   <li>0.5 for growth that passed the criteria;</li>
 *   <li>+0.25 when ids are comparable and most of the class's net growth is new objects that are
 *       still alive (not churn);</li>
 *   <li>+0.1 with a baseline when the class grew in both intervals (steady, not one-time);</li>
 *   <li>+0.1 when a leak pattern matched and one retainer path holds most of the new objects;</li>
 *   <li>−0.25 when ids are not comparable (class-level evidence only).</li>
 * </ul>
 */
final class Confidence {
    private Confidence() {
    }

    static double of(ClassGrowth growth, GrowthAttribution.Group group, boolean comparable, boolean hasBaseline,
                     List<PatternMatch> patterns, PatternContext context) {
        double score = 0.5;
        if (comparable) {
            long net = growth.deltaCount();
            long survivingNew = growth.addedCount() - growth.removedCount();
            boolean accumulating = net > 0 && survivingNew >= 0.8 * net && growth.removedCount() <= 0.2 * growth.addedCount();
            boolean heads = group != null && group.count() > 0;
            if (accumulating || heads && growth.deltaSelfSize() > 0) {
                score += 0.25;
            }
        } else {
            score -= 0.25;
        }
        if (hasBaseline && growth.earlierDeltaSize() > 0 && growth.deltaSize() > 0) {
            score += 0.1;
        }
        if (!patterns.isEmpty() && context.mainClusterShare() >= 0.8) {
            score += 0.1;
        }
        return Math.round(Math.max(0.05, Math.min(0.99, score)) * 100) / 100.0;
    }
}
