package dev.leakdetector.capture;

/** The process or inspector that was asked for does not exist: a usage problem, not an environment one. */
public final class TargetNotFoundException extends CaptureException {
    private static final long serialVersionUID = 1L;

    public TargetNotFoundException(String message) {
        super(message);
    }
}
