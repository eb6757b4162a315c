package io.closecast.model.prices.source;


import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link YahooChartClient} talks to Yahoo: base URL (the part before {@code /v8/finance/chart/}),
 * browser-like User-Agent, timeouts, and retries with exponential backoff on 429 / 5xx / I/O errors.
 */
public record YahooConfig(URI baseUrl, String userAgent, Duration connectTimeout, Duration requestTimeout, int maxRetries,
                          Duration initialBackoff, Duration maxBackoff) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://query1.finance.yahoo.com");
    public static final String DEFAULT_USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

    public YahooConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new PriceSourceException("yahoo base URL must be an http(s) URL, found " + baseUrl);
        }
        if (maxRetries < 0) {
            throw new PriceSourceException("yahoo max retries must be >= 0, found " + maxRetries);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new PriceSourceException("yahoo timeouts must be > 0, found connect " + connectTimeout + " request " + requestTimeout);
        }
    }

    /** Yahoo's public endpoint, 10 s connect / 30 s request timeouts, 4 retries from 1 s backoff up to 30 s. */
    public static YahooConfig defaults() {
        return new YahooConfig(DEFAULT_BASE_URL, DEFAULT_USER_AGENT, Duration.ofSeconds(10), Duration.ofSeconds(30), 4,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public YahooConfig withBaseUrl(URI url) {
        return new YahooConfig(url, userAgent, connectTimeout, requestTimeout, maxRetries, initialBackoff, maxBackoff);
    }

    public YahooConfig withRetries(int retries, Duration initial) {
        return new YahooConfig(baseUrl, userAgent, connectTimeout, requestTimeout, retries, initial, maxBackoff);
    }
}
