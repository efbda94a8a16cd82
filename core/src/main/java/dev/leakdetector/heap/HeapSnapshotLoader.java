package dev.leakdetector.heap;

import dev.leakdetector.heap.classes.ClassAggregates;
import dev.leakdetector.heap.classes.ClassKeys;
import dev.leakdetector.heap.classes.ClassNames;
import dev.leakdetector.heap.classes.DomStatePropagation;
import dev.leakdetector.heap.classes.InterfaceInference;
import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.dominators.EssentialEdges;
import dev.leakdetector.heap.dominators.LengauerTarjan;
import dev.leakdetector.heap.dominators.PageObjects;
import dev.leakdetector.heap.dominators.RetainedSizes;
import dev.leakdetector.heap.dominators.SemiNca;
import dev.leakdetector.heap.dominators.ShallowSizeAttribution;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.ReverseEdges;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.HeapTooLargeException;
import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.heap.parse.SnapshotFormatException;
import dev.leakdetector.heap.paths.Distances;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads a snapshot file and runs the analysis pipeline as named steps, in the spirit of DevTools'
 * {@code HeapSnapshot.initialize()}.
 *
 * <p>After parsing, two chains run side by side, as DevTools splits its work over two workers:
 * <ul>
 *   <li>dominators: page objects, essential edges, the essential retainer index and
 *       Lengauer–Tarjan, which need only the immutable edges, types and ids;</li>
 *   <li>names and sizes: DOM state (which renames detached nodes), shallow-size re-attribution,
 *       distances, class names, interfaces and class keys.</li>
 * </ul>
 * Retained sizes need both chains (the re-attributed self sizes and the dominators) and run after.
 * The dominator chain runs in a method of its own, so its large temporaries become garbage as soon
 * as it returns.
 */
public final class HeapSnapshotLoader {
    private final HeapSnapshotParser.Options options;

    public HeapSnapshotLoader(HeapSnapshotParser.Options options) {
        this.options = options;
    }

    public HeapSnapshotLoader() {
        this(HeapSnapshotParser.Options.defaults());
    }

    public HeapSnapshot load(Path file) throws IOException, SnapshotFormatException, HeapTooLargeException {
        return load(file, null);
    }

    /**
     * @param interfaceDefinitions plain-object shapes to classify by (those of another snapshot, for
     *                             a comparison), or null to infer this snapshot's own
     */
    public HeapSnapshot load(Path file, List<InterfaceInference.Definition> interfaceDefinitions)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        ProgressListener progress = options.progress();
        Steps steps = new Steps(progress);

        HeapSnapshotParser parser = new HeapSnapshotParser(options);
        HeapGraph graph = steps.run("parse", () -> parser.parse(file));
        steps.record(new TreeMap<>(parser.sectionMillis()));

        ExecutorService pool = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heap-dominators");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<LengauerTarjan.Result> dominatorsFuture = options.threads() > 1
                    ? pool.submit(() -> dominators(graph, steps, progress)) : null;

            byte[] domStates = steps.run("propagate DOM state", () -> DomStatePropagation.apply(graph));
            steps.run("shallow sizes", () -> ShallowSizeAttribution.apply(graph));
            int[] distances = steps.run("distances", () -> Distances.compute(graph));
            int[] classIndex = steps.run("class names", () -> ClassNames.compute(graph));
            List<InterfaceInference.Definition> definitions = interfaceDefinitions != null ? interfaceDefinitions
                    : steps.run("infer interfaces", () -> InterfaceInference.infer(graph));
            steps.run("apply interfaces", () -> {
                InterfaceInference.apply(graph, definitions, classIndex);
                return null;
            });
            ClassKeys keys = steps.run("class keys", () -> ClassKeys.assign(graph, classIndex));

            LengauerTarjan.Result dominators = dominatorsFuture != null ? join(dominatorsFuture)
                    : dominators(graph, steps, progress);
            long[] retained = steps.run("retained sizes", () -> RetainedSizes.compute(graph, dominators));
            DominatorTree tree = steps.run("dominator tree",
                    () -> DominatorTree.build(dominators.dominators(), graph.rootOrdinal()));
            ClassAggregates aggregates = steps.run("class aggregates",
                    () -> ClassAggregates.compute(graph, keys, retained, distances, tree));
            return new HeapSnapshot(file, graph, domStates, tree, retained, distances, keys, aggregates, definitions,
                    dominators.unreachableFromRoot(), steps.millis());
        } finally {
            pool.shutdownNow();
        }
    }

    private static LengauerTarjan.Result dominators(HeapGraph graph, Steps steps, ProgressListener progress)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        EdgeBits pageObjects = steps.run("mark page objects", () -> PageObjects.mark(graph));
        EdgeBits essential = steps.run("essential edges", () -> EssentialEdges.compute(graph, pageObjects));
        LengauerTarjan.Result fast = steps.run("dominators", () -> SemiNca.compute(graph, essential, progress));
        if (fast != null) {
            return fast;
        }
        // Cycles that nothing reaches: only the exact port of DevTools' algorithm gives its answer.
        ReverseEdges retainers = steps.run("essential retainers", () -> ReverseEdges.build(graph, essential, false));
        return steps.run("dominators (exact)", () -> LengauerTarjan.compute(graph, essential, retainers, progress));
    }

    private static <T> T join(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing dominators", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Runs and times named steps, from any thread, and reports each as a progress phase. */
    private static final class Steps {
        private final ProgressListener progress;
        private final Map<String, Long> millis = Collections.synchronizedMap(new LinkedHashMap<>());

        Steps(ProgressListener progress) {
            this.progress = progress;
        }

        <T> T run(String name, Step<T> step) throws IOException, SnapshotFormatException, HeapTooLargeException {
            long start = System.nanoTime();
            progress.onProgress(name, 0, -1);
            T result = step.run();
            millis.put(name, (System.nanoTime() - start) / 1_000_000);
            return result;
        }

        void record(Map<String, Long> more) {
            millis.putAll(more);
        }

        Map<String, Long> millis() {
            synchronized (millis) {
                return new LinkedHashMap<>(millis);
            }
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException, SnapshotFormatException, HeapTooLargeException;
    }
}
