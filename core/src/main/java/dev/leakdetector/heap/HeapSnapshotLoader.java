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
import dev.leakdetector.heap.graph.Futures;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.NodeSizes;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Loads a snapshot file and runs the analysis pipeline as named steps, in the spirit of DevTools'
 * {@code HeapSnapshot.initialize()}.
 *
 * <p>After parsing, page objects and the essential edges are found, the edges split between both
 * threads. Then two chains run side by side, as DevTools splits its work over two workers:
 * <ul>
 *   <li>dominators: semi-NCA (or the exact Lengauer–Tarjan port where semi-NCA declines), then
 *       retained sizes and the dominator tree, which the loading thread builds meanwhile if it is
 *       free by then;</li>
 *   <li>names and sizes: DOM state (which renames detached nodes), shallow-size re-attribution,
 *       distances, class names, interfaces and class keys.</li>
 * </ul>
 * Retained sizes need the re-attributed self sizes, so the dominator chain waits for the shallow-size
 * step before it sums them; that step comes early in the other chain, so the wait is normally over
 * before it starts. Class aggregates need both chains and run last, on both threads. Each chain keeps its large
 * temporaries in its own methods' locals and drops them as soon as it can: peak memory decides the
 * largest snapshot that loads.
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
        return load(file, interfaceDefinitions, true, null, null);
    }

    /**
     * As {@link #load(Path, List)}, without distances from the GC roots: for the snapshots of a
     * comparison, which never asks for a distance. The BFS over every edge is a second's work on a
     * 1 GB snapshot. The snapshot's {@link HeapSnapshot#distance} and its class summaries' distances
     * then throw.
     */
    public HeapSnapshot loadWithoutDistances(Path file, List<InterfaceInference.Definition> interfaceDefinitions)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        return load(file, interfaceDefinitions, false, null, null);
    }

    /**
     * As {@link #loadWithoutDistances}, and runs {@code sideTask} (timed as step {@code sideStep})
     * where the loading thread would otherwise wait for the dominators (the longest step, on the
     * other thread): work the caller needs anyway, done in time that would be idle. By then names
     * and self sizes are final. It must not change them: the dominator thread is still reading them.
     */
    public HeapSnapshot loadWithoutDistances(Path file, List<InterfaceInference.Definition> interfaceDefinitions,
                                             String sideStep, SideTask sideTask)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        return load(file, interfaceDefinitions, false, sideStep, sideTask);
    }

    private HeapSnapshot load(Path file, List<InterfaceInference.Definition> interfaceDefinitions, boolean withDistances,
                              String sideStep, SideTask sideTask)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        ProgressListener progress = options.progress();
        Steps steps = new Steps(progress);

        HeapSnapshotParser parser = new HeapSnapshotParser(options);
        HeapGraph graph = steps.run("parse", () -> parser.parse(file));
        steps.record(new TreeMap<>(parser.sectionMillis()));
        compactHeap(graph, steps, "collect parse garbage");

        ExecutorService pool = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heap-dominators");
            thread.setDaemon(true);
            return thread;
        });
        CompletableFuture<Void> selfSizesFinal = new CompletableFuture<>();
        CompletableFuture<LengauerTarjan.Result> dominatorsDone = new CompletableFuture<>();
        // Whichever thread is free first once the dominators are known builds their tree: the
        // loading thread, usually, while the other sums the retained sizes.
        FutureTask<DominatorTree> treeTask = new FutureTask<>(() -> {
            int[] idoms = join(dominatorsDone).dominators();
            return steps.run("dominator tree", () -> DominatorTree.build(idoms, graph.rootOrdinal()));
        });
        try {
            EdgeBits pageObjects = steps.run("mark page objects", () -> PageObjects.mark(graph));
            EdgeBits ephemerons = new EdgeBits(graph.edgeCount());
            EdgeBits essential = steps.run("essential edges",
                    () -> essentialEdges(graph, pageObjects, ephemerons, options.threads() > 1 ? pool : null));
            Future<DominatorResults> dominatorsFuture = options.threads() > 1
                    ? pool.submit(() -> dominatorChain(graph, essential, steps, progress, selfSizesFinal, dominatorsDone,
                            treeTask)) : null;

            byte[] domStates = steps.run("propagate DOM state", () -> DomStatePropagation.apply(graph));
            steps.run("shallow sizes", () -> ShallowSizeAttribution.apply(graph));
            selfSizesFinal.complete(null);
            int[] distances = withDistances ? steps.run("distances", () -> Distances.compute(graph, ephemerons)) : null;
            int[] classIndex = steps.run("class names", () -> ClassNames.compute(graph));
            List<InterfaceInference.Definition> definitions = interfaceDefinitions != null ? interfaceDefinitions
                    : steps.run("infer interfaces", () -> InterfaceInference.infer(graph));
            steps.run("apply interfaces", () -> {
                InterfaceInference.apply(graph, definitions, classIndex);
                return null;
            });
            ClassKeys keys = steps.run("class keys", () -> ClassKeys.assign(graph, classIndex));
            if (sideTask != null) {
                steps.run(sideStep, () -> {
                    sideTask.run(graph, keys, ephemerons);
                    return null;
                });
            }

            if (dominatorsFuture != null) {
                treeTask.run();
            }
            DominatorResults dominators = dominatorsFuture != null ? join(dominatorsFuture)
                    : dominatorChain(graph, essential, steps, progress, selfSizesFinal, dominatorsDone, treeTask);
            DominatorTree tree = dominators.tree();
            ClassAggregates aggregates = steps.run("class aggregates", () -> ClassAggregates.compute(graph, keys,
                    dominators.retained(), distances, tree, dominatorsFuture != null ? pool : null));
            return new HeapSnapshot(file, graph, domStates, tree, dominators.retained(), distances, keys,
                    aggregates, definitions, dominators.unreachableFromRoot(), steps.millis());
        } finally {
            selfSizesFinal.completeExceptionally(new CancellationException("loading stopped"));
            dominatorsDone.completeExceptionally(new CancellationException("loading stopped"));
            pool.shutdownNow();
        }
    }

    /** Work on a parsed snapshot, run beside its dominators; see {@link #loadWithoutDistances}. */
    @FunctionalInterface
    public interface SideTask {
        /**
         * @param ephemeronEdges both internal edges of each WeakMap key/value pair (see
         *                       {@link EssentialEdges#computeRange}), which a search over the graph
         *                       needs to tell apart without reading every internal edge's name
         */
        void run(HeapGraph graph, ClassKeys keys, EdgeBits ephemeronEdges);
    }

    /** What the dominator chain hands over. */
    private record DominatorResults(DominatorTree tree, NodeSizes retained, int unreachableFromRoot) {
    }

    /** The essential edges; with a pool, the second half of the edges is decided on its thread. */
    private static EdgeBits essentialEdges(HeapGraph graph, EdgeBits pageObjects, EdgeBits ephemerons,
                                           ExecutorService pool) throws IOException {
        EdgeBits essential = new EdgeBits(graph.edgeCount());
        int edgeCount = graph.edgeCount();
        // A multiple of 64, so the halves share no word of the bit set.
        int half = pool == null ? edgeCount : (edgeCount / 2) & ~63;
        Future<?> secondHalf = pool == null ? null
                : pool.submit(() -> EssentialEdges.computeRange(graph, pageObjects, essential, ephemerons, half,
                        edgeCount));
        EssentialEdges.computeRange(graph, pageObjects, essential, ephemerons, 0, half);
        if (secondHalf != null) {
            join(secondHalf);
        }
        return essential;
    }

    /**
     * Dominators, then retained sizes, then the dominator tree unless another thread has begun it.
     *
     * @param dominatorsDone completed with the dominators as soon as they are known, or with the failure
     * @param treeTask       builds the tree once {@code dominatorsDone} completes, on the first thread to run it
     */
    private static DominatorResults dominatorChain(HeapGraph graph, EdgeBits essential, Steps steps,
                                                   ProgressListener progress, Future<Void> selfSizesFinal,
                                                   CompletableFuture<LengauerTarjan.Result> dominatorsDone,
                                                   FutureTask<DominatorTree> treeTask)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        LengauerTarjan.Result result;
        try {
            result = dominators(graph, essential, steps, progress);
            compactHeap(graph, steps, "collect dominator garbage");
        } catch (IOException | SnapshotFormatException | HeapTooLargeException | RuntimeException | Error e) {
            dominatorsDone.completeExceptionally(e);
            throw e;
        }
        dominatorsDone.complete(result);
        join(selfSizesFinal);
        NodeSizes retained = steps.run("retained sizes", () -> RetainedSizes.compute(graph, result));
        treeTask.run();
        return new DominatorResults(join(treeTask), retained, result.unreachableFromRoot());
    }

    private static LengauerTarjan.Result dominators(HeapGraph graph, EdgeBits essential, Steps steps,
                                                    ProgressListener progress)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        LengauerTarjan.Result fast = steps.run("dominators", () -> SemiNca.compute(graph, essential, progress));
        if (fast != null) {
            return fast;
        }
        // Cycles that nothing reaches: only the exact port of DevTools' algorithm gives its answer.
        ReverseEdges retainers = steps.run("essential retainers", () -> ReverseEdges.build(graph, essential, false));
        return steps.run("dominators (exact)", () -> LengauerTarjan.compute(graph, essential, retainers, progress));
    }

    /**
     * Asks for a full collection where a large snapshot has just dropped hundreds of megabytes: after
     * parsing (read buffers, growth copies) and after the dominators (their working arrays). The
     * parallel collector reuses old-generation space only after compacting it, so without this the
     * steps that follow would grow the heap by as much again, and peak memory with it; the
     * collection costs about 50 ms on a 1 GB snapshot, whose live data is a few hundred large arrays.
     */
    private static void compactHeap(HeapGraph graph, Steps steps, String step)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        if (graph.nodeCount() >= COMPACTION_MIN_NODES) {
            steps.run(step, () -> {
                System.gc();
                return null;
            });
        }
    }

    /** Below this, a snapshot's garbage is too small to be worth a full collection. */
    private static final int COMPACTION_MIN_NODES = 1_000_000;

    private static <T> T join(Future<T> future) throws IOException {
        return Futures.join(future, "computing dominators");
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
