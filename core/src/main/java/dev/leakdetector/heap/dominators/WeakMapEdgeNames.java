package dev.leakdetector.heap.dominators;

import dev.leakdetector.heap.graph.StringTable;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the names V8 gives the two internal edges to a WeakMap value, such as
 * {@code "8 / part of key (Foo @78145) -> value (Object @78251) pair in WeakMap (table @78249)"},
 * with DevTools' own pattern. Results are cached per string index.
 */
public final class WeakMapEdgeNames {
    private static final Pattern EPHEMERON = Pattern.compile(
            "^\\d+(?<duplicatedPart> / part of key \\(.*? @\\d+\\) -> value \\(.*? @\\d+\\) pair in WeakMap \\(table @(?<tableId>\\d+)\\))$");
    private static final String MARKER = " / part of key (";

    /** A matched edge name: the part both edges share, and the WeakMap table's node id. */
    public record Match(String duplicatedPart, long tableId) {
    }

    private final StringTable strings;
    private static final byte UNKNOWN = 0;
    private static final byte NO = 1;
    private static final byte YES = 2;

    private final Map<Integer, Match> matches = new HashMap<>();
    private byte[] state;

    public WeakMapEdgeNames(StringTable strings) {
        this.strings = strings;
        this.state = new byte[strings.size()];
    }

    /** The parsed name, or null when the string is not a WeakMap ephemeron edge name. */
    public Match parse(int stringIndex) {
        if (stringIndex >= state.length) {
            state = java.util.Arrays.copyOf(state, Math.max(strings.size(), stringIndex + 1));
        }
        byte known = state[stringIndex];
        if (known != UNKNOWN) {
            return known == YES ? matches.get(stringIndex) : null;
        }
        String name = strings.get(stringIndex);
        Match match = null;
        if (name.contains(MARKER)) {
            Matcher m = EPHEMERON.matcher(name);
            if (m.matches()) {
                try {
                    match = new Match(m.group("duplicatedPart"), Long.parseLong(m.group("tableId")));
                } catch (NumberFormatException tooLong) {
                    match = null;
                }
            }
        }
        state[stringIndex] = match != null ? YES : NO;
        if (match != null) {
            matches.put(stringIndex, match);
        }
        return match;
    }
}
