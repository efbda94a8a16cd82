package dev.leakdetector.heap.parse;

import dev.leakdetector.heap.HeapSnapshot;
import dev.leakdetector.heap.HeapSnapshotLoader;
import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Mutates a real snapshot many times (flipped, replaced, deleted, duplicated and cut bytes) and
 * loads each mutant through the whole pipeline. Every mutant must either load, with the root's
 * retained size equal to the total of self sizes, or be rejected with a {@link SnapshotFormatException}:
 * nothing else, no hang. The seed is fixed so a failure can be replayed.
 */
class FuzzTest {
    private static final long SEED = 20261128L;
    private static final int MUTANTS = 200;
    private static final byte[] INTERESTING = "0123456789,[]{}\":\\-. \nax".getBytes();

    @TempDir
    Path dir;

    @Test
    void mutatedSnapshotsLoadOrFailCleanly() throws Exception {
        byte[] original = Files.readAllBytes(NodeFixtures.fixture().first());
        SplittableRandom random = new SplittableRandom(SEED);
        Path file = dir.resolve("mutant.heapsnapshot");
        HeapSnapshotLoader loader = new HeapSnapshotLoader();
        int loaded = 0;
        int rejected = 0;
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < MUTANTS; i++) {
                Mutation mutation = mutate(original, random);
                Files.write(file, mutation.bytes());
                try {
                    HeapSnapshot snapshot = loadWithin30Seconds(executor, loader, file, mutation);
                    long totalSelf = snapshot.graph().selfSizes().total();
                    assertThat(snapshot.retainedSize(snapshot.graph().rootOrdinal()))
                            .as("mutant %s", mutation.description()).isEqualTo(totalSelf);
                    loaded++;
                } catch (SnapshotFormatException expected) {
                    assertThat(expected.getMessage()).doesNotContain("\n").contains(file.toString());
                    rejected++;
                } catch (Throwable unexpected) {
                    fail("mutant " + mutation.description() + " failed with " + unexpected, unexpected);
                }
            }
        } finally {
            executor.shutdownNow();
        }
        // Both outcomes must occur, or the mutations are not probing anything.
        assertThat(loaded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static HeapSnapshot loadWithin30Seconds(ExecutorService executor, HeapSnapshotLoader loader, Path file,
                                                     Mutation mutation) throws Throwable {
        Future<HeapSnapshot> result = executor.submit(() -> loader.load(file));
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new AssertionError("mutant " + mutation.description() + " hangs");
        }
    }

    private record Mutation(byte[] bytes, String description) {
    }

    private static Mutation mutate(byte[] original, SplittableRandom random) {
        int position = random.nextInt(original.length);
        int kind = random.nextInt(5);
        switch (kind) {
            case 0 -> {
                byte[] bytes = original.clone();
                bytes[position] ^= (byte) (1 << random.nextInt(8));
                return new Mutation(bytes, "flip bit at " + position);
            }
            case 1 -> {
                byte[] bytes = original.clone();
                bytes[position] = INTERESTING[random.nextInt(INTERESTING.length)];
                return new Mutation(bytes, "replace byte at " + position + " with '" + (char) bytes[position] + "'");
            }
            case 2 -> {
                int length = 1 + random.nextInt(64);
                int end = Math.min(original.length, position + length);
                byte[] bytes = new byte[original.length - (end - position)];
                System.arraycopy(original, 0, bytes, 0, position);
                System.arraycopy(original, end, bytes, position, original.length - end);
                return new Mutation(bytes, "delete " + (end - position) + " bytes at " + position);
            }
            case 3 -> {
                int length = 1 + random.nextInt(64);
                int end = Math.min(original.length, position + length);
                byte[] bytes = new byte[original.length + (end - position)];
                System.arraycopy(original, 0, bytes, 0, end);
                System.arraycopy(original, position, bytes, end, original.length - position);
                return new Mutation(bytes, "duplicate " + (end - position) + " bytes at " + position);
            }
            default -> {
                return new Mutation(Arrays.copyOf(original, position), "truncate at " + position);
            }
        }
    }
}
