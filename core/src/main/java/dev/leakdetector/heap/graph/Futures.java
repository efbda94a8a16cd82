package dev.leakdetector.heap.graph;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the engine's helper threads, with their failures rethrown as they were thrown. */
public final class Futures {
    private Futures() {
    }

    /**
     * The future's value. An unchecked failure on the other thread is rethrown as it is; being
     * interrupted or cancelled becomes an {@link IOException} saying what was being done.
     *
     * @param doing what the thread was doing, for the message: "computing dominators"
     */
    public static <T> T join(Future<T> future, String doing) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + doing, e);
        } catch (CancellationException e) {
            throw new IOException("stopped while " + doing, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
