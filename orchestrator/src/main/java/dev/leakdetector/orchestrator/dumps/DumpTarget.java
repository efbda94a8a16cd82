package dev.leakdetector.orchestrator.dumps;

import java.util.List;

/**
 * The service's Node.js process as a platform found it inside its container: what the choice of
 * snapshot method and the {@code --heapsnapshot-signal} method need to know about it.
 *
 * @param displayName   where it runs, for messages ("container orders (0123456789ab)", "pod shop/web-1 (container app)")
 * @param pid           its pid in the container's pid namespace (what {@code process.pid} says there)
 * @param caughtSignals the {@code SigCgt} mask of its {@code /proc/PID/status}
 * @param flags         its Node options
 */
public record DumpTarget(String displayName, long pid, long caughtSignals, NodeFlags flags) {

    /** Linux's standard signals, numbers 1 to 31 (x86, arm and most others agree on these). */
    private static final List<String> SIGNALS = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    /**
     * Whether the process has a handler for the signal (a name such as {@code SIGUSR2} or
     * {@code USR2}); false when the name is unknown. A signal without a handler takes its default
     * action, which for most signals ends the process.
     */
    public boolean catches(String signal) {
        int number = signalNumber(signal);
        return number > 0 && (caughtSignals & (1L << (number - 1))) != 0;
    }

    /** The Linux number of a standard signal, or -1. */
    public static int signalNumber(String signal) {
        String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        int index = SIGNALS.indexOf(name);
        return index < 0 ? -1 : index + 1;
    }
}
