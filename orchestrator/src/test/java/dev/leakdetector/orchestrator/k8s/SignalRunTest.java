package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.dumps.SignalSnapshots;
import dev.leakdetector.orchestrator.workflow.Cleanup;
import dev.leakdetector.orchestrator.workflow.Journal;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.orchestrator.workflow.SnapshotMethod;
import dev.leakdetector.report.ReportFormat;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.leakdetector.orchestrator.k8s.K8sTestbed.OTHER;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.TARGET;
import static dev.leakdetector.orchestrator.k8s.K8sTestbed.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code --heapsnapshot-signal} fallback on Kubernetes, with a real Node service behind the
 * pretend pod: the signal is sent by exec, Node writes the snapshot into its working directory,
 * and it is copied out through the exec stream, deleted, and analysed. Node 20 has no
 * {@code --disable-sigusr1}, so the inspector is made unusable with {@code --inspect-port=0}, or the
 * method is forced.
 */
class SignalRunTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final K8sTestbed bed = new K8sTestbed(() -> dir);

    Path workdir;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws IOException {
        workdir = Files.createDirectories(dir.resolve("app"));
    }

    /**
     * Deployment web, two Ready pods behind service web; the target runs the leaking service with
     * these Node options (in its pod spec and for real), in its own working directory.
     */
    private LocalApp cluster(List<String> nodeOptions, Map<String, String> env) throws Exception {
        Path maintenance = dir.resolve("maintenance");
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(nodeOptions);
        command.add("server.js");
        Container container = new ContainerBuilder().withName("app").withImage("registry.example/shop/web:1.4")
                .withCommand(command)
                .addNewEnv().withName("LEAK_DETECTOR_AGENT_MAINTENANCE_FILE").withValue(maintenance.toString()).endEnv()
                .addNewPort().withContainerPort(8080).endPort()
                .withNewResources().addToLimits("memory", new Quantity("512Mi")).endResources().build();
        PodSpec spec = K8sTestbed.spec(true, container);
        ReplicaSet rs = bed.deployment("web", 2, spec);
        Map<String, String> labels = Map.of("app", "web", "pod-template-hash", "5c8d7");
        bed.runningPod(TARGET, rs, labels, spec, 11);
        bed.runningPod(OTHER, rs, labels, spec, 12);
        bed.service("web", Map.of("app", "web"), false);
        LocalApp app = bed.closeLater(LocalApp.start(nodeOptions, Paths.get(LocalApp.script("node/k8s-app.js")),
                List.of(maintenance.toString()), env, workdir.resolve("app.log")));
        bed.pods.put(K8sTestbed.NS, TARGET, new LocalPods.Container(Set.of(app.pid()), Map.of(9229, app.inspectorPort()),
                Map.of(), false));
        bed.fake.probe(TARGET, app.port());
        bed.fake.step();
        bed.fake.start();
        return app;
    }

    private RunWorkflow.Result run(SnapshotMethod method, K8sSettings settings, String runId) throws Exception {
        RunRequest r = bed.request(TARGET, null, Duration.ofSeconds(2));
        RunRequest request = new RunRequest(r.targetId(), r.delay(), r.outputDirectory(), null, "k8s", true, null,
                r.drainGracePeriod(), false, null, null, r.namespace(), null, List.of(), 0, Map.of(), false, false,
                r.analysis(), method);
        try (KubernetesPlatform platform = bed.platform(settings)) {
            return new RunWorkflow(platform, Clock.systemUTC(), log::add, log::add, ProgressListener.NONE)
                    .run(request, runId, EnumSet.of(ReportFormat.JSON));
        }
    }

    private List<String> heapFiles() throws IOException {
        try (Stream<Path> files = Files.list(workdir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("Heap.")).sorted().toList();
        }
    }

    @Test
    void aServiceWithoutAnInspectorIsSnapshottedByItsSignalAndComparedObjectByObject() throws Exception {
        LocalApp app = cluster(List.of("--heapsnapshot-signal=SIGUSR2", "--inspect-port=0"), Map.of());

        RunWorkflow.Result result = run(SnapshotMethod.AUTO, K8sTestbed.settings(), "ld-20261128-120000-5167");

        assertThat(result.undoFailures()).isEmpty();
        assertThat(result.report().summary().leakFound()).as(result.report().summary().toString()).isTrue();
        assertThat(result.report().offenders()).extracting(o -> o.type()).contains("LeakedSession");
        // Two dumps of one process with no inspector session in between: V8 kept its object ids.
        assertThat(result.report().idLevel().comparable()).as(result.report().idLevel().toString()).isTrue();
        assertThat(result.report().idLevel().newObjects()).isPositive();
        assertThat(log).anyMatch(l -> l.equals("snapshots by SIGUSR2 to pid " + app.pid() + " in pod shop/" + TARGET
                + " (container app) (--heapsnapshot-signal; no inspector), copied out by exec through the API server"));
        String pod = TARGET + ": ";
        assertThat(bed.pods.execs())
                .contains(pod + "/bin/sh -c kill -s \"$1\" \"$2\" sh USR2 " + app.pid())
                .anyMatch(e -> e.startsWith(pod + "cat " + workdir + "/Heap.") && e.endsWith(".heapsnapshot"))
                .noneMatch(e -> e.contains("USR1"));
        assertThat(bed.pods.tunnelsOpened()).as("no port-forward to an inspector").isZero();
        for (String name : List.of("before.heapsnapshot", "after.heapsnapshot")) {
            Path file = result.directory().resolve(name);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(result.directory().resolve(name + ".partial")).doesNotExist();
        }
        assertThat(heapFiles()).as("snapshots left in the container").isEmpty();
        assertThat(app.alive()).isTrue();
        assertClusterAsBefore();
        assertThat(Journal.read(result.directory().resolve(Journal.FILE_NAME)).undos()).isEmpty();
    }

    @Test
    void aDirectoryNodeCannotWriteIsRefusedBeforeAnythingChanges() throws Exception {
        // Node 20 dies of a snapshot it cannot write, so this must never get as far as the signal.
        LocalApp app = cluster(List.of("--heapsnapshot-signal=SIGUSR2", "--diagnostic-dir=/sys", "--inspect-port=0"),
                Map.of());

        assertThatThrownBy(() -> run(SnapshotMethod.AUTO, K8sTestbed.settings(), "ld-20261128-120000-5168"))
                .isExactlyInstanceOf(OrchestrationException.class)
                .hasMessage("Node (uid 0) cannot create files in /sys of pod shop/" + TARGET + " (container app)"
                        + " (Permission denied), where its --heapsnapshot-signal writes the snapshot, and Node exits when"
                        + " that write fails. Start Node with --diagnostic-dir=<a writable directory>, or make /sys"
                        + " writable");

        assertThat(bed.writes()).isEmpty();
        assertThat(bed.pods.execs()).noneMatch(e -> e.contains("kill"));
        assertThat(app.alive()).isTrue();
    }

    @Test
    void aSnapshotThatNeverAppearsFailsTheRunAndCleanupDeletesOnlyWhatTheSignalCaused() throws Exception {
        // The app took SIGUSR2 for itself, so the signal writes nothing; the method is forced.
        LocalApp app = cluster(List.of("--heapsnapshot-signal=SIGUSR2"), Map.of("OWN_SIGUSR2", "1"));
        long pid = app.pid();
        String operators = "Heap.20250101.000000." + pid + ".0.001.heapsnapshot";
        Files.writeString(workdir.resolve(operators), "");
        K8sSettings settings = K8sTestbed.settings().withDumps(new SignalSnapshots.Timeouts(Duration.ofSeconds(2),
                Duration.ofMinutes(1), Duration.ofMinutes(5)));
        String runId = "ld-20261128-120000-5169";

        assertThatThrownBy(() -> run(SnapshotMethod.SIGNAL, settings, runId))
                .isExactlyInstanceOf(OrchestrationException.class)
                .hasMessage("the snapshot file did not appear in " + workdir + " of pod shop/" + TARGET + " (container"
                        + " app) within 2 s after SIGUSR2 to pid " + pid + " (does the app handle SIGUSR2 itself,"
                        + " replacing Node's --heapsnapshot-signal listener? is its event loop blocked?)");

        await("the app's own SIGUSR2 handler to run", () -> app.output().contains("SIGUSR2: the app handles it itself"));
        assertThat(app.alive()).isTrue();
        assertClusterAsBefore();
        assertThat(heapFiles()).as("a file from before the run is not ours to delete").containsExactly(operators);

        // What a detector killed before its undo ran leaves: the deletion still open in the journal,
        // and a snapshot Node wrote late. cleanup deletes that one, and only that one.
        Path journal = dir.resolve("runs").resolve(runId).resolve(Journal.FILE_NAME);
        List<String> lines = Files.readAllLines(journal).stream()
                .filter(l -> !(l.contains("\"undo-done\"") && l.contains(UndoRecords.REMOVE_SNAPSHOT_FILES))).toList();
        Files.write(journal, lines);
        String late = "Heap.20250101.000001." + pid + ".0.002.heapsnapshot";
        String otherProcess = "Heap.20250101.000001.99999.0.001.heapsnapshot";
        Files.writeString(workdir.resolve(late), "");
        Files.writeString(workdir.resolve(otherProcess), "");
        Cleanup.Result cleaned;
        try (KubernetesPlatform platform = bed.platform()) {
            cleaned = new Cleanup(List.of(platform), Clock.systemUTC(), line -> { }).run(runId, dir.resolve("runs"));
        }
        assertThat(cleaned.failed()).isEmpty();
        assertThat(cleaned.done()).containsExactly("remove the heap snapshot pid " + pid + " wrote into " + workdir
                + " of pod shop/" + TARGET);
        assertThat(heapFiles()).containsExactly(operators, otherProcess);
    }

    private void assertClusterAsBefore() throws Exception {
        await("two pods", () -> bed.allPods().size() == 2);
        Deployment deployment = bed.client.apps().deployments().inNamespace(K8sTestbed.NS).withName("web").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getMetadata().getAnnotations()).doesNotContainKeys(Names.SCALED_ANNOTATION);
        assertThat(bed.allPods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder(TARGET, OTHER);
        Pod target = bed.pod(TARGET);
        assertThat(target.getMetadata().getAnnotations()).doesNotContainKeys(Names.DELETION_COST,
                Names.PREVIOUS_COST_ANNOTATION, Names.DRAIN_ANNOTATION, Names.RUN_ANNOTATION);
        assertThat(PodState.condition(target, Names.OWN_READINESS_GATE).getStatus()).isEqualTo("True");
        assertThat(bed.pods.openRelays()).isZero();
    }
}
