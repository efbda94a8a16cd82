package dev.leakdetector.capture;

import java.time.Duration;

/**
 * Takes one Node.js service instance out of rotation before a snapshot and puts it back after,
 * so the snapshot's stop-the-world pause hits no request: in maintenance the instance's readiness
 * probe answers 503, new requests are refused, and in-flight requests are allowed to finish.
 *
 * <p>Two ways exist, both understood by the in-app agent ({@code agent/}): its control channel
 * ({@link AgentControl}) and a maintenance file that it, or the app itself, polls
 * ({@link FileToggle}). {@link #none()} does nothing, for services that have neither.
 *
 * <p>{@link #leave()} is the undo of {@link #enter}: it is idempotent, leaves only what this switch
 * entered, and may be called from another thread (a shutdown hook) while {@code enter} still waits.
 */
public interface MaintenanceSwitch {

    /**
     * What entering maintenance achieved.
     *
     * @param drained  true when no request was in flight any more, false when the grace period ran
     *                 out first, null when the switch cannot know (a file: nobody answers)
     * @param inFlight requests still in flight when {@code enter} returned, -1 when unknown
     */
    record Entered(Boolean drained, int inFlight) {
    }

    /** "agent", "file" or "none", as reports and logs name the way maintenance was switched. */
    String kind();

    /** Where the switch acts, for messages: "agent on 127.0.0.1:9339", "file /tmp/maintenance". */
    String describe();

    /**
     * Enters maintenance now, then waits up to {@code grace} for the requests in flight to finish
     * (the whole grace period when the switch cannot observe them).
     */
    Entered enter(Duration grace) throws CaptureException;

    /** Leaves maintenance if this switch entered it; does nothing otherwise or the second time. */
    void leave() throws CaptureException;

    /** A switch for a service without maintenance mode: enters nothing and waits for nothing. */
    static MaintenanceSwitch none() {
        return new MaintenanceSwitch() {
            @Override
            public String kind() {
                return "none";
            }

            @Override
            public String describe() {
                return "no maintenance mode";
            }

            @Override
            public Entered enter(Duration grace) {
                return new Entered(null, -1);
            }

            @Override
            public void leave() {
            }
        };
    }
}
