package dev.leakdetector.orchestrator.dumps;

import dev.leakdetector.capture.TargetMemory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The service's Node process as an exec inside its container sees it, without an inspector: its
 * working directory, the user it writes files as, its resident memory and its cgroup's memory
 * limit. Parsed from {@link DumpCommands#processInfo}.
 *
 * @param gone        the process no longer exists
 * @param cwd         its working directory, "" when unreadable
 * @param uid         the file-system uid it creates files as, -1 when unknown
 * @param gid         the file-system gid, -1 when unknown
 * @param groups      its supplementary groups
 * @param rss         resident set size in bytes, -1 when unknown
 * @param memoryLimit the cgroup's memory limit in bytes, 0 when there is none
 */
public record ProcessInfo(boolean gone, String cwd, long uid, long gid, Set<Long> groups, long rss, long memoryLimit) {

    /**
     * The part of a Node process's RSS that is not JS heap: the binary, its libraries, V8's code
     * space, libuv. Measured on Node 20: an HTTP server with 3 MiB of heap in use has 40 MiB of
     * RSS. Subtracting a little less keeps the estimate of the heap on the high side.
     */
    static final long NON_HEAP_RSS = 32L << 20;

    /** A snapshot file has 1.4–2.0 × heapUsed bytes (docs/performance.md, § Capture); plan for 2 and a margin. */
    static final int FILE_SIZE_FACTOR = 2;
    static final long FILE_SIZE_MARGIN = 16L << 20;

    public ProcessInfo {
        groups = Set.copyOf(groups);
    }

    public static ProcessInfo parse(String output) {
        boolean gone = false;
        String cwd = "";
        long uid = -1;
        long gid = -1;
        Set<Long> groups = new LinkedHashSet<>();
        long rss = -1;
        long limit = 0;
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.equals("gone")) {
                gone = true;
            } else if (l.startsWith("cwd ")) {
                cwd = l.substring(4).strip();
            } else if (l.startsWith("Uid:")) {
                uid = fileSystemId(l);
            } else if (l.startsWith("Gid:")) {
                gid = fileSystemId(l);
            } else if (l.startsWith("Groups:")) {
                for (String group : l.substring(7).strip().split("\\s+")) {
                    long id = number(group);
                    if (id >= 0) {
                        groups.add(id);
                    }
                }
            } else if (l.startsWith("VmRSS:")) {
                long kib = number(l.substring(6).replace("kB", "").strip());
                rss = kib < 0 ? -1 : kib * 1024;
            } else if (l.startsWith("limit ")) {
                limit = number(l.substring(6).strip());
                // "max" (v2) or a number near 2^63 (v1) mean no limit; a tiny one is a broken setup.
                if (limit > 1L << 50 || limit < 64L << 20) {
                    limit = 0;
                }
            }
        }
        return new ProcessInfo(gone, cwd, uid, gid, groups, rss, limit);
    }

    /** {@code uid:gid} for an exec that acts as the process does, or null when unknown. */
    public String user() {
        return uid < 0 || gid < 0 ? null : uid + ":" + gid;
    }

    /** Whether the process has the group, as its primary or a supplementary one. */
    boolean inGroup(long group) {
        return group == gid || groups.contains(group);
    }

    /**
     * An upper estimate of the heap in use: what the RSS holds beyond {@link #NON_HEAP_RSS}, and
     * not more than {@code --max-old-space-size} when that was given. It errs high, because
     * Buffers and freed but not yet returned pages count in the RSS too.
     */
    long heapUsedEstimate(long maxOldSpaceMiB) {
        long estimate = Math.max(0, rss - NON_HEAP_RSS);
        return maxOldSpaceMiB > 0 ? Math.min(estimate, maxOldSpaceMiB << 20) : estimate;
    }

    /** Space the snapshot file will need in the container, from the heap estimate. */
    long fileSizeEstimate(long maxOldSpaceMiB) {
        return FILE_SIZE_FACTOR * heapUsedEstimate(maxOldSpaceMiB) + FILE_SIZE_MARGIN;
    }

    /** The memory for the pre-flight check, with the heap estimated; null when the RSS is unknown. */
    TargetMemory memory(long pid, long maxOldSpaceMiB) {
        if (rss < 0) {
            return null;
        }
        return new TargetMemory(pid, rss, heapUsedEstimate(maxOldSpaceMiB), maxOldSpaceMiB << 20, memoryLimit, "");
    }

    /** The fourth id of a {@code Uid:}/{@code Gid:} line: real, effective, saved, file system. */
    static long fileSystemId(String line) {
        String[] ids = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        return ids.length >= 4 ? number(ids[3]) : -1;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
