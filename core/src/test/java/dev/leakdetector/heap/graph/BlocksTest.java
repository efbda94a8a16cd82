package dev.leakdetector.heap.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The blocks of a pass cover every index once, in the promised order, whatever the count. */
class BlocksTest {

    @Test
    void ascendingBlocksCoverTheRangeInOrder() {
        for (int count : new int[] {0, 1, Blocks.SIZE - 1, Blocks.SIZE, Blocks.SIZE + 1, 3 * Blocks.SIZE + 17}) {
            List<Integer> visited = new ArrayList<>();
            Blocks.ascending(count, (from, to) -> {
                assertThat(to - from).isBetween(1, Blocks.SIZE);
                for (int i = from; i < to; i++) {
                    visited.add(i);
                }
            });
            assertThat(visited).as("count %d", count).hasSize(count).isSorted();
            if (count > 0) {
                assertThat(visited.get(count - 1)).isEqualTo(count - 1);
            }
        }
    }

    @Test
    void descendingBlocksCoverTheRangeLastFirst() {
        for (int count : new int[] {0, 1, Blocks.SIZE, 2 * Blocks.SIZE + 5}) {
            List<Integer> visited = new ArrayList<>();
            Blocks.descending(count, (from, to) -> {
                assertThat(to - from).isBetween(1, Blocks.SIZE);
                for (int i = to - 1; i >= from; i--) {
                    visited.add(i);
                }
            });
            assertThat(visited).as("count %d", count).hasSize(count);
            for (int k = 0; k < count; k++) {
                assertThat(visited.get(k)).isEqualTo(count - 1 - k);
            }
        }
    }
}
