package dev.leakdetector.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares snapshot digests class by class. With comparable ids it also merges each class's
 * sorted id lists, as DevTools' {@code calculateDiffForClass} does: an id in both is the same
 * object, only in before is freed, only in after is new.
 */
public final class ClassComparison {
    private ClassComparison() {
    }

    /**
     * @param baseline       the earliest snapshot, or null
     * @param idsComparable  whether object ids identify the same objects across the snapshots
     */
    public static List<ClassGrowth> compare(SnapshotDigest baseline, SnapshotDigest before, SnapshotDigest after,
                                            boolean idsComparable) {
        Set<String> keys = new LinkedHashSet<>(after.classes().keySet());
        keys.addAll(before.classes().keySet());
        List<ClassGrowth> result = new ArrayList<>(keys.size());
        for (String key : keys) {
            SnapshotDigest.ClassEntry b = before.classes().get(key);
            SnapshotDigest.ClassEntry a = after.classes().get(key);
            SnapshotDigest.ClassEntry z = baseline == null ? null : baseline.classes().get(key);
            long added = -1;
            long addedSize = -1;
            long removed = -1;
            long removedSize = -1;
            if (idsComparable) {
                long[] diff = mergeIds(before, b, after, a);
                added = diff[0];
                addedSize = diff[1];
                removed = diff[2];
                removedSize = diff[3];
            }
            long survivors = -1;
            long survivorSize = -1;
            if (idsComparable && baseline != null) {
                survivors = 0;
                survivorSize = 0;
                if (b != null) {
                    for (int i = b.from(); i < b.to(); i++) {
                        int id = (int) before.id(i);
                        if (!baseline.allIds().contains(id) && after.allIds().contains(id)) {
                            survivors++;
                            survivorSize += before.size(i);
                        }
                    }
                }
            }
            String name = a != null ? a.name() : b.name();
            result.add(new ClassGrowth(key, name,
                    b == null ? 0 : b.count(), a == null ? 0 : a.count(),
                    b == null ? 0 : b.selfSize(), a == null ? 0 : a.selfSize(),
                    b == null ? 0 : b.retainedSize(), a == null ? 0 : a.retainedSize(),
                    baseline == null ? -1 : z == null ? 0 : z.count(),
                    baseline == null ? -1 : z == null ? 0 : z.retainedSize(),
                    added, addedSize, removed, removedSize, survivors, survivorSize));
        }
        return result;
    }

    /** {addedCount, addedSize, removedCount, removedSize} from two sorted id lists of one class. */
    private static long[] mergeIds(SnapshotDigest before, SnapshotDigest.ClassEntry b,
                                   SnapshotDigest after, SnapshotDigest.ClassEntry a) {
        long added = 0;
        long addedSize = 0;
        long removed = 0;
        long removedSize = 0;
        int i = b == null ? 0 : b.from();
        int iEnd = b == null ? 0 : b.to();
        int j = a == null ? 0 : a.from();
        int jEnd = a == null ? 0 : a.to();
        while (i < iEnd && j < jEnd) {
            int x = before.sortableId(i);
            int y = after.sortableId(j);
            if (x < y) {
                removed++;
                removedSize += before.size(i++);
            } else if (x > y) {
                added++;
                addedSize += after.size(j++);
            } else {
                i++;
                j++;
            }
        }
        while (i < iEnd) {
            removed++;
            removedSize += before.size(i++);
        }
        while (j < jEnd) {
            added++;
            addedSize += after.size(j++);
        }
        return new long[] {added, addedSize, removed, removedSize};
    }

    /**
     * How before's JS objects (odd ids; embedder nodes get fresh even ids every time) show up in
     * after: by id at all, and by id under the same class.
     *
     * @param considered before's JS objects
     * @param found      those whose id is in after
     * @param sameClass  those whose id is in after under the same class
     */
    public record IdOverlap(long considered, long found, long sameClass) {
        /** Share of before's JS objects in after under the same id and class. */
        public double matchedFraction() {
            return considered == 0 ? 0 : (double) sameClass / considered;
        }

        /** Share of before's JS objects whose id is in after. */
        public double foundFraction() {
            return considered == 0 ? 0 : (double) found / considered;
        }

        /** Of the ids in both, the share that name an object of the same class. */
        public double agreement() {
            return found == 0 ? 0 : (double) sameClass / found;
        }
    }

    public static IdOverlap idOverlap(SnapshotDigest before, SnapshotDigest after) {
        long considered = 0;
        long found = 0;
        long sameClass = 0;
        for (SnapshotDigest.ClassEntry b : before.classes().values()) {
            SnapshotDigest.ClassEntry a = after.classes().get(b.key());
            int j = a == null ? 0 : a.from();
            int jEnd = a == null ? 0 : a.to();
            for (int i = b.from(); i < b.to(); i++) {
                long id = before.id(i);
                if ((id & 1) == 0) {
                    continue;
                }
                considered++;
                if (after.allIds().contains((int) id)) {
                    found++;
                }
                int x = before.sortableId(i);
                while (j < jEnd && after.sortableId(j) < x) {
                    j++;
                }
                if (j < jEnd && after.sortableId(j) == x) {
                    sameClass++;
                }
            }
        }
        return new IdOverlap(considered, found, sameClass);
    }
}
