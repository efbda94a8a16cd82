package dev.leakdetector.capture;

/**
 * Capturing a snapshot failed for a reason outside leak-detector: the target died, the inspector
 * cannot be opened or reached, a timeout expired, the disk is full. The message says what, where
 * and what to do next.
 */
public class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
