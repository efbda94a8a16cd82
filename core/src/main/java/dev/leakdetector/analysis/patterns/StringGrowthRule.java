package dev.leakdetector.analysis.patterns;

import java.util.Optional;
import java.util.Set;

/** Strings that accumulate: logs, keys, concatenated payloads. */
final class StringGrowthRule implements PatternRule {
    private static final Set<String> CLASSES = Set.of("(string)", "(concatenated string)", "(sliced string)");

    @Override
    public String id() {
        return "string-growth";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        if (!CLASSES.contains(context.className())) {
            return Optional.empty();
        }
        var holder = Holders.first(context.mainPath());
        String held = holder == null ? "" : ", held by " + Holders.describe(holder);
        return Optional.of(new PatternMatch(id(), "String growth",
                context.growth().deltaCount() + " more strings are alive" + held + ".",
                "Strings are usually a symptom: fix the holder shown in the path. Sliced and concatenated"
                        + " strings keep their whole parent string alive; copy small parts you keep.",
                context.mainPath() == null ? "" : context.mainPath().render()));
    }
}
