package dev.leakdetector.analysis;

/**
 * A set of V8 object ids (unsigned 32-bit values, never 0), asked "did this object exist in the
 * other snapshot?" once for every node of a snapshot.
 *
 * <p>V8 hands heap object ids out in steps of two from a counter, so almost all ids of a snapshot
 * are dense: the largest is a small multiple of their number. One bit per possible id is then the
 * smallest and by far the fastest form: a 13-million-node snapshot needs a few MiB, which stays in
 * the caches, where a hash table needs 128 MiB and a cache miss per lookup. The few ids outside
 * that range (embedder objects get ids derived from hashes, near 2^31) go to a small
 * open-addressing hash table of ints.
 */
public final class IdSet {
    /** Ids up to this many times the member count go to the bitmap: at most 8 bytes per member. */
    private static final long BITMAP_SPREAD = 64;

    private final long[] bits;
    private final long bitmapLimit;
    private final int[] table;
    private final int mask;
    private final int size;

    private IdSet(long[] bits, int[] table, int size) {
        this.bits = bits;
        this.bitmapLimit = (long) bits.length << 6;
        this.table = table;
        this.mask = table.length - 1;
        this.size = size;
    }

    /** The set of {@code ids[0, count)}; zeros are skipped. */
    public static IdSet of(int[] ids, int count) {
        long limit = BITMAP_SPREAD * Math.max(count, 1024);
        long max = 0;
        int outliers = 0;
        for (int i = 0; i < count; i++) {
            long id = Integer.toUnsignedLong(ids[i]);
            if (id < limit) {
                max = Math.max(max, id);
            } else {
                outliers++;
            }
        }
        long[] bits = new long[(int) ((max >>> 6) + 1)];
        int[] table = new int[Integer.highestOneBit(Math.max(16, outliers) * 2 - 1) << 1];
        int size = 0;
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id == 0) {
                continue;
            }
            if (Integer.toUnsignedLong(id) < limit) {
                int word = id >>> 6;
                long bit = 1L << id;
                if ((bits[word] & bit) == 0) {
                    bits[word] |= bit;
                    size++;
                }
            } else if (insert(table, table.length - 1, id)) {
                size++;
            }
        }
        return new IdSet(bits, table, size);
    }

    private static boolean insert(int[] table, int mask, int id) {
        int slot = mix(id) & mask;
        while (true) {
            int current = table[slot];
            if (current == id) {
                return false;
            }
            if (current == 0) {
                table[slot] = id;
                return true;
            }
            slot = (slot + 1) & mask;
        }
    }

    public boolean contains(int id) {
        if (id == 0) {
            return false;
        }
        if (Integer.toUnsignedLong(id) < bitmapLimit) {
            return (bits[id >>> 6] & (1L << id)) != 0;
        }
        int slot = mix(id) & mask;
        while (true) {
            int current = table[slot];
            if (current == id) {
                return true;
            }
            if (current == 0) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    /** Spreads consecutive ids (steps of two) over the hash table. */
    private static int mix(int id) {
        int h = id * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
