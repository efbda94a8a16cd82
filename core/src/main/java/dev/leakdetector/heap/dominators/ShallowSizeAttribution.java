package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntStack;
import dev.leakdetector.heap.graph.NodeSizes;

/**
 * Moves the shallow size of engine-internal {@code hidden} and {@code array} nodes (and external
 * string data) to the one JS object that owns them, as DevTools' {@code calculateShallowSizes} does:
 * a JS array then shows the size of its elements store, and {@code (system)} shrinks accordingly.
 *
 * <p>Ownership flows along non-weak edges from every other node into internal nodes; an internal
 * node reached from two owners keeps its own size. Nothing is moved onto the root or synthetic
 * nodes. Snapshots taken with {@code exposeInternals} have no user roots and are left untouched,
 * as DevTools leaves them. Totals never change.
 */
public final class ShallowSizeAttribution {
    private static final int UNVISITED = -1;
    private static final int MULTIPLE_OWNERS = -2;

    private ShallowSizeAttribution() {
    }

    /** Re-attributes sizes in place; returns false when the snapshot has no user roots. */
    public static boolean apply(HeapGraph graph) {
        if (!UserRoots.exist(graph)) {
            return false;
        }
        GraphTypes t = graph.types();
        int nodeCount = graph.nodeCount();
        int[] firstEdge = graph.rawFirstEdge();
        int[] typeAndTarget = graph.rawEdgeTypeAndTarget();
        int externalStringData = graph.strings().indexOf("system / ExternalStringData");
        InternalNodes internal = new InternalNodes(nodeCount);
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int i = from; i < to; i++) {
                int type = graph.nodeType(i);
                if (type == t.nodeHidden || type == t.nodeArray
                        || (type == t.nodeNative && externalStringData >= 0
                            && graph.nodeName(i).equals("system / ExternalStringData"))) {
                    internal.add(i);
                }
            }
        });
        int[] owners = internal.ranked(UNVISITED);
        // Ownership only grows (unvisited, one owner, several owners), so the result does not
        // depend on the order of visits. Every other node owns itself and is a source, taken in
        // ordinal order; the worklist holds internal nodes, each at most twice: when it gets an
        // owner, and when it turns out to have several.
        IntStack worklist = new IntStack(1 << 16);
        int weak = t.edgeWeak;
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (internal.contains(i)) {
                    continue;
                }
                propagate(i, i, firstEdge, typeAndTarget, weak, internal, owners, worklist);
                while (!worklist.isEmpty()) {
                    int id = worklist.pop();
                    propagate(id, owners[internal.rank(id)], firstEdge, typeAndTarget, weak, internal, owners,
                            worklist);
                }
            }
        });
        NodeSizes sizes = graph.selfSizes();
        int root = graph.rootOrdinal();
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (!internal.contains(i)) {
                    continue;
                }
                int owner = owners[internal.rank(i)];
                if (owner < 0 || graph.nodeType(owner) == t.nodeSynthetic || owner == root) {
                    continue;
                }
                sizes.set(owner, sizes.get(owner) + sizes.get(i));
                sizes.set(i, 0);
            }
        });
        return true;
    }

    /** Only internal targets change owner: every other node owns itself throughout. */
    private static void propagate(int id, int owner, int[] firstEdge, int[] typeAndTarget, int weak,
                                  InternalNodes internal, int[] owners, IntStack worklist) {
        for (int e = firstEdge[id], end = firstEdge[id + 1]; e < end; e++) {
            int target = typeAndTarget[e] & HeapGraph.TARGET_MASK;
            if ((typeAndTarget[e] >>> HeapGraph.TYPE_SHIFT) == weak || !internal.contains(target)) {
                continue;
            }
            int slot = internal.rank(target);
            int targetOwner = owners[slot];
            if (targetOwner == UNVISITED) {
                owners[slot] = owner;
                worklist.push(target);
            } else if (targetOwner != owner && targetOwner != MULTIPLE_OWNERS) {
                owners[slot] = MULTIPLE_OWNERS;
                worklist.push(target);
            }
        }
    }

    /**
     * The internal nodes as a bit set with a rank index, so that their owners fit an array of their
     * own count (a quarter of the nodes, typically) rather than one slot per node.
     */
    private static final class InternalNodes {
        private final long[] words;
        private int[] wordRank;

        InternalNodes(int nodeCount) {
            words = new long[(nodeCount + 63) >>> 6];
        }

        void add(int node) {
            words[node >>> 6] |= 1L << node;
        }

        boolean contains(int node) {
            return (words[node >>> 6] & (1L << node)) != 0;
        }

        /** The position of an internal node among all internal nodes. */
        int rank(int node) {
            return wordRank[node >>> 6] + Long.bitCount(words[node >>> 6] & ((1L << node) - 1));
        }

        /** Finishes the rank index; returns an array with a slot per internal node, filled. */
        int[] ranked(int fill) {
            wordRank = new int[words.length];
            int count = 0;
            for (int w = 0; w < words.length; w++) {
                wordRank[w] = count;
                count += Long.bitCount(words[w]);
            }
            int[] slots = new int[count];
            java.util.Arrays.fill(slots, fill);
            return slots;
        }
    }
}
