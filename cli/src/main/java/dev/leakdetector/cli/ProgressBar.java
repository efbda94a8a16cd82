package dev.leakdetector.cli;

import dev.leakdetector.heap.parse.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws progress on one terminal line of stderr, at most ten times a second. Safe to call from
 * several threads. Non-interactive runs (CI logs) get no bar at all.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final int WIDTH = 30;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private String lastPhase = "";
    private boolean drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    static ProgressListener forEnvironment(Environment environment, PrintWriter err, boolean enabled) {
        return enabled && environment.interactive() ? new ProgressBar(err) : ProgressListener.NONE;
    }

    @Override
    public synchronized void onProgress(String phase, long done, long total) {
        long now = System.nanoTime();
        if (phase.equals(lastPhase) && now - lastDraw < INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        lastPhase = phase;
        String bar;
        if (total > 0) {
            double fraction = Math.min(1, Math.max(0, (double) done / total));
            int filled = (int) Math.round(fraction * WIDTH);
            bar = String.format(Locale.ROOT, "[%s%s] %3.0f%%", "#".repeat(filled), "-".repeat(WIDTH - filled),
                    fraction * 100);
        } else {
            bar = "[" + " ".repeat(WIDTH) + "]     ";
        }
        double seconds = (now - startNanos) / 1e9;
        err.printf(Locale.ROOT, "\r\033[K%s %-32s %6.1fs", bar, phase, seconds);
        err.flush();
        drawn = true;
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
