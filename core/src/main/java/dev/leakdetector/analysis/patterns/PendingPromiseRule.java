package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.Optional;
import java.util.Set;

/**
 * Promises that never settle: each keeps its reactions ({@code then} callbacks and what they
 * capture) for as long as something holds the promise or its resolving functions.
 */
final class PendingPromiseRule implements PatternRule {
    private static final Set<String> PROMISE_CLASSES = Set.of("Promise", "system / PromiseReaction",
            "PromiseReaction", "system / PromiseCapability");

    @Override
    public String id() {
        return "pending-promises";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        boolean promiseClass = PROMISE_CLASSES.contains(context.className());
        RetainerPath.Step promise = null;
        if (path != null) {
            for (int i = path.steps().size() - 2; i >= 0 && i >= path.steps().size() - 8; i--) {
                RetainerPath.Step step = path.steps().get(i);
                if (PROMISE_CLASSES.contains(step.className()) || "reactions".equals(step.edgeName())
                        || "reaction".equals(step.edgeName())) {
                    promise = step;
                    break;
                }
            }
        }
        boolean retainsPromise = context.retainedClasses().contains("Promise");
        if (!promiseClass && promise == null && !retainsPromise) {
            return Optional.empty();
        }
        String description;
        if (promiseClass) {
            description = context.growth().deltaCount() + " more " + context.className()
                    + " objects are alive: promises that never settle, with their reactions.";
        } else if (promise != null) {
            description = context.className() + " objects are captured by reactions of promises that have not"
                    + " settled (" + Holders.describe(promise) + ").";
        } else {
            description = "Each new " + context.className() + " keeps a Promise that has not settled alive"
                    + " (it also holds " + String.join(", ", context.retainedClasses()) + ").";
        }
        return Optional.of(new PatternMatch(id(), "Pending promises", description,
                "Make sure every promise settles: add timeouts to awaited I/O, reject waiters on shutdown or"
                        + " cancellation, and do not keep resolve/reject functions in long-lived collections.",
                path == null ? "" : path.render()));
    }
}
