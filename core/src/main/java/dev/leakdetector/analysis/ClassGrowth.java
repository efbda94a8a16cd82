package dev.leakdetector.analysis;

/**
 * How one class changed between snapshots, at class level and, when the snapshots come from one
 * process and inspector session, at object level (by V8 id), as DevTools' Comparison view shows it.
 *
 * @param key                 DevTools' class key
 * @param name                class name
 * @param countBefore         instances in before
 * @param countAfter          instances in after
 * @param selfSizeBefore      bytes
 * @param selfSizeAfter       bytes
 * @param retainedSizeBefore  class retained size in before (instances not dominated by others of the class)
 * @param retainedSizeAfter   same in after
 * @param countBaseline       instances in the baseline, or -1 without one
 * @param retainedSizeBaseline retained size in the baseline, or -1
 * @param addedCount          instances in after whose id is not in before (new and still alive); -1 when ids are not comparable
 * @param addedSize           their self sizes
 * @param removedCount        instances in before whose id is gone in after (freed); -1 when not comparable
 * @param removedSize         their self sizes in before
 * @param survivorCount       with a baseline: instances allocated between baseline and before that are still alive in after; else -1
 * @param survivorSize        their self sizes in before
 */
public record ClassGrowth(String key, String name,
                          long countBefore, long countAfter, long selfSizeBefore, long selfSizeAfter,
                          long retainedSizeBefore, long retainedSizeAfter,
                          long countBaseline, long retainedSizeBaseline,
                          long addedCount, long addedSize, long removedCount, long removedSize,
                          long survivorCount, long survivorSize) {

    /** The seed's deltaSize: retained size after minus before. */
    public long deltaSize() {
        return retainedSizeAfter - retainedSizeBefore;
    }

    public long deltaCount() {
        return countAfter - countBefore;
    }

    public long deltaSelfSize() {
        return selfSizeAfter - selfSizeBefore;
    }

    /**
     * {@code deltaSize / retainedSizeBefore}, so 4.12 means +412 %. A class that did not exist
     * before has no rate: {@link Double#POSITIVE_INFINITY}, written as null in JSON.
     */
    public double growthRate() {
        if (retainedSizeBefore == 0) {
            return deltaSize() > 0 ? Double.POSITIVE_INFINITY : 0;
        }
        return (double) deltaSize() / retainedSizeBefore;
    }

    public boolean hasIdLevel() {
        return addedCount >= 0;
    }

    /** Growth between baseline and before, or 0 without a baseline. */
    public long earlierDeltaSize() {
        return retainedSizeBaseline < 0 ? 0 : retainedSizeBefore - retainedSizeBaseline;
    }
}
