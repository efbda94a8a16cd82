package dev.leakdetector.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Known, accepted growth, read from a small JSON file (format in docs/analysis.md):
 * <pre>
 * {"suppressions": [
 *   {"class": "CacheEntry", "path": "*LruCache*", "maxGrowth": "50MB", "reason": "bounded cache, warms up"}
 * ]}
 * </pre>
 * {@code class} is a glob over class names; {@code path} (optional) a glob over the offender's main
 * retainer path; {@code maxGrowth} (optional) caps how much growth is accepted, so a suppressed
 * cache that grows past its cap is reported again.
 */
public final class Suppressions {
    private static final Suppressions NONE = new Suppressions(List.of());

    /** One entry. */
    public record Rule(String classGlob, String pathGlob, long maxGrowthBytes, String reason) {

        boolean matches(String className, String path, long growth) {
            return glob(classGlob).matcher(className).matches()
                    && (pathGlob == null || (path != null && glob(pathGlob).matcher(path).matches()))
                    && (maxGrowthBytes < 0 || growth <= maxGrowthBytes);
        }
    }

    private final List<Rule> rules;

    private Suppressions(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Suppressions none() {
        return NONE;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The first rule that accepts this growth, or null. */
    public Rule find(String className, String mainPath, long growth) {
        for (Rule rule : rules) {
            if (rule.matches(className, mainPath, growth)) {
                return rule;
            }
        }
        return null;
    }

    /** Reads a suppressions file; errors name the file and the entry. */
    public static Suppressions read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode list = root == null ? null : root.get("suppressions");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected {\"suppressions\": [ ... ]}");
        }
        List<Rule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = file + ": suppression #" + (index++ + 1);
            if (!entry.hasNonNull("class") || !entry.get("class").isTextual()) {
                throw new IllegalArgumentException(where + " needs a \"class\" (a class name or glob)");
            }
            String path = entry.hasNonNull("path") ? entry.get("path").asText() : null;
            long max = entry.hasNonNull("maxGrowth") ? parseSize(entry.get("maxGrowth").asText(), where) : -1;
            String reason = entry.hasNonNull("reason") ? entry.get("reason").asText() : "";
            rules.add(new Rule(entry.get("class").asText(), path, max, reason));
        }
        return new Suppressions(rules);
    }

    /** Sizes such as {@code 10485760}, {@code 512KB}, {@code 50MB} or {@code 1.5GB} (binary units). */
    public static long parseSize(String text, String where) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] suffix : new String[][] {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
            {"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"}, {"M", "1048576"},
            {"G", "1073741824"}, {"B", "1"}}) {
            if (s.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                s = s.substring(0, s.length() - suffix[0].length());
                break;
            }
        }
        try {
            double value = Double.parseDouble(s);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not a size (examples: 1048576, 512KB, 50MB)");
        }
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
