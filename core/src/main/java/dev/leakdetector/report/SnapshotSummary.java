package dev.leakdetector.report;

import dev.leakdetector.heap.HeapSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code summary} report of one snapshot: totals and every class with its count, self size and
 * retained size, largest retained size first. Immutable; built once, rendered by any writer.
 *
 * @param file            the snapshot file as given
 * @param nodeCount       nodes in the snapshot
 * @param edgeCount       edges in the snapshot
 * @param totalSize       bytes, as DevTools' "Total" (root retained size plus extra native bytes)
 * @param unreachableNodes nodes not reachable from the root over retaining edges
 * @param classes         all classes with at least one counted instance
 */
public record SnapshotSummary(String file, long nodeCount, long edgeCount, long totalSize, long unreachableNodes,
                              List<ClassRow> classes) {

    public SnapshotSummary {
        classes = List.copyOf(classes);
    }

    /**
     * One class.
     *
     * @param key      DevTools' class key; unique within a snapshot
     * @param location {@code scriptId:line:column} (1-based line and column) of the constructor, or null
     * @param distance smallest distance of an instance from the GC roots (-5: unreachable)
     */
    public record ClassRow(String name, String key, String location, long count, long selfSize, long retainedSize,
                           int distance) {
    }

    public static SnapshotSummary of(HeapSnapshot snapshot) {
        List<ClassRow> rows = new ArrayList<>();
        for (HeapSnapshot.ClassSummary s : snapshot.classSummaries()) {
            var c = s.heapClass();
            String location = c.hasLocation() ? c.scriptId() + ":" + (c.line() + 1) + ":" + (c.column() + 1) : null;
            rows.add(new ClassRow(c.name(), c.key(), location, s.count(), s.selfSize(), s.retainedSize(), s.distance()));
        }
        return new SnapshotSummary(snapshot.file().toString(), snapshot.nodeCount(), snapshot.edgeCount(),
                snapshot.totalSize(), snapshot.unreachableFromRoot(), rows);
    }
}
