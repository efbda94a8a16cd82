package dev.leakdetector.analysis;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GrowthAttributionTest {

    /**
     * Holder counts come in a map whose iteration order is not stable (Map.copyOf's differs from
     * one JVM to the next); a tie must name the same holder whatever the order, or the same
     * snapshots give different reports.
     */
    @Test
    void aTieBetweenHoldersIsBrokenTheSameWayInAnyOrder() {
        assertThat(mainHolder(7, 3L, 4, 3L, -1, 3L, 2, 1L)).isEqualTo(4);
        assertThat(mainHolder(-1, 3L, 4, 3L, 7, 3L, 2, 1L)).isEqualTo(4);
        assertThat(mainHolder(4, 3L, -1, 3L)).isEqualTo(4);
        assertThat(mainHolder(-1, 2L, 9, 1L)).as("most are held by no class").isEqualTo(-1);
    }

    /** mainHolderClass over holder class → count pairs, in the given iteration order. */
    private static int mainHolder(long... pairs) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            counts.put((int) pairs[i], pairs[i + 1]);
        }
        return new GrowthAttribution.Group(0, "Leaked", 7, 700, new int[0], counts).mainHolderClass();
    }
}
