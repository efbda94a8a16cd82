package dev.leakdetector.bench;

import dev.leakdetector.heap.graph.HeapGraph;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Parsing a plain snapshot file into a {@link HeapGraph}: header, the numeric sections on the given
 * number of threads, the string table and the consistency checks. The file stays in the page cache
 * between iterations, as it does when a user re-runs the tool.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-XX:+UseParallelGC"})
public class ParserBenchmark {
    @Param("2000000")
    int nodes;

    @Param({"1", "2"})
    int threads;

    private Path file;

    @Setup(Level.Trial)
    public void generate() throws Exception {
        file = BenchSnapshots.synthetic(nodes);
    }

    @Benchmark
    public HeapGraph parse() throws Exception {
        return new HeapSnapshotParser(new HeapSnapshotParser.Options(threads, ProgressListener.NONE, false)).parse(file);
    }
}
