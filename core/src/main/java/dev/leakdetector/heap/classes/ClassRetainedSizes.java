package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.dominators.DominatorTree;
import dev.leakdetector.heap.graph.Futures;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;
import dev.leakdetector.heap.graph.NodeSizes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Retained size per class as DevTools' Summary view computes it ({@code calculateClassesRetainedSize}):
 * the retained sizes of the counted instances (non-zero self size) that no other counted instance
 * of the same class dominates, so that objects holding each other are not counted twice.
 *
 * <p>It is a depth-first walk down the dominator tree that knows which classes have a counted
 * instance among the current node's dominators. On two threads the tree is cut into pieces first,
 * each a run of siblings with the classes counted on the path above them. From the root down, the
 * piece that retains the most is split: a run of several siblings into two halves, a single node
 * into itself (decided here) and the run of its children. This goes on until no piece retains more
 * than a {@value #SHARE}th of the heap, or {@value #MAX_SPLITS} splits were made; each thread then
 * takes whole pieces, the largest first. A V8 heap hangs almost entirely under one of the root's
 * children, and some nodes have a million children, so neither cutting at the root nor queueing
 * every child would do.
 */
final class ClassRetainedSizes {
    /** Pieces are split until each retains at most this fraction of the heap. */
    private static final int SHARE = 32;
    /** A bound on the splits, for trees that are one long chain. */
    private static final int MAX_SPLITS = 1024;

    private ClassRetainedSizes() {
    }

    /** @param pool a second thread, or null to walk the tree on this one */
    static long[] compute(HeapGraph graph, int[] classOf, int classCount, NodeSizes retained, DominatorTree tree,
                          ExecutorService pool) throws IOException {
        Walk walk = new Walk(graph, classOf, classCount, retained, tree);
        if (pool == null) {
            walk.subtree(tree.root());
            return walk.byClass;
        }
        List<Piece> pieces = cut(walk, tree, retained);
        AtomicInteger next = new AtomicInteger();
        Walk other = new Walk(graph, classOf, classCount, retained, tree);
        Future<?> second = pool.submit(() -> other.take(pieces, next));
        walk.take(pieces, next);
        Futures.join(second, "summing retained sizes by class");
        long[] byClass = walk.byClass;
        for (int c = 0; c < classCount; c++) {
            byClass[c] += other.byClass[c];
        }
        return byClass;
    }

    /**
     * Siblings in the tree's child slots {@code [from, to)}, what they retain together, and the
     * classes counted on the path above them.
     */
    private record Piece(int from, int to, long retained, Path above) {
        static Piece of(DominatorTree tree, NodeSizes retained, int from, int to, Path above) {
            long sum = 0;
            for (int k = from; k < to; k++) {
                sum += retained.get(tree.child(k));
            }
            return new Piece(from, to, sum, above);
        }
    }

    /** Classes counted on a path from the root, nearest first: a list that sibling pieces share. */
    private record Path(int classId, Path up) {
    }

    /** Splits the largest pieces on this thread; returns the pieces, largest first. */
    private static List<Piece> cut(Walk walk, DominatorTree tree, NodeSizes retained) {
        Comparator<Piece> largestFirst = Comparator.comparingLong(Piece::retained).reversed()
                .thenComparingInt(Piece::from);
        PriorityQueue<Piece> queue = new PriorityQueue<>(largestFirst);
        int root = tree.root();
        Path belowRoot = walk.decide(root, null);
        queue.add(Piece.of(tree, retained, tree.firstChild(root), tree.endChild(root), belowRoot));
        long limit = retained.get(root) / SHARE;
        for (int splits = 0; splits < MAX_SPLITS && queue.peek().retained() > limit; splits++) {
            Piece largest = queue.poll();
            if (largest.to() - largest.from() > 1) {
                int middle = (largest.from() + largest.to()) >>> 1;
                queue.add(Piece.of(tree, retained, largest.from(), middle, largest.above()));
                queue.add(Piece.of(tree, retained, middle, largest.to(), largest.above()));
            } else {
                int node = tree.child(largest.from());
                Path below = walk.decide(node, largest.above());
                if (tree.firstChild(node) < tree.endChild(node)) {
                    queue.add(Piece.of(tree, retained, tree.firstChild(node), tree.endChild(node), below));
                }
            }
            if (queue.isEmpty()) {
                break;
            }
        }
        List<Piece> pieces = new ArrayList<>(queue);
        pieces.sort(largestFirst);
        return pieces;
    }

    /** One thread's walk: its own sums, and its own counts of the classes active on the path. */
    private static final class Walk {
        private final HeapGraph graph;
        private final int[] classOf;
        private final NodeSizes retained;
        private final DominatorTree tree;
        private final long[] byClass;
        /** active[c]: counted instances of class c among the current node's dominators. */
        private final int[] active;
        private final IntStack stack = new IntStack(1024);

        Walk(HeapGraph graph, int[] classOf, int classCount, NodeSizes retained, DominatorTree tree) {
            this.graph = graph;
            this.classOf = classOf;
            this.retained = retained;
            this.tree = tree;
            this.byClass = new long[classCount];
            this.active = new int[classCount];
        }

        /** Adds one node on its own, below the given path; returns the path its children are under. */
        Path decide(int node, Path above) {
            int c = classOf[node];
            if (graph.selfSize(node) == 0) {
                return above;
            }
            for (Path p = above; p != null; p = p.up()) {
                if (p.classId() == c) {
                    return above;
                }
            }
            byClass[c] += retained.get(node);
            return new Path(c, above);
        }

        void take(List<Piece> pieces, AtomicInteger next) {
            int i;
            while ((i = next.getAndIncrement()) < pieces.size()) {
                Piece piece = pieces.get(i);
                for (Path p = piece.above(); p != null; p = p.up()) {
                    active[p.classId()]++;
                }
                for (int k = piece.from(); k < piece.to(); k++) {
                    subtree(tree.child(k));
                }
                for (Path p = piece.above(); p != null; p = p.up()) {
                    active[p.classId()]--;
                }
            }
        }

        /** Walks the subtree under {@code start}; a marker (-1 - node) on the stack closes a subtree. */
        void subtree(int start) {
            stack.push(start);
            while (!stack.isEmpty()) {
                int item = stack.pop();
                if (item < 0) {
                    active[classOf[-1 - item]]--;
                    continue;
                }
                int c = classOf[item];
                boolean counted = active[c] == 0 && graph.selfSize(item) != 0;
                if (counted) {
                    byClass[c] += retained.get(item);
                }
                int from = tree.firstChild(item);
                int to = tree.endChild(item);
                if (from == to) {
                    continue;
                }
                if (counted) {
                    active[c]++;
                    stack.push(-1 - item);
                }
                for (int k = from; k < to; k++) {
                    stack.push(tree.child(k));
                }
            }
        }
    }
}
