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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a snapshot file and runs the analysis pipeline, one named step after another, in the
 * spirit of DevTools' {@code HeapSnapshot.initialize()}.
 *
 * <p>The steps that change the graph (detached renaming, shallow-size re-attribution) run in
 * DevTools' order. Steps are otherwise ordered to keep peak memory low: the large temporary arrays
 * of the dominator computation are gone before distances and class data are allocated.
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

        HeapGraph graph = steps.run("parse", () -> new HeapSnapshotParser(options).parse(file));
        byte[] domStates = steps.run("propagate DOM state", () -> DomStatePropagation.apply(graph));
        LengauerTarjan.Result dominators = dominators(graph, steps, progress);
        long[] retained = steps.run("retained sizes", () -> RetainedSizes.compute(graph, dominators));
        DominatorTree tree = steps.run("dominator tree",
                () -> DominatorTree.build(dominators.dominators(), graph.rootOrdinal()));
        int[] distances = steps.run("distances", () -> Distances.compute(graph));
        int[] classIndex = steps.run("class names", () -> ClassNames.compute(graph));
        List<InterfaceInference.Definition> definitions = interfaceDefinitions != null ? interfaceDefinitions
                : steps.run("infer interfaces", () -> InterfaceInference.infer(graph));
        steps.run("apply interfaces", () -> {
            InterfaceInference.apply(graph, definitions, classIndex);
            return null;
        });
        ClassKeys keys = steps.run("class keys", () -> ClassKeys.assign(graph, classIndex));
        ClassAggregates aggregates = steps.run("class aggregates",
                () -> ClassAggregates.compute(graph, keys, retained, distances, tree));
        return new HeapSnapshot(file, graph, domStates, tree, retained, distances, keys, aggregates, definitions,
                dominators.unreachableFromRoot(), steps.millis);
    }

    /**
     * The dominator steps, in a method of their own so that their large temporaries (page flags,
     * essential-edge bits, the essential retainer index) are garbage once it returns.
     */
    private static LengauerTarjan.Result dominators(HeapGraph graph, Steps steps, ProgressListener progress)
            throws IOException, SnapshotFormatException, HeapTooLargeException {
        EdgeBits pageObjects = steps.run("mark page objects", () -> PageObjects.mark(graph));
        EdgeBits essential = steps.run("essential edges", () -> EssentialEdges.compute(graph, pageObjects));
        steps.run("shallow sizes", () -> ShallowSizeAttribution.apply(graph));
        ReverseEdges retainers = steps.run("essential retainers", () -> ReverseEdges.build(graph, essential, false));
        return steps.run("dominators", () -> LengauerTarjan.compute(graph, essential, retainers, progress));
    }

    /** Runs and times named steps, and reports each as a progress phase. */
    private static final class Steps {
        private final ProgressListener progress;
        private final Map<String, Long> millis = new LinkedHashMap<>();

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
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException, SnapshotFormatException, HeapTooLargeException;
    }
}
