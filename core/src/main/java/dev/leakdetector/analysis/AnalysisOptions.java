package dev.leakdetector.analysis;

/**
 * How the analysis decides what is a leak. Immutable; {@link #defaults()} gives the documented
 * defaults (docs/analysis.md).
 *
 * @param absoluteThresholdBytes growth that makes a class an offender by itself (default 10 MiB)
 * @param relativeThreshold      growth rate that makes a class an offender (default 0.5, i.e. +50 %) …
 * @param relativeMinBytes       … when it also grew by at least this much (default 1 MiB)
 * @param countThreshold         new instances that make a class an offender (default 1,000) …
 * @param countGrowthRate        … when its count also grew by this rate (default 0.5)
 * @param patternMinCount        new instances that make a class an offender when they match a
 *                               pattern that is a leak by nature (timers, promises, listeners, detached DOM); default 100
 * @param severity               severity thresholds
 * @param failOn                 the lowest severity that counts as a leak for the exit code and JUnit
 * @param maxOffenders           offenders reported at most
 * @param pathSamples            new instances per offender whose retainer paths are clustered
 * @param includeValues          whether reports may show string values from the heap
 * @param suppressions           known, accepted growth
 */
public record AnalysisOptions(long absoluteThresholdBytes, double relativeThreshold, long relativeMinBytes,
                              long countThreshold, double countGrowthRate, long patternMinCount,
                              Severity.Thresholds severity, Severity failOn, int maxOffenders, int pathSamples,
                              boolean includeValues, Suppressions suppressions) {

    public static final long MIB = 1024L * 1024L;

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(10 * MIB, 0.5, MIB, 1000, 0.5, 100, Severity.Thresholds.defaults(), Severity.MEDIUM,
                20, 5000, false, Suppressions.none());
    }

    public AnalysisOptions withAbsoluteThreshold(long bytes) {
        return new AnalysisOptions(bytes, relativeThreshold, relativeMinBytes, countThreshold, countGrowthRate,
                patternMinCount, severity, failOn, maxOffenders, pathSamples, includeValues, suppressions);
    }

    public AnalysisOptions withFailOn(Severity severity) {
        return new AnalysisOptions(absoluteThresholdBytes, relativeThreshold, relativeMinBytes, countThreshold,
                countGrowthRate, patternMinCount, this.severity, severity, maxOffenders, pathSamples, includeValues,
                suppressions);
    }

    public AnalysisOptions withSuppressions(Suppressions value) {
        return new AnalysisOptions(absoluteThresholdBytes, relativeThreshold, relativeMinBytes, countThreshold,
                countGrowthRate, patternMinCount, severity, failOn, maxOffenders, pathSamples, includeValues, value);
    }

    public AnalysisOptions withIncludeValues(boolean value) {
        return new AnalysisOptions(absoluteThresholdBytes, relativeThreshold, relativeMinBytes, countThreshold,
                countGrowthRate, patternMinCount, severity, failOn, maxOffenders, pathSamples, value, suppressions);
    }

    public AnalysisOptions withSeverity(Severity.Thresholds value) {
        return new AnalysisOptions(absoluteThresholdBytes, relativeThreshold, relativeMinBytes, countThreshold,
                countGrowthRate, patternMinCount, value, failOn, maxOffenders, pathSamples, includeValues, suppressions);
    }
}
