package dev.leakdetector.heap.parse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The multiply that replaces division of to_node by the node field count must be exact. */
class EdgeColumnsTest {

    @Test
    void divisionByMultiplyIsExactForEveryFieldCountAndLargeIndexes() {
        SplittableRandom random = new SplittableRandom(1);
        for (int fields = 5; fields <= 9; fields++) {
            List<String> names = new java.util.ArrayList<>(List.of("type", "name", "id", "self_size", "edge_count"));
            for (int extra = 5; extra < fields; extra++) {
                names.add("extra" + extra);
            }
            int nodeCount = (int) Math.min((1 << 28), ((1L << 31) - 1) / fields);
            SnapshotHeader header = new SnapshotHeader(names, List.of("hidden"), List.of("type", "name_or_index",
                    "to_node"), List.of("weak"), List.of(), nodeCount, 0, 0, 0, 0);
            EdgeColumns columns = new EdgeColumns(header, 0, nodeCount);
            for (int i = 0; i < 100_000; i++) {
                long ordinal = i < 10 ? nodeCount - 1 - i : random.nextInt(nodeCount);
                assertThat(columns.divideByFieldCount(ordinal * fields)).isEqualTo((int) ordinal);
            }
        }
    }
}
