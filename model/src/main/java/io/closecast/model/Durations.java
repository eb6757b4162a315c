package io.closecast.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way closecast reads a duration from a config file: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, or
 * ISO-8601 ({@code PT30S}). Pipeline YAML and {@code serving.yaml} both use it, each wrapping an empty answer in its
 * own error that names the key and where it came from.
 */
public final class Durations {
    /** What {@link #parse} accepts, for error messages. */
    public static final String EXPECTED = "a duration such as 500ms, 30s, 10m, 1h or PT30S";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private Durations() {
    }

    /**
     * The duration {@code text} says, or empty when it is not one of the accepted forms (or is negative).
     *
     * @param text the configured value, e.g. {@code 30s} or {@code PT30S}; surrounding blanks and case are ignored
     * @return the duration, or empty when {@code text} is none of the accepted forms ({@link #EXPECTED})
     */
    public static Optional<Duration> parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                });
            }
            if (t.startsWith("p")) {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                return d.isNegative() ? Optional.empty() : Optional.of(d);
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
