package io.closecast.pipeline.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servability check's budget as people write it, in a config ({@code promotion.servability-time},
 * {@code promotion.servability-memory}) or on the command line ({@code --servability-time},
 * {@code --servability-memory}): a duration such as {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h},
 * {@code 250us} or ISO-8601 {@code PT1M}; a size such as {@code 256MiB}, {@code 512MB}, {@code 1GiB} or a number of bytes. Empty when the text
 * is not one, zero or negative; each caller names its key or option in the error.
 */
public final class ServabilityBudget {
    /** What a time must look like. */
    public static final String EXPECTED_TIME = "a positive duration like 30s, 2m, 500ms or PT1M";
    /** What a size must look like. */
    public static final String EXPECTED_SIZE = "a positive size like 256MiB, 512MB, 1GiB or a number of bytes";

    private static final Pattern TIME = Pattern.compile("(\\d{1,9})(ms|us|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})(B|KB|MB|GB|KiB|MiB|GiB)?");

    private ServabilityBudget() {
    }

    /** A positive duration, or empty. */
    public static Optional<Duration> time(String text) {
        String value = text == null ? "" : text.strip();
        Duration parsed = null;
        Matcher m = TIME.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            parsed = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "us" -> Duration.ofNanos(n * 1_000);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else if (value.toUpperCase(Locale.ROOT).startsWith("PT")) {
            try {
                parsed = Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                parsed = null;
            }
        }
        return parsed == null || parsed.isZero() || parsed.isNegative() ? Optional.empty() : Optional.of(parsed);
    }

    /** A positive number of bytes, or empty. */
    public static Optional<Long> size(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        long n = Long.parseLong(m.group(1));
        return n <= 0 || n > Long.MAX_VALUE / unit ? Optional.empty() : Optional.of(n * unit);
    }
}
