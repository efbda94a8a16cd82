package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.Optional;
import java.util.Set;

/**
 * Timers that are never cleared: Node keeps every scheduled {@code Timeout} (and what its callback
 * captures) in its timer lists until it fires for the last time, which for an interval is never.
 */
final class TimerRule implements PatternRule {
    private static final Set<String> TIMER_CLASSES = Set.of("Timeout", "Immediate", "TimersList");

    @Override
    public String id() {
        return "timers";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        boolean timerClass = TIMER_CLASSES.contains(context.className());
        // A timer that holds the objects directly: its callback's scope is among the nearest holders
        // (Timeout._onTimeout → Function → Context). A timer further up only runs the code that
        // fills some other holder, which is that holder's pattern.
        RetainerPath.Step timer = null;
        for (RetainerPath.Step step : Holders.nearest(path, 3)) {
            if (TIMER_CLASSES.contains(step.className()) || "_onTimeout".equals(step.edgeName())) {
                timer = step;
                break;
            }
        }
        if (!timerClass && timer == null) {
            return Optional.empty();
        }
        String description = timerClass
                ? context.growth().deltaCount() + " more " + context.className()
                        + " objects are scheduled: timers or intervals that are never cleared."
                : context.className() + " objects are kept alive by a timer callback (" + Holders.describe(timer) + ").";
        return Optional.of(new PatternMatch(id(), "Timers never cleared", description,
                "Keep the handle returned by setInterval/setTimeout and call clearInterval/clearTimeout when the"
                        + " work is done (for example when the subscription or connection closes); unref() does not"
                        + " free the timer.",
                path == null ? "" : path.render()));
    }
}
