package dev.leakdetector.orchestrator.local;

import dev.leakdetector.analysis.AnalysisOptions;
import dev.leakdetector.orchestrator.workflow.DrainMethod;
import dev.leakdetector.orchestrator.workflow.InspectorAccess;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.Platform;
import dev.leakdetector.orchestrator.workflow.Replacement;
import dev.leakdetector.orchestrator.workflow.RunContext;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.Target;
import dev.leakdetector.orchestrator.workflow.TargetNotFoundException;
import dev.leakdetector.orchestrator.workflow.UndoRecord;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.report.ReportFormat;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The run workflow on the local platform, end to end with real Node.js processes behind the
 * embedded proxy and a real load through it; and with failures injected at every step.
 */
class LocalRunTest {

    @TempDir
    Path dir;

    @Test
    void findsALeakWithZeroFailedRequests() throws Exception {
        try (ManagedService service = start(true)) {
            LoadGenerator load = LoadGenerator.start(service.proxy().port(), "/api/items/", 150, Duration.ofMinutes(5));
            RunWorkflow.Result result;
            try {
                Thread.sleep(1000);
                result = workflow(new LocalPlatform(service)).run(request(service, Duration.ofSeconds(6)), "ld-test-leak",
                        EnumSet.allOf(ReportFormat.class));
            } finally {
                load.close();
            }
            LoadGenerator.Stats stats = load.stats();
            assertThat(stats.sent()).isGreaterThan(500);
            assertThat(stats.failed()).as(stats.failures().toString()).isZero();
            assertThat(result.report().summary().leakFound()).isTrue();
            assertThat(result.report().offenders().get(0).type()).isEqualTo("Entry");
            assertThat(result.report().offenders().get(0).retainerPaths().get(0).path()).contains("->kept");
            assertTrafficBackOnTarget(service);
            assertNoReplacementOf("ld-test-leak");
            for (String file : List.of("analysis.json", "summary.txt", "junit.xml", "report.html", "journal.jsonl",
                    "before.heapsnapshot", "after.heapsnapshot")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(result.directory().resolve(file))))
                        .as(file).isEqualTo("rw-------");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(result.directory())))
                    .isEqualTo("rwx------");
            String journal = Files.readString(result.directory().resolve("journal.jsonl"));
            assertThat(journal).contains("\"step\":\"replacement\"").contains("undo-registered").contains("undo-done")
                    .contains("\"event\":\"run-end\"");
        }
    }

    @Test
    void aHealthyServiceIsNotALeak() throws Exception {
        try (ManagedService service = start(false);
             LoadGenerator load = LoadGenerator.start(service.proxy().port(), "/api/items/", 100, Duration.ofMinutes(5))) {
            Thread.sleep(1000);
            RunWorkflow.Result result = workflow(new LocalPlatform(service)).run(request(service, Duration.ofSeconds(4)),
                    "ld-test-healthy", EnumSet.of(ReportFormat.JSON));
            assertThat(result.report().summary().leakFound()).isFalse();
            assertThat(load.stop().failed()).isZero();
            assertTrafficBackOnTarget(service);
        }
    }

    /** Where the injected failure strikes. */
    enum Fault { INSPECTOR, AFTER_REPLACEMENT, AFTER_DRAIN }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailingStepLeavesTheTargetServingAndNothingBehind(Fault fault) throws Exception {
        try (ManagedService service = start(false);
             LoadGenerator load = LoadGenerator.start(service.proxy().port(), "/api/items/", 100, Duration.ofMinutes(5))) {
            String runId = "ld-test-fault-" + fault.name().toLowerCase();
            Platform platform = new FailingPlatform(new LocalPlatform(service), fault);
            assertThatThrownBy(() -> workflow(platform).run(request(service, Duration.ofSeconds(2)), runId,
                    EnumSet.of(ReportFormat.JSON)))
                    .isInstanceOf(OrchestrationException.class).hasMessageContaining("injected");
            assertTrafficBackOnTarget(service);
            assertNoReplacementOf(runId);
            assertThat(load.stop().failed()).isZero();
        }
    }

    @Test
    void aTargetKilledMidRunIsAClearErrorAndTheReplacementIsRemoved() throws Exception {
        try (ManagedService service = start(true)) {
            Thread killer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(5000);
                    ProcessHandle.of(service.pid()).ifPresent(ProcessHandle::destroyForcibly);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThatThrownBy(() -> workflow(new LocalPlatform(service)).run(request(service, Duration.ofSeconds(20)),
                    "ld-test-killed", EnumSet.of(ReportFormat.JSON)))
                    .hasMessageContaining("after snapshot").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            killer.join();
            assertNoReplacementOf("ld-test-killed");
            assertThat(Files.exists(dir.resolve("ld-test-killed/after.heapsnapshot.partial"))).isFalse();
        }
    }

    @Test
    void badTargetsChangeNothing() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            RunRequest notNode = new RunRequest(Long.toString(sleeper.pid()), Duration.ofSeconds(1), dir, null, "local",
                    true, null, Duration.ofSeconds(1), false, null, null, null, null, List.of(), 0, Map.of(), false, false,
                    AnalysisOptions.defaults());
            assertThatThrownBy(() -> workflow(new LocalPlatform(null)).run(notNode, "ld-test-bad", EnumSet.of(ReportFormat.JSON)))
                    .isInstanceOf(TargetNotFoundException.class).hasMessageContaining("not a Node.js process");
        } finally {
            sleeper.destroyForcibly();
        }
        RunRequest missing = new RunRequest("3999999999", Duration.ofSeconds(1), dir, null, "local", true, null,
                Duration.ofSeconds(1), false, null, null, null, null, List.of(), 0, Map.of(), false, false,
                AnalysisOptions.defaults());
        assertThatThrownBy(() -> workflow(new LocalPlatform(null)).run(missing, "ld-test-missing", EnumSet.of(ReportFormat.JSON)))
                .isInstanceOf(TargetNotFoundException.class).hasMessageContaining("no process with pid");
    }

    private ManagedService start(boolean leak) throws Exception {
        Path log = dir.resolve("service-" + System.nanoTime() + ".log");
        return ManagedService.start(List.of("node", NodeFixtures.resource("node/service.js").toString()),
                Map.of("LEAK", leak ? "1" : "0"), dir, 0, log, Duration.ofSeconds(30));
    }

    private RunRequest request(ManagedService service, Duration delay) {
        return new RunRequest(Long.toString(service.pid()), delay, dir, null, "local", true, DrainMethod.PROXY,
                Duration.ofSeconds(1), false, null, null, null, null, List.of(), service.proxy().port(), Map.of(), false,
                false, AnalysisOptions.defaults());
    }

    private static RunWorkflow workflow(Platform platform) {
        return new RunWorkflow(platform, Clock.systemUTC(), line -> { }, line -> { }, ProgressListener.NONE);
    }

    private static void assertTrafficBackOnTarget(ManagedService service) throws Exception {
        assertThat(service.proxy().backendPort()).isEqualTo(service.servicePort());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.proxy().port() + "/api/items/check")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"pid\":" + service.pid()).contains("\"role\":\"target\"");
    }

    /** No process carries the run's id as a replacement. */
    private static void assertNoReplacementOf(String runId) throws Exception {
        List<String> left = new ArrayList<>();
        for (UndoRecord record : new LocalPlatform(null).leftovers(runId)) {
            left.add(record.description());
        }
        assertThat(left).isEmpty();
    }

    /** The real local platform with one step made to fail after (or instead of) doing its work. */
    private static final class FailingPlatform implements Platform {
        private final LocalPlatform delegate;
        private final Fault fault;

        FailingPlatform(LocalPlatform delegate, Fault fault) {
            this.delegate = delegate;
            this.fault = fault;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public Target discover(RunRequest request) throws OrchestrationException {
            return delegate.discover(request);
        }

        @Override
        public void preflight(Target target, RunRequest request) throws OrchestrationException {
            delegate.preflight(target, request);
        }

        @Override
        public InspectorAccess openInspector(Target target, RunRequest request, RunContext context)
                throws OrchestrationException {
            if (fault == Fault.INSPECTOR) {
                throw new OrchestrationException("injected: inspector unreachable");
            }
            return delegate.openInspector(target, request, context);
        }

        @Override
        public Replacement startReplacement(Target target, RunRequest request, RunContext context)
                throws OrchestrationException {
            Replacement replacement = delegate.startReplacement(target, request, context);
            if (fault == Fault.AFTER_REPLACEMENT) {
                throw new OrchestrationException("injected: failure after the replacement started");
            }
            return replacement;
        }

        @Override
        public void drain(Target target, Replacement replacement, RunRequest request, RunContext context)
                throws OrchestrationException {
            delegate.drain(target, replacement, request, context);
            if (fault == Fault.AFTER_DRAIN) {
                throw new OrchestrationException("injected: failure after the drain");
            }
        }

        @Override
        public void undo(UndoRecord record) throws Exception {
            delegate.undo(record);
        }

        @Override
        public List<UndoRecord> leftovers(String runId) {
            return delegate.leftovers(runId);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
