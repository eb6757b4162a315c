package io.closecast.model.prices.source;


import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link AlphaVantageClient} talks to Alpha Vantage: base URL (the part before {@code /query}), the daily time
 * series function, timeouts, retries with exponential backoff on 429 / 5xx / I/O errors, and the waits before asking
 * again after a rate-limit answer (Alpha Vantage answers those with HTTP 200 and a {@code Note} or
 * {@code Information} field). The API key is not part of the config: it comes from the environment and stays in the
 * client, so no config printed or logged carries it.
 *
 * @param baseUrl the API's root, e.g. {@code https://www.alphavantage.co}
 * @param function the time series asked for
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer
 * @param maxRetries retries after a 429, a 5xx, an I/O error or a per-minute or per-second rate-limit answer
 * @param initialBackoff the first wait after a 429, 5xx or I/O error, doubled each time up to 30 s
 * @param minuteLimitWait the wait after a per-minute rate-limit answer (the free tier's documented 5 calls per minute)
 * @param burstLimitWait the wait after a per-second burst answer (the documented 1 request per second)
 */
public record AlphaVantageConfig(URI baseUrl, Function function, Duration connectTimeout, Duration requestTimeout,
                                 int maxRetries, Duration initialBackoff, Duration minuteLimitWait, Duration burstLimitWait) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://www.alphavantage.co");
    /** The environment variable that holds the API key. */
    public static final String API_KEY_ENV = "ALPHAVANTAGE_API_KEY";

    /** The daily time series Alpha Vantage offers. */
    public enum Function {
        /** Raw OHLCV, the adjusted close, the dividend amount and the split coefficient of each day. */
        TIME_SERIES_DAILY_ADJUSTED,
        /** Raw (as traded) OHLCV only: no adjusted close, no split or dividend events. */
        TIME_SERIES_DAILY;

        /** The function named {@code name} (case-insensitive), or an error listing the functions. */
        public static Function of(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new PriceSourceException("Alpha Vantage function must be TIME_SERIES_DAILY_ADJUSTED or TIME_SERIES_DAILY,"
                        + " found '" + name + "'");
            }
        }
    }

    public AlphaVantageConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(minuteLimitWait, "minuteLimitWait");
        Objects.requireNonNull(burstLimitWait, "burstLimitWait");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new PriceSourceException("Alpha Vantage base URL must be an http(s) URL, found " + baseUrl);
        }
        if (maxRetries < 0) {
            throw new PriceSourceException("Alpha Vantage max retries must be >= 0, found " + maxRetries);
        }
        if (!positive(connectTimeout) || !positive(requestTimeout)) {
            throw new PriceSourceException("Alpha Vantage timeouts must be > 0, found connect " + connectTimeout + " request "
                    + requestTimeout);
        }
        if (initialBackoff.isNegative() || minuteLimitWait.isNegative() || burstLimitWait.isNegative()) {
            throw new PriceSourceException("Alpha Vantage waits must be >= 0, found backoff " + initialBackoff + ", minute limit "
                    + minuteLimitWait + ", burst limit " + burstLimitWait);
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /**
     * The public endpoint, {@code TIME_SERIES_DAILY_ADJUSTED}, 10 s connect / 30 s request timeouts, 3 retries from 1 s
     * backoff, 60 s after a per-minute rate-limit answer and 1 s after a burst answer.
     */
    public static AlphaVantageConfig defaults() {
        return new AlphaVantageConfig(DEFAULT_BASE_URL, Function.TIME_SERIES_DAILY_ADJUSTED, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 3, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    public AlphaVantageConfig withBaseUrl(URI url) {
        return new AlphaVantageConfig(url, function, connectTimeout, requestTimeout, maxRetries, initialBackoff,
                minuteLimitWait, burstLimitWait);
    }

    public AlphaVantageConfig withFunction(Function f) {
        return new AlphaVantageConfig(baseUrl, f, connectTimeout, requestTimeout, maxRetries, initialBackoff,
                minuteLimitWait, burstLimitWait);
    }

    public AlphaVantageConfig withRetries(int retries, Duration initial) {
        return new AlphaVantageConfig(baseUrl, function, connectTimeout, requestTimeout, retries, initial,
                minuteLimitWait, burstLimitWait);
    }
}
