package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.Optional;

/** An array that only grows: objects are pushed and never removed. */
final class ArrayGrowthRule implements PatternRule {
    @Override
    public String id() {
        return "array-growth";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        RetainerPath.Step holder = Holders.first(path);
        if (holder == null || !"Array".equals(holder.className())) {
            return Optional.empty();
        }
        var holders = Holders.nearest(path, 2);
        String owner = holders.size() > 1 ? " (" + Holders.describe(holders.get(1)) + ")" : "";
        return Optional.of(new PatternMatch(id(), "Array growth",
                context.className() + " objects are appended to an Array" + owner + " and never removed.",
                "Remove entries when they are no longer needed, cap the array's length (a ring buffer), or"
                        + " aggregate instead of keeping every item.",
                path.render()));
    }
}
