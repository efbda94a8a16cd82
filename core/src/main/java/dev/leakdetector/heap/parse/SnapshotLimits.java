package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.graph.HeapGraph;

import java.nio.file.Path;

/**
 * Checks a header's node and edge counts before anything is allocated for them: against V8's and
 * this tool's limits, against what a file of this size can hold, and against the JVM's heap limit.
 */
final class SnapshotLimits {
    private SnapshotLimits() {
    }

    static void check(Path file, SnapshotHeader header, long offset, long sizeBound, boolean checkMemory)
            throws SnapshotFormatException, HeapTooLargeException {
        long nodeValues = header.nodeCount() * header.nodeFieldCount();
        long edgeValues = header.edgeCount() * header.edgeFieldCount();
        if (header.nodeCount() > HeapGraph.MAX_NODES) {
            throw new SnapshotFormatException(file, "snapshot", offset, "node_count " + header.nodeCount()
                    + " exceeds V8's limit of " + HeapGraph.MAX_NODES + " nodes per snapshot");
        }
        if (header.edgeCount() > Integer.MAX_VALUE - 16) {
            throw new SnapshotFormatException(file, "snapshot", offset, "edge_count " + header.edgeCount()
                    + " exceeds the " + (Integer.MAX_VALUE - 16) + " edges this tool supports");
        }
        // Every value takes at least two bytes ("0,"): a header promising more is corrupt, and
        // trusting it would allocate gigabytes for nothing.
        if ((nodeValues + edgeValues) * 2 > sizeBound) {
            throw new SnapshotFormatException(file, "snapshot", offset, "the header promises "
                    + header.nodeCount() + " nodes and " + header.edgeCount()
                    + " edges, more than a file of this size can hold (corrupt header?)");
        }
        if (header.nodeCount() == 0) {
            throw new SnapshotFormatException(file, "snapshot", offset, "node_count is 0: a snapshot has at least a root");
        }
        if (checkMemory) {
            long nodeCount = header.nodeCount();
            long edgeCount = header.edgeCount();
            long needed = nodeCount * HeapSnapshotParser.HEAP_BYTES_PER_NODE
                    + edgeCount * HeapSnapshotParser.HEAP_BYTES_PER_EDGE + sizeBound / 20;
            long allowed = Runtime.getRuntime().maxMemory();
            if (needed > allowed) {
                throw new HeapTooLargeException(String.format(
                        "%s: %,d nodes and %,d edges need about %.1f GiB of Java heap, but this JVM may use"
                                + " only %.1f GiB; raise the limit, e.g. LEAK_DETECTOR_OPTS=-Xmx%dg",
                        file, nodeCount, edgeCount, needed / 1073741824.0, allowed / 1073741824.0,
                        (long) Math.ceil(needed * 1.2 / 1073741824.0)));
            }
        }
    }
}
