package io.closecast.serving.track;

import io.closecast.serving.ServingException;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code track.feed.*} keys (docs/configuration.md): where realised closes come from and when they are fetched.
 *
 * @param source  {@code track.feed.source}: {@code directory} (default: {@code track.prices-dir}, offline),
 *                {@code yahoo} (the chart API) or {@code alpha-vantage} (its daily series; key from
 *                {@code ALPHAVANTAGE_API_KEY})
 * @param delay   {@code track.feed.delay}: how long after an exchange's close its symbols' bars are fetched (0..12h,
 *                default 30m: the provider's daily bar settles after the close)
 * @param baseUrl {@code track.feed.base-url}: the provider's base URL (default its public endpoint; a proxy or a test server)
 */
public record FeedSettings(Source source, Duration delay, Optional<URI> baseUrl) {

    /** The longest {@code track.feed.delay}. */
    public static final Duration MAX_DELAY = Duration.ofHours(12);

    /** Where closes come from. */
    public enum Source {
        DIRECTORY("directory"), YAHOO("yahoo"), ALPHA_VANTAGE("alpha-vantage");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        /** The name in YAML. */
        public String key() {
            return key;
        }

        /** The source a YAML value names. */
        public static Source of(String value) {
            return Arrays.stream(values()).filter(s -> s.key.equals(value)).findFirst()
                    .orElseThrow(() -> new ServingException("track.feed.source must be one of "
                            + Arrays.stream(values()).map(Source::key).collect(Collectors.joining(", ")) + ", found '" + value + "'"));
        }
    }

    public FeedSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new ServingException("track.feed.delay must be 0s..12h, found " + delay);
        }
        baseUrl.ifPresent(u -> {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new ServingException("track.feed.base-url must be an http(s) URL, found '" + u + "'");
            }
        });
    }

    /** The price directory, 30 minutes after the close, the public endpoints. */
    public static FeedSettings defaults() {
        return new FeedSettings(Source.DIRECTORY, Duration.ofMinutes(30), Optional.empty());
    }
}
