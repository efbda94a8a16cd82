package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.Optional;

/**
 * Objects captured in a closure scope: V8 keeps one context per scope, shared by every closure
 * created in it, so a variable used by one closure stays alive as long as any of them does.
 */
final class ClosureContextRule implements PatternRule {
    @Override
    public String id() {
        return "closure-context";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        if (path == null || path.steps().size() < 2) {
            return Optional.empty();
        }
        RetainerPath.Step holder = path.steps().get(path.steps().size() - 2);
        if (!"system / Context".equals(holder.className()) || !"context".equals(holder.edgeType())) {
            return Optional.empty();
        }
        var holders = Holders.nearest(path, 2);
        String function = holders.size() > 1 && "Function".equals(holders.get(1).className())
                ? " of a closure (" + Holders.describe(holders.get(1)) + ")" : "";
        return Optional.of(new PatternMatch(id(), "Captured by a closure scope",
                context.className() + " objects are held by the variable '" + holder.edgeName() + "' in a closure"
                        + " scope" + function + "; every closure created in that scope keeps it alive.",
                "Do not capture large or per-request objects in long-lived closures; copy the fields the closure"
                        + " needs, set the variable to null when done, or move the closure out of the scope.",
                path.render()));
    }
}
