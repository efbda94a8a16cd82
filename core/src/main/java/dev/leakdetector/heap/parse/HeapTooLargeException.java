package dev.leakdetector.heap.parse;

/**
 * The snapshot is valid but needs more Java heap than this JVM may use. This is a problem of the
 * environment, not of the input: the message says how much is needed and how to allow it.
 */
public final class HeapTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    public HeapTooLargeException(String message) {
        super(message);
    }
}
