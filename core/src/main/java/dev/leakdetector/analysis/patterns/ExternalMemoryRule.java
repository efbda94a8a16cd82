package dev.leakdetector.analysis.patterns;

import java.util.Optional;
import java.util.Set;

/** Growth of ArrayBuffer and Buffer backing stores: memory outside the JS heap, held by small objects. */
final class ExternalMemoryRule implements PatternRule {
    private static final Set<String> CLASSES = Set.of("system / JSArrayBufferData", "ArrayBuffer", "Buffer",
            "Uint8Array", "FastBuffer", "SharedArrayBuffer", "DataView");

    @Override
    public String id() {
        return "external-memory";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        if (!CLASSES.contains(context.className())) {
            return Optional.empty();
        }
        String holder = Holders.first(context.mainPath()) == null ? "" :
                " Nearest holder: " + Holders.describe(Holders.first(context.mainPath())) + ".";
        return Optional.of(new PatternMatch(id(), "External memory (buffers)",
                context.className() + " grows: ArrayBuffer/Buffer backing stores live outside the JS heap and are"
                        + " freed only when their small JS wrappers are." + holder,
                "Find who keeps the Buffer wrappers (see the path), release them, and reuse or pool buffers;"
                        + " watch process.memoryUsage().arrayBuffers and external.",
                context.mainPath() == null ? "" : context.mainPath().render()));
    }
}
