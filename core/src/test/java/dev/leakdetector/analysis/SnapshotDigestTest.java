package dev.leakdetector.analysis;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.Scenarios;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Digests of snapshots written by a real Node process. */
class SnapshotDigestTest {

    /** The earlier snapshots of a comparison are loaded without distances; their digest must not change. */
    @Test
    void aSnapshotLoadedWithoutDistancesDigestsTheSame() throws Exception {
        Scenarios.Files3 files = Scenarios.get("array-leak");
        HeapSnapshotLoader loader = new HeapSnapshotLoader();
        HeapSnapshot after = loader.load(files.after());
        HeapSnapshot full = loader.load(files.before(), after.interfaceDefinitions());
        HeapSnapshot lean = loader.loadWithoutDistances(files.before(), after.interfaceDefinitions());

        SnapshotDigest expected = SnapshotDigest.of(full);
        SnapshotDigest actual = SnapshotDigest.of(lean);

        assertThat(actual.nodeCount()).isEqualTo(expected.nodeCount());
        assertThat(actual.totalSize()).isEqualTo(expected.totalSize());
        assertThat(actual.classes()).isEqualTo(expected.classes());
        assertThat(actual.classes().values()).extracting(SnapshotDigest.ClassEntry::name).contains("RequestRecord");
        assertThat(instances(actual)).isEqualTo(instances(expected));
        assertThatThrownBy(() -> lean.distance(0)).isInstanceOf(IllegalStateException.class);
        assertThat(full.distance(full.graph().rootOrdinal())).isGreaterThanOrEqualTo(0);
    }

    /** Every instance's id and size, in digest order. */
    private static List<Long> instances(SnapshotDigest digest) {
        List<Long> all = new ArrayList<>();
        for (SnapshotDigest.ClassEntry entry : digest.classes().values()) {
            for (int i = entry.from(); i < entry.to(); i++) {
                all.add(digest.id(i));
                all.add(digest.size(i));
            }
        }
        return all;
    }
}
