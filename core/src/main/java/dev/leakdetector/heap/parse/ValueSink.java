package dev.leakdetector.heap.parse;

/**
 * Receives the unsigned integers of a numeric section in batches, in file order.
 *
 * <p>Batches keep the scanner's inner loop free of virtual calls. A sink that finds a value out of
 * range throws {@link BadValueException}; the caller adds file and section to the message.
 */
abstract class ValueSink {

    /** Accepts {@code values[0 … count-1]}. */
    abstract void accept(long[] values, int count);

    /** Called once after the last batch of this sink's range. */
    void finish() {
    }

    /** Thrown by sinks for a value that cannot be right; the message says which value and why. */
    static final class BadValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadValueException(String message) {
            super(message, null, false, false);
        }
    }
}
