package dev.leakdetector.heap.graph;

/**
 * Runs a pass over all nodes or edges as a series of blocks, each a call of the pass's loop.
 *
 * <p>Why: a loop that runs once over millions of elements is compiled by the JIT "on the stack"
 * (OSR) from a profile that has never seen the loop end. Its exit is compiled as a trap, so when the
 * loop ends the compiled code is thrown away, and the next load of a snapshot in the same JVM (the
 * second snapshot of a comparison) interprets and compiles it all over again. Called block by block,
 * the loop ends many times while it is still being profiled, and its compiled code stays valid:
 * about a second of C2 time saved on a comparison of two 1 GB snapshots.
 */
public final class Blocks {
    /** Elements per block: many calls on any real snapshot, few enough to cost nothing. */
    public static final int SIZE = 1 << 14;

    private Blocks() {
    }

    /** The loop of a pass over {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Runs {@code loop} over {@code [0, count)}, in ascending blocks. */
    public static void ascending(int count, Range loop) {
        for (int from = 0; from < count; from += SIZE) {
            loop.run(from, Math.min(count, from + SIZE));
        }
    }

    /** Runs {@code loop} over {@code [0, count)}, the last block first (each block's loop may run downwards). */
    public static void descending(int count, Range loop) {
        for (int to = count; to > 0; to -= SIZE) {
            loop.run(Math.max(0, to - SIZE), to);
        }
    }
}
