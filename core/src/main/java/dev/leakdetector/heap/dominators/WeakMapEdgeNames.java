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
    private static final byte[] MARKER = " / part of key (".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A matched edge name: the part both edges share, and the WeakMap table's node id. */
    public record Match(String duplicatedPart, long tableId) {
    }

    private final StringTable strings;
    private final Map<Integer, Match> matches = new HashMap<>();
    /**
     * One bit per string index each: whether the name was looked at, and whether it matched. Bits
     * rather than a byte per string keep the lookups, one per internal edge, in the cache.
     */
    private long[] known;
    private long[] matched;

    public WeakMapEdgeNames(StringTable strings) {
        this.strings = strings;
        this.known = new long[(strings.size() + 63) >>> 6];
        this.matched = new long[known.length];
    }

    /** The parsed name, or null when the string is not a WeakMap ephemeron edge name. */
    public Match parse(int stringIndex) {
        int word = stringIndex >>> 6;
        long bit = 1L << stringIndex;
        if (word >= known.length) {
            int words = (Math.max(strings.size(), stringIndex + 1) + 63) >>> 6;
            known = java.util.Arrays.copyOf(known, words);
            matched = java.util.Arrays.copyOf(matched, words);
        }
        if ((known[word] & bit) != 0) {
            return (matched[word] & bit) != 0 ? matches.get(stringIndex) : null;
        }
        Match match = null;
        // A V8 heap has a million distinct internal edge names; look at the bytes before making a
        // String of one.
        if (strings.containsAscii(stringIndex, MARKER)) {
            Matcher m = EPHEMERON.matcher(strings.get(stringIndex));
            if (m.matches()) {
                try {
                    match = new Match(m.group("duplicatedPart"), Long.parseLong(m.group("tableId")));
                } catch (NumberFormatException tooLong) {
                    match = null;
                }
            }
        }
        known[word] |= bit;
        if (match != null) {
            matched[word] |= bit;
            matches.put(stringIndex, match);
        }
        return match;
    }
}
