package dev.leakdetector.capture;

/**
 * Memory of a target process as it reports itself over the inspector.
 *
 * @param pid             the process id inside its own namespace
 * @param rss             resident set size, bytes
 * @param heapUsed        V8 heap in use, bytes
 * @param heapLimit       V8's heap size limit, bytes (0 when unknown)
 * @param constrained     the cgroup memory limit Node sees ({@code process.constrainedMemory()}), 0 when none
 * @param nodeVersion     {@code process.version}
 */
public record TargetMemory(long pid, long rss, long heapUsed, long heapLimit, long constrained, String nodeVersion) {

    /**
     * Transient memory a heap snapshot needs inside the target grows with heapUsed: V8 builds a
     * graph of every object (300–550 bytes of RSS per heap node) before it writes a byte. Measured
     * on Node 20 (bench/run-capture.sh; docs/capture.md), the peak RSS rose by 7.4–9.1 × heapUsed
     * for heaps of 100–500 MB, both of service-like objects and of tiny ones, and a little more
     * through the inspector than through {@code v8.writeHeapSnapshot}. We plan with 10 for
     * headroom.
     */
    public static final int SNAPSHOT_COST_FACTOR = 10;

    /**
     * Small heaps cost more than their share: +30 MB for a bare Node process, +290 MB for 20 MB of
     * tiny objects (14.8 ×). This fixed part covers them; it hardly matters for big heaps.
     */
    public static final long SNAPSHOT_COST_BASE = 128L << 20;

    public long estimatedSnapshotCost() {
        return SNAPSHOT_COST_BASE + heapUsed * SNAPSHOT_COST_FACTOR;
    }
}
