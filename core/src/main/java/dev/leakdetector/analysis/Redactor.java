package dev.leakdetector.analysis;

import java.util.regex.Pattern;

/**
 * Keeps data out of reports. Heap snapshots hold every string of the process (tokens, emails,
 * personal data); reports show structure only. Names that code chose (identifiers, class names)
 * stay; property names that look like data (used as dictionary keys) become {@code ‹key›}, unless
 * values were asked for with {@code --include-values}.
 */
public final class Redactor {
    /** Names code chooses: identifiers, event and header names such as {@code config-changed}. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.:-]{0,39}");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,10}");
    /** Ids, tokens and hashes: a run of four digits, or a long mix of letters and digits. */
    private static final Pattern DATA_LIKE = Pattern.compile(".*\\d{4}.*|(?=.*\\d.*\\d.*\\d)(?=.*[A-Za-z]).{12,}");
    private static final String REDACTED = "‹key›";

    private final boolean includeValues;

    public Redactor(boolean includeValues) {
        this.includeValues = includeValues;
    }

    /** An edge name: kept when it looks like an identifier or an index. */
    public String edgeName(String edgeType, String name) {
        if (includeValues || name == null) {
            return name;
        }
        if ("element".equals(edgeType) || "hidden".equals(edgeType) || "internal".equals(edgeType)
                || "weak".equals(edgeType) || NUMBER.matcher(name).matches() || looksLikeCode(name)) {
            return name;
        }
        return REDACTED;
    }

    /** A class name; inferred shapes such as {@code {id, user@example.com}} get their data keys redacted. */
    public String className(String name) {
        if (includeValues || name == null || !name.startsWith("{") || !name.endsWith("}")) {
            return name;
        }
        String inner = name.substring(1, name.length() - 1);
        StringBuilder sb = new StringBuilder("{");
        String[] parts = inner.split(", ", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            sb.append(i == 0 ? "" : ", ").append(part.equals("…") || looksLikeCode(part)
                    || NUMBER.matcher(part).matches() ? part : REDACTED);
        }
        return sb.append('}').toString();
    }

    /** True for names a programmer wrote; false for names that look like data used as keys. */
    static boolean looksLikeCode(String name) {
        return IDENTIFIER.matcher(name).matches() && !DATA_LIKE.matcher(name).matches();
    }

    public RetainerPath path(RetainerPath path) {
        if (includeValues) {
            return path;
        }
        return new RetainerPath(path.steps().stream()
                .map(s -> new RetainerPath.Step(className(s.className()), s.nodeType(), s.nodeId(), s.edgeType(),
                        edgeName(s.edgeType(), s.edgeName()), s.repeat()))
                .toList());
    }
}
