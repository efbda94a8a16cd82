package dev.leakdetector.analysis;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class IdSetTest {

    /** Dense V8-like ids, embedder ids near 2^31 and above (negative as ints), duplicates, zeros. */
    @Test
    void agreesWithAHashSetOnDenseAndOutlyingIds() {
        SplittableRandom random = new SplittableRandom(11);
        int count = 50_000;
        int[] ids = new int[count];
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            int id = switch (i % 50) {
                case 0 -> 0x5400_0000 + 2 * random.nextInt(1_000_000);
                case 1 -> 0x8000_0000 | random.nextInt(1 << 30);
                case 2 -> 0;
                case 3 -> ids[random.nextInt(Math.max(1, i))];
                default -> 1 + 2 * random.nextInt(2 * count);
            };
            ids[i] = id;
            if (id != 0) {
                expected.add(id);
            }
        }
        IdSet set = IdSet.of(ids, count);
        assertEquals(expected.size(), set.size());
        for (int probe = 0; probe < 400_000; probe++) {
            int id = probe % 4 == 0 ? random.nextInt() : 1 + random.nextInt(8 * count);
            assertEquals(expected.contains(id) && id != 0, set.contains(id), "id " + Integer.toUnsignedString(id));
        }
        for (int id : expected) {
            assertEquals(true, set.contains(id));
        }
        assertFalse(set.contains(0));
    }

    @Test
    void onlyTheFirstCountIdsBelong() {
        IdSet set = IdSet.of(new int[]{3, 5, 7, 9}, 2);
        assertEquals(2, set.size());
        assertEquals(true, set.contains(5));
        assertFalse(set.contains(7));
        assertFalse(IdSet.of(new int[0], 0).contains(1));
    }
}
