package dev.leakdetector.cli.scenarios;

import java.util.Locale;

/**
 * The built-in scenarios of {@code leak-detector test}, with the verdict each must produce.
 *
 * @param expectLeak     whether the analysis must find a leak
 * @param expectedClass  the top offender's class when a leak is expected
 * @param expectedPattern its main pattern
 */
public enum Scenario {
    BASIC(false, null, null, "a normal workload: requests that become garbage and a bounded cache"),
    LEAK(true, "LeakedRequest", "array-growth", "an array that only grows"),
    CLOSURE(true, "Function", "event-emitter-listeners", "listener closures added to an EventEmitter and never removed"),
    CLEANUP(false, null, null, "a leak that the service then clears: must come out clean");

    private final boolean expectLeak;
    private final String expectedClass;
    private final String expectedPattern;
    private final String description;

    Scenario(boolean expectLeak, String expectedClass, String expectedPattern, String description) {
        this.expectLeak = expectLeak;
        this.expectedClass = expectedClass;
        this.expectedPattern = expectedPattern;
        this.description = description;
    }

    public boolean expectLeak() {
        return expectLeak;
    }

    public String expectedClass() {
        return expectedClass;
    }

    public String expectedPattern() {
        return expectedPattern;
    }

    public String description() {
        return description;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
