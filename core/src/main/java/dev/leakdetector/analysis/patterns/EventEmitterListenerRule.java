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
        int last = steps.size() - 1;
        // The object is a listener itself, or is captured by one: a closure scope variable whose
        // function is the listener. Anything further away (a module scope that some listener
        // happens to close over) is another holder's pattern.
        int listener = last;
        if (last >= 2 && "system / Context".equals(steps.get(last - 1).className())
                && "context".equals(steps.get(last - 1).edgeType())
                && "Function".equals(steps.get(last - 2).className())) {
            listener = last - 2;
        }
        int holder = listener - 1;
        if (holder >= 0 && "element".equals(steps.get(holder).edgeType()) && "Array".equals(steps.get(holder).className())) {
            holder--;
        }
        if (holder < 1 || !"property".equals(steps.get(holder).edgeType())) {
            return Optional.empty();
        }
        RetainerPath.Step events = steps.get(holder - 1);
        if (!"_events".equals(events.edgeName()) || !"property".equals(events.edgeType())) {
            return Optional.empty();
        }
        String emitter = events.className();
        String event = steps.get(holder).edgeName();
        return Optional.of(new PatternMatch(id(), "EventEmitter listeners",
                context.className() + " objects are held by listeners of the '" + event + "' event on a "
                        + emitter + " (" + emitter + "._events." + event + "); the listeners are added and"
                        + " never removed" + captured(context) + ".",
                "Remove the listener when its owner goes away (emitter.off(event, fn) or"
                        + " removeListener), use once() for one-shot handlers, or register one shared"
                        + " listener instead of one per request or connection.",
                path.render()));
    }

    private static String captured(PatternContext context) {
        return context.retainedClasses().isEmpty() ? ""
                : ", and each keeps " + String.join(", ", context.retainedClasses()) + " alive";
    }
}
