package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the holders off a retainer path, nearest first, skipping the engine's internal stores
 * (the elements and property arrays, hash tables) that sit between a JS object and what it holds.
 */
final class Holders {
    private static final Set<String> INTERNAL_TYPES = Set.of("array", "hidden", "code", "object shape");

    private Holders() {
    }

    /** Holder steps, nearest first, internal stores left out; at most {@code limit}. */
    static List<RetainerPath.Step> nearest(RetainerPath path, int limit) {
        List<RetainerPath.Step> result = new ArrayList<>();
        if (path == null) {
            return result;
        }
        List<RetainerPath.Step> steps = path.steps();
        for (int i = steps.size() - 2; i >= 0 && result.size() < limit; i--) {
            RetainerPath.Step step = steps.get(i);
            if (!INTERNAL_TYPES.contains(step.nodeType())) {
                result.add(step);
            }
        }
        return result;
    }

    /** The nearest visible holder, or null. */
    static RetainerPath.Step first(RetainerPath path) {
        List<RetainerPath.Step> holders = nearest(path, 1);
        return holders.isEmpty() ? null : holders.get(0);
    }

    /** "Class.edge" for a step, as the suspicious-retainer strings show it. */
    static String describe(RetainerPath.Step step) {
        return step.className() + step.normalizedEdgeLabel();
    }
}
