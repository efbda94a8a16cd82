package dev.leakdetector.cli;

import java.util.Map;

/**
 * What the CLI reads from its surroundings: environment variables and whether stderr is a
 * terminal. Injected, so tests control it instead of changing globals.
 *
 * @param variables   environment variables
 * @param interactive true when progress bars may be drawn
 */
public record Environment(Map<String, String> variables, boolean interactive) {

    public Environment {
        variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv(), System.console() != null);
    }

    /** {@code DEBUG=leak-detector:*} (or {@code DEBUG=*}) turns on step-by-step logs and stack traces. */
    public boolean debug() {
        String debug = variables.getOrDefault("DEBUG", "");
        for (String part : debug.split("[,\\s]+")) {
            if (part.equals("*") || part.equals("leak-detector:*") || part.startsWith("leak-detector")) {
                return true;
            }
        }
        return false;
    }
}
