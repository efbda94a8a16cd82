package dev.leakdetector.heap.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The primitive queue, stack and map behave like their java.util counterparts, through growth and wrap-around. */
class PrimitiveCollectionsTest {

    @Test
    void queueKeepsFirstInFirstOutAcrossBlocks() {
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
    void stackKeepsLastInFirstOutAcrossBlocks() {
        IntStack stack = new IntStack(4);
        ArrayDeque<Integer> expected = new ArrayDeque<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 3; round++) {
            for (int step = 0; step < 200_000; step++) {
                // Pushes win two to one, so the stack climbs through many blocks and back over their edges.
                if (expected.isEmpty() || random.nextInt(3) > 0) {
                    stack.push(step);
                    expected.push(step);
                } else {
                    assertThat(stack.peek()).isEqualTo(expected.peek());
                    assertThat(stack.pop()).isEqualTo(expected.pop());
                }
                assertThat(stack.size()).isEqualTo(expected.size());
            }
            while (!expected.isEmpty()) {
                assertThat(stack.peek()).isEqualTo(expected.peek());
                assertThat(stack.pop()).isEqualTo(expected.pop());
            }
            assertThat(stack.isEmpty()).isTrue();
            if (round == 1) {
                stack.push(1);
                stack.clear();
                assertThat(stack.isEmpty()).isTrue();
            }
        }
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
