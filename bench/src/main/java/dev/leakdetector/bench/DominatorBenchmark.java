package dev.leakdetector.bench;

import dev.leakdetector.heap.dominators.EssentialEdges;
import dev.leakdetector.heap.dominators.LengauerTarjan;
import dev.leakdetector.heap.dominators.PageObjects;
import dev.leakdetector.heap.dominators.SemiNca;
import dev.leakdetector.heap.graph.EdgeBits;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.ReverseEdges;
import dev.leakdetector.heap.parse.HeapSnapshotParser;
import dev.leakdetector.heap.parse.ProgressListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Immediate dominators over the essential edges: semi-NCA, which the loader uses, against the exact
 * port of DevTools' Lengauer–Tarjan, on the same graph. The generated snapshot holds cycles that
 * nothing reaches, where semi-NCA declines, so the graph is first given a root edge to every node
 * the root cannot reach ({@link Flowgraph}); both algorithms then answer, with the same result.
 * The essential edges and, for Lengauer–Tarjan, the retainer index are built once, outside the
 * measurement, as the loader builds them in earlier steps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-XX:+UseParallelGC"})
public class DominatorBenchmark {
    @Param("2000000")
    int nodes;

    private HeapGraph graph;
    private EdgeBits essential;
    private ReverseEdges retainers;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        HeapGraph parsed = new HeapSnapshotParser().parse(BenchSnapshots.synthetic(nodes));
        graph = Flowgraph.rootEveryUnreachableNode(parsed, EssentialEdges.compute(parsed, PageObjects.mark(parsed)));
        essential = EssentialEdges.compute(graph, PageObjects.mark(graph));
        retainers = ReverseEdges.build(graph, essential, false);
        if (SemiNca.compute(graph, essential, ProgressListener.NONE) == null) {
            throw new IllegalStateException("semi-NCA declined a graph where the root reaches every node");
        }
    }

    @Benchmark
    public LengauerTarjan.Result semiNca() {
        return SemiNca.compute(graph, essential, ProgressListener.NONE);
    }

    @Benchmark
    public LengauerTarjan.Result lengauerTarjan() {
        return LengauerTarjan.compute(graph, essential, retainers, ProgressListener.NONE);
    }
}
