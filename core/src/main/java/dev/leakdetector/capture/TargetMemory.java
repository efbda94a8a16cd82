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
     * Transient memory a heap snapshot needs inside the target, measured on Node 20: the snapshot
     * generator holds a graph of every object, about 500 bytes per heap node. For service-like
     * heaps that came to 5–9 times heapUsed, for heaps of tiny objects up to 15 times (see
     * docs/capture.md). We plan with 8.
     */
    public static final int SNAPSHOT_COST_FACTOR = 8;

    public long estimatedSnapshotCost() {
        return heapUsed * SNAPSHOT_COST_FACTOR;
    }
}
