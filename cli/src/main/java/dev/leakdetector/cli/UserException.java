package dev.leakdetector.cli;

/** A failure whose message is meant for the user as is, with its exit code. */
final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    UserException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
