package dev.leakdetector.analysis.patterns;

import java.util.Optional;

/**
 * One leak pattern. Rules are pure functions of the evidence: they read retainer paths and class
 * names and never guess beyond them. They run in the order of {@link PatternRules#DEFAULT}, most
 * specific first; the first match names an offender's pattern, and every match is reported.
 */
public interface PatternRule {

    /** Stable identifier, also used in reports and suppressions. */
    String id();

    Optional<PatternMatch> match(PatternContext context);
}
