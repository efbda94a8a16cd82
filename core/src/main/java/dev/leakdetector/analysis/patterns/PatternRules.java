package dev.leakdetector.analysis.patterns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The leak patterns, in the order they are tried: patterns of the leaking objects' own kind
 * first (detached DOM, timers, promises), then holders from the most specific (an emitter's
 * listener table) to the most general (a closure scope), then memory kinds that are usually a
 * symptom (buffers, strings).
 */
public final class PatternRules {
    public static final List<PatternRule> DEFAULT = List.of(
            new DetachedDomRule(),
            new TimerRule(),
            new PendingPromiseRule(),
            new EventEmitterListenerRule(),
            new CollectionRule(),
            new ArrayGrowthRule(),
            new ClosureContextRule(),
            new ExternalMemoryRule(),
            new StringGrowthRule());

    private PatternRules() {
    }

    /** Every matching pattern, in rule order; the first is the offender's main pattern. */
    public static List<PatternMatch> matchAll(List<PatternRule> rules, PatternContext context) {
        List<PatternMatch> matches = new ArrayList<>();
        for (PatternRule rule : rules) {
            Optional<PatternMatch> match = rule.match(context);
            match.ifPresent(matches::add);
        }
        return matches;
    }
}
