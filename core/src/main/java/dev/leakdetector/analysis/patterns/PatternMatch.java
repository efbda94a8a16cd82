package dev.leakdetector.analysis.patterns;

/**
 * A leak pattern found for one offender, with the evidence that shows it.
 *
 * @param pattern        stable identifier, such as {@code event-emitter-listeners}
 * @param title          short human-readable name
 * @param description    what holds what, with names taken from the heap
 * @param recommendation what to change in the code
 * @param evidence       the retainer path that shows the pattern
 */
public record PatternMatch(String pattern, String title, String description, String recommendation,
                           String evidence) {
}
