package dev.leakdetector.cli;

/** The documented exit codes. A found leak must never look like a tool failure. */
public final class ExitCode {
    /** No leak found, or the command succeeded. */
    public static final int OK = 0;
    /** A leak at or above the failure severity was found (the CI gate). */
    public static final int LEAK = 1;
    /** Usage error or bad input (a missing or corrupt snapshot, an unknown option). */
    public static final int USAGE = 2;
    /** The environment failed: memory, permissions, Docker, Kubernetes, a dead target. */
    public static final int ENVIRONMENT = 3;
    /** A bug in leak-detector. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }
}
