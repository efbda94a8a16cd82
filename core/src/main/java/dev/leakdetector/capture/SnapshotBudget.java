package dev.leakdetector.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The pre-flight check before a snapshot: V8 builds the whole heap graph inside the target while
 * it writes a snapshot, which costs several times the heap itself, and a target pushed past its
 * memory limit is killed, taking its traffic with it. Refuse when the estimate does not fit.
 */
public final class SnapshotBudget {
    private SnapshotBudget() {
    }

    /**
     * Null when the snapshot fits, else why not, in one sentence.
     *
     * @param hostAvailable memory the host can still give (MemAvailable), or -1 when the target is
     *                      elsewhere (a container: its cgroup limit then decides)
     */
    public static String refusal(TargetMemory memory, long hostAvailable) {
        long cost = memory.estimatedSnapshotCost();
        long limit;
        String what;
        if (memory.constrained() > 0) {
            limit = memory.constrained();
            what = "its memory limit (cgroup) of " + mib(limit);
        } else if (hostAvailable >= 0) {
            limit = memory.rss() + hostAvailable;
            what = "the " + mib(hostAvailable) + " the host has available";
        } else {
            return null;
        }
        if (memory.rss() + cost <= limit) {
            return null;
        }
        return String.format(Locale.ROOT, "a heap snapshot needs about %s more in the target (%s of heap in use × %d"
                        + " + %s) on top of its %s, which does not fit %s; the target could be killed. Use --force to take"
                        + " it anyway", mib(cost), mib(memory.heapUsed()), TargetMemory.SNAPSHOT_COST_FACTOR,
                mib(TargetMemory.SNAPSHOT_COST_BASE), mib(memory.rss()), what);
    }

    /** MemAvailable from /proc/meminfo, or -1. */
    public static long hostAvailableMemory() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
