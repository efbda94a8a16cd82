package dev.leakdetector.heap.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The primitive queue and map behave like their java.util counterparts, through growth and wrap-around. */
class PrimitiveCollectionsTest {

    @Test
    void queueKeepsFirstInFirstOutAcrossGrowthAndWrapAround() {
        IntQueue queue = new IntQueue(4);
        ArrayDeque<Integer> expected = new ArrayDeque<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 100_000; step++) {
            if (expected.isEmpty() || random.nextInt(3) > 0) {
                queue.add(step);
                expected.add(step);
            } else {
                assertThat(queue.poll()).isEqualTo(expected.poll());
            }
            assertThat(queue.size()).isEqualTo(expected.size());
        }
        while (!expected.isEmpty()) {
            assertThat(queue.poll()).isEqualTo(expected.poll());
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void mapAgreesWithHashMapOnCollidingAndGrowingKeys() {
        IntIntMap map = new IntIntMap();
        Map<Integer, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int step = 0; step < 50_000; step++) {
            // Multiples of a power of two collide in naive tables; random keys exercise growth.
            int key = step % 2 == 0 ? (step % 5_000) << 10 : random.nextInt(1 << 30);
            map.put(key, step);
            expected.put(key, step);
        }
        assertThat(map.size()).isEqualTo(expected.size());
        expected.forEach((key, value) -> assertThat(map.get(key, -1)).isEqualTo(value));
        assertThat(map.get(3, -7)).isEqualTo(expected.getOrDefault(3, -7));
    }
}
