package dev.leakdetector.analysis;

import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.report.LeakReport;
import dev.leakdetector.testing.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analysis on snapshots written by real Node.js processes running known leaks and known
 * healthy workloads: the verdict, the likely source, the pattern, and the evidence path naming the
 * variable that really holds the leak.
 */
class ScenarioAnalysisTest {

    @Test
    void arrayLeak() throws Exception {
        LeakReport report = analyze("array-leak", true);
        LeakReport.Offender top = assertLeak(report, "RequestRecord", "array-growth");
        assertThat(top.retainerPaths().get(0).path()).contains("->requestLog").contains("Array[");
        assertThat(report.summary().likelyLeakSource()).startsWith("RequestRecord").contains("requestLog");
        // Each record is new and still alive; nothing of the class was freed.
        assertThat(top.addedCount()).isEqualTo(20_000);
        assertThat(top.removedCount()).isZero();
        // With the baseline: the records allocated before "before" are all still alive.
        assertThat(top.survivorCount()).isEqualTo(20_000);
        assertThat(top.retainerPaths().get(0).count()).isEqualTo(20_000);
    }

    @Test
    void listenerClosures() throws Exception {
        LeakReport report = analyze("listener-leak", true);
        LeakReport.Offender top = assertLeak(report, "Function", "event-emitter-listeners");
        assertThat(top.retainerPaths().get(0).path()).contains("->configBus").contains("._events")
                .contains(".config-changed");
        assertThat(top.patterns().get(0).description()).contains("ConnectionState");
    }

    @Test
    void mapCache() throws Exception {
        LeakReport report = analyze("map-cache-leak", true);
        LeakReport.Offender top = assertLeak(report, "CachedResponse", "map-set-accumulation");
        assertThat(top.retainerPaths().get(0).path()).contains("->responseCache").contains("Map{table}");
    }

    @Test
    void pendingPromises() throws Exception {
        LeakReport report = analyze("promise-leak", true);
        LeakReport.Offender top = report.offenders().get(0);
        assertThat(report.summary().status()).isEqualTo("leak");
        assertThat(top.patterns()).extracting(LeakReport.Pattern::id).contains("pending-promises");
        assertThat(top.retainerPaths().get(0).path()).contains("->waiting");
    }

    @Test
    void timers() throws Exception {
        LeakReport report = analyze("timer-leak", true);
        LeakReport.Offender top = assertLeak(report, "Timeout", "timers");
        assertThat(top.retainerPaths().get(0).path()).contains("TimersList");
        assertThat(top.addedCount()).isEqualTo(4_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"healthy-lru", "healthy-churn", "healthy-warmup"})
    void healthyWorkloadsAreNotLeaks(String scenario) throws Exception {
        for (boolean baseline : List.of(true, false)) {
            LeakReport report = analyze(scenario, baseline);
            // One process and session: ids are comparable, even where the LRU cache replaced most
            // of before's objects.
            assertThat(report.idLevel().comparable()).as("%s: %s", scenario, report.idLevel().note()).isTrue();
            assertThat(report.summary().status()).as("%s, baseline %s", scenario, baseline).isEqualTo("no-leak");
            assertThat(report.offenders()).as("%s, baseline %s", scenario, baseline).isEmpty();
            assertThat(report.summary().leakFound()).isFalse();
        }
    }

    @Test
    void twoSnapshotsAreEnough() throws Exception {
        LeakReport report = analyze("array-leak", false);
        assertLeak(report, "RequestRecord", "array-growth");
        assertThat(report.baseline()).isNull();
        assertThat(report.offenders().get(0).survivorCount()).isNull();
    }

    /** Snapshots of two different processes: ids mean nothing, so the analysis says so and stays class-level. */
    @Test
    void unrelatedProcessesFallBackToClassLevel() throws Exception {
        Scenarios.Files3 first = Scenarios.get("array-leak");
        Scenarios.Files3 second = Scenarios.secondRun("array-leak");
        LeakReport report = analyzer(AnalysisOptions.defaults()).analyze(null, first.before(), second.after(),
                LeakReport.Target.none());
        assertThat(report.idLevel().comparable()).isFalse();
        assertThat(report.idLevel().note()).contains("class-level");
        LeakReport.Offender top = report.offenders().get(0);
        assertThat(top.type()).isEqualTo("RequestRecord");
        assertThat(top.addedCount()).isNull();
        assertThat(top.confidence()).isLessThan(0.8);
    }

    @Test
    void suppressedGrowthIsListedAsSuppressed() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("suppress", ".json");
        java.nio.file.Files.writeString(file, "{\"suppressions\":[{\"class\":\"Request*\",\"path\":\"*requestLog*\","
                + "\"maxGrowth\":\"100MB\",\"reason\":\"audit log, trimmed nightly\"}]}");
        Scenarios.Files3 files = Scenarios.get("array-leak");
        LeakReport report = analyzer(AnalysisOptions.defaults().withSuppressions(Suppressions.read(file)))
                .analyze(null, files.before(), files.after(), LeakReport.Target.none());
        assertThat(report.offenders()).extracting(LeakReport.Offender::type).doesNotContain("RequestRecord");
        assertThat(report.suppressed()).extracting(LeakReport.Offender::suppressedBy)
                .containsExactly("audit log, trimmed nightly");
        assertThat(report.summary().status()).isEqualTo("no-leak");

        // A cap below the growth puts the offender back.
        java.nio.file.Files.writeString(file, "{\"suppressions\":[{\"class\":\"RequestRecord\",\"maxGrowth\":\"1MB\"}]}");
        report = analyzer(AnalysisOptions.defaults().withSuppressions(Suppressions.read(file)))
                .analyze(null, files.before(), files.after(), LeakReport.Target.none());
        assertThat(report.offenders().get(0).type()).isEqualTo("RequestRecord");
        java.nio.file.Files.delete(file);
    }

    @Test
    void failOnDecidesTheVerdictNotTheEvidence() throws Exception {
        Scenarios.Files3 files = Scenarios.get("array-leak");
        LeakReport report = analyzer(AnalysisOptions.defaults().withFailOn(Severity.CRITICAL))
                .analyze(null, files.before(), files.after(), LeakReport.Target.none());
        assertThat(report.summary().status()).isEqualTo("suspicious");
        assertThat(report.summary().leakFound()).isFalse();
        assertThat(report.offenders().get(0).type()).isEqualTo("RequestRecord");
    }

    private static LeakReport.Offender assertLeak(LeakReport report, String type, String pattern) {
        assertThat(report.summary().status()).isEqualTo("leak");
        assertThat(report.summary().leakFound()).isTrue();
        assertThat(report.idLevel().comparable()).isTrue();
        LeakReport.Offender top = report.offenders().get(0);
        assertThat(top.type()).isEqualTo(type);
        assertThat(top.patterns()).isNotEmpty();
        assertThat(top.patterns().get(0).id()).isEqualTo(pattern);
        assertThat(top.severity().atLeast(Severity.MEDIUM)).isTrue();
        assertThat(top.confidence()).isGreaterThanOrEqualTo(0.8);
        assertThat(top.retainerPaths()).isNotEmpty();
        assertThat(report.summary().likelyLeakSource()).startsWith(type);
        assertThat(report.summary().recommendations()).isNotEmpty();
        return top;
    }

    private static LeakReport analyze(String scenario, boolean withBaseline) throws Exception {
        Scenarios.Files3 files = Scenarios.get(scenario);
        return analyzer(AnalysisOptions.defaults()).analyze(withBaseline ? files.baseline() : null, files.before(),
                files.after(), LeakReport.Target.none());
    }

    private static LeakAnalyzer analyzer(AnalysisOptions options) {
        return new LeakAnalyzer(options, HeapSnapshotParser.Options.defaults(),
                Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));
    }
}
