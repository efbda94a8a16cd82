package dev.leakdetector.heap.parse;

/**
 * Receives progress of long-running work (parsing, dominators, analysis).
 *
 * <p>Implementations must be thread-safe: parse workers report from several threads. Calls are
 * frequent, so implementations should throttle any output themselves.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase a short human-readable step name, such as {@code "Parsing edges"}
     * @param done  units done so far (bytes while parsing, nodes in graph steps)
     * @param total total units for the phase, or -1 when unknown
     */
    void onProgress(String phase, long done, long total);
}
