package dev.leakdetector.orchestrator.k8s;

import dev.leakdetector.orchestrator.workflow.OrchestrationException;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Polls the cluster until a condition holds. Kubernetes is eventually consistent: controllers act
 * on our changes a moment later, so every "and then" in the platform is a bounded wait whose
 * timeout message says what was last seen.
 */
final class Waits {
    /** One look at the cluster: the result when the condition holds, else null (after saying what it saw). */
    @FunctionalInterface
    interface Probe<T> {
        T check(Consumer<String> seen) throws OrchestrationException;
    }

    private final Duration poll;

    Waits(Duration poll) {
        this.poll = poll;
    }

    <T> T until(String what, Duration timeout, Probe<T> probe) throws OrchestrationException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String[] last = {""};
        while (true) {
            T result = probe.check(state -> last[0] = state);
            if (result != null) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new OrchestrationException("timed out after " + Math.max(1, timeout.toSeconds()) + " s waiting for "
                        + what + (last[0].isEmpty() ? "" : " (last seen: " + last[0] + ")"));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OrchestrationException("interrupted while waiting for " + what);
            }
        }
    }
}
