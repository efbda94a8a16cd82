package dev.leakdetector.analysis.patterns;

import java.util.Optional;

/**
 * Detached DOM nodes: elements removed from the document but still referenced from JavaScript.
 * Only browser heaps have them. Node.js marks some internal binding objects detached too
 * ({@code Detached Node / BindingData}); those are not DOM and never match.
 */
final class DetachedDomRule implements PatternRule {
    @Override
    public String id() {
        return "detached-dom";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        String name = context.className();
        boolean detachedName = name.startsWith("Detached ") && !name.startsWith("Detached Node /")
                && !name.startsWith("Detached system /");
        if (!detachedName && context.detachedDomNodes() == 0) {
            return Optional.empty();
        }
        String holder = Holders.first(context.mainPath()) == null ? "a JavaScript reference"
                : Holders.describe(Holders.first(context.mainPath()));
        return Optional.of(new PatternMatch(id(), "Detached DOM nodes",
                name + " nodes are no longer in the document but are still held by " + holder + ".",
                "Drop references to removed elements (clear caches, arrays or closures that keep them) when they"
                        + " are removed from the page.",
                context.mainPath() == null ? "" : context.mainPath().render()));
    }
}
