package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.List;
import java.util.Optional;

/**
 * Listeners added to a long-lived EventEmitter and never removed: the emitter's {@code _events}
 * table holds every listener closure and everything the closures capture.
 */
final class EventEmitterListenerRule implements PatternRule {
    @Override
    public String id() {
        return "event-emitter-listeners";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        if (path == null) {
            return Optional.empty();
        }
        List<RetainerPath.Step> steps = path.steps();
        for (int i = steps.size() - 2; i >= 0 && i >= steps.size() - 10; i--) {
            RetainerPath.Step step = steps.get(i);
            if ("_events".equals(step.edgeName()) && "property".equals(step.edgeType())) {
                String emitter = step.className();
                String event = i + 1 < steps.size() - 1 && steps.get(i + 1).edgeName() != null
                        ? steps.get(i + 1).edgeName() : "?";
                return Optional.of(new PatternMatch(id(), "EventEmitter listeners",
                        context.className() + " objects are held by listeners of the '" + event + "' event on a "
                                + emitter + " (" + emitter + "._events." + event + "); the listeners are added and"
                                + " never removed" + captured(context) + ".",
                        "Remove the listener when its owner goes away (emitter.off(event, fn) or"
                                + " removeListener), use once() for one-shot handlers, or register one shared"
                                + " listener instead of one per request or connection.",
                        path.render()));
            }
        }
        return Optional.empty();
    }

    private static String captured(PatternContext context) {
        return context.retainedClasses().isEmpty() ? ""
                : ", and each keeps " + String.join(", ", context.retainedClasses()) + " alive";
    }
}
