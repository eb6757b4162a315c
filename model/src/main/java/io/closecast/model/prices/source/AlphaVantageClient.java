package io.closecast.model.prices.source;


import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A client for Alpha Vantage's daily time series ({@code GET /query?function=TIME_SERIES_DAILY_ADJUSTED&symbol&outputsize&apikey},
 * or {@code TIME_SERIES_DAILY}), answering in the cache's layout ({@link AlphaVantageResponse} says how).
 *
 * <p>Alpha Vantage refuses calls with HTTP 200 and a {@code Note}, {@code Information} or {@code Error Message}
 * field in place of the data. A per-minute rate limit (the free tier's documented 5 calls per minute) is waited out
 * ({@link AlphaVantageConfig#minuteLimitWait()}, 60 s) and the call made again, as is the per-second burst limit (1 s);
 * the daily limit, a premium-only function, a bad key and an invalid call (an unknown symbol) are errors that say so.
 * 429, 5xx and I/O errors are retried with exponential backoff. The API key never appears in a message or a log
 * line: request URIs are shown with {@code apikey=***}.
 */
public final class AlphaVantageClient implements PriceSource {

    private static final Logger LOG = LoggerFactory.getLogger(AlphaVantageClient.class);
    private static final String MASK = "***";
    /** Days back that a compact answer (the latest 100 trading days) is sure to cover. */
    private static final int COMPACT_CALENDAR_DAYS = 140;

    /** Waits between attempts; tests pass one that records the wait and returns at once. */
    @FunctionalInterface
    public interface Waiter {
        void await(Duration wait) throws InterruptedException;
    }

    private final AlphaVantageConfig config;
    private final String apiKey;
    private final Waiter waiter;
    private final HttpClient http;

    private AlphaVantageClient(AlphaVantageConfig config, String apiKey, Waiter waiter) {
        this.config = Objects.requireNonNull(config, "config");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        if (apiKey.isBlank()) {
            throw new PriceSourceException(AlphaVantageConfig.API_KEY_ENV + " is empty: Alpha Vantage needs an API key"
                    + " (free at https://www.alphavantage.co/support/#api-key)");
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A client that sleeps through the waits. */
    public static AlphaVantageClient create(AlphaVantageConfig config, String apiKey) {
        return new AlphaVantageClient(config, apiKey, wait -> Thread.sleep(wait.toMillis()));
    }

    /** A client whose waits go through {@code waiter}. */
    public static AlphaVantageClient create(AlphaVantageConfig config, String apiKey, Waiter waiter) {
        return new AlphaVantageClient(config, apiKey, waiter);
    }

    /** A client with the key from {@value AlphaVantageConfig#API_KEY_ENV}, or an error saying it is not set. */
    public static AlphaVantageClient fromEnvironment(AlphaVantageConfig config) {
        String key = System.getenv(AlphaVantageConfig.API_KEY_ENV);
        if (key == null) {
            throw new PriceSourceException(AlphaVantageConfig.API_KEY_ENV + " is not set: --source alpha-vantage reads the"
                    + " Alpha Vantage API key from it (free at https://www.alphavantage.co/support/#api-key)");
        }
        return create(config, key);
    }

    public AlphaVantageConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "Alpha Vantage";
    }

    @Override
    public URI requestUri(String symbol, LocalDate from, LocalDate to) {
        return uri(symbol, from, MASK);
    }

    /**
     * {@code compact} (the latest 100 trading days) when {@code from} lies within them, else {@code full} (20 years
     * and more; a premium feature for {@code TIME_SERIES_DAILY} on today's free tier).
     */
    static String outputSize(LocalDate from) {
        return from.isBefore(LocalDate.now(ZoneOffset.UTC).minusDays(COMPACT_CALENDAR_DAYS)) ? "full" : "compact";
    }

    private URI uri(String symbol, LocalDate from, String key) {
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        return URI.create(base + "/query?function=" + config.function() + "&symbol="
                + URLEncoder.encode(symbol, StandardCharsets.UTF_8) + "&outputsize=" + outputSize(from) + "&datatype=json"
                + "&apikey=" + (key.equals(MASK) ? MASK : URLEncoder.encode(key, StandardCharsets.UTF_8)));
    }

    @Override
    public ChartData fetch(String symbol, LocalDate from, LocalDate to) {
        if (symbol.isBlank() || !symbol.matches("[A-Za-z0-9.:^=\\-]+")) {
            throw new PriceSourceException("symbol must look like IBM, PETR4.SAO or TSCO.LON (letters, digits, . : ^ = -), found '"
                    + symbol + "'");
        }
        if (to.isBefore(from)) {
            throw new PriceSourceException("--to must be on or after --from, found --from " + from + " --to " + to);
        }
        URI shown = requestUri(symbol, from, to);
        HttpRequest request = HttpRequest.newBuilder(uri(symbol, from, apiKey))
                .timeout(config.requestTimeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        int attempts = config.maxRetries() + 1;
        Duration backoff = config.initialBackoff();
        String last = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration wait = backoff;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status == 200) {
                    JsonNode root = AlphaVantageResponse.json(symbol, response.body(), shown.toString());
                    var refusal = AlphaVantageResponse.refusal(root);
                    if (refusal.isEmpty()) {
                        return AlphaVantageResponse.parse(config.function(), symbol, from, to, shown.toString(), root);
                    }
                    if (!refusal.get().retryable()) {
                        throw refused(refusal.get(), symbol, from, shown);
                    }
                    wait = refusal.get().kind() == AlphaVantageResponse.RefusalKind.MINUTE_LIMIT
                            ? config.minuteLimitWait() : config.burstLimitWait();
                    last = "the " + (refusal.get().kind() == AlphaVantageResponse.RefusalKind.MINUTE_LIMIT ? "per-minute"
                            : "per-second") + " rate limit (\"" + refusal.get().field() + "\": " + masked(refusal.get().text())
                            + ")";
                } else if (status == 429 || status >= 500) {
                    last = "HTTP " + status;
                    backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(30));
                } else {
                    throw new PriceSourceException("Alpha Vantage answered HTTP " + status + " for " + symbol + ", expected 200: "
                            + snippet(masked(response.body())) + " (GET " + shown + ")");
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + masked(e.getMessage()));
                backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PriceSourceException("interrupted while fetching " + shown, e);
            }
            if (attempt < attempts) {
                LOG.warn("Alpha Vantage: {} for {} (attempt {} of {}); asking again in {} s", last, symbol, attempt, attempts,
                        wait.toSeconds());
                try {
                    waiter.await(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PriceSourceException("interrupted while waiting to ask Alpha Vantage again", e);
                }
            }
        }
        throw new PriceSourceException("Alpha Vantage did not answer with data for " + symbol + " after " + attempts
                + " attempt(s), last " + last + " (GET " + shown + ")");
    }

    private PriceSourceException refused(AlphaVantageResponse.Refusal refusal, String symbol, LocalDate from, URI shown) {
        String what = switch (refusal.kind()) {
            case DAILY_LIMIT -> "Alpha Vantage's daily rate limit is used up for this key; asking again today will not help"
                    + " (the free tier allows 25 requests a day)";
            case PREMIUM -> "Alpha Vantage serves " + config.function() + (outputSize(from).equals("full")
                    ? " with outputsize=full (--from before the last 100 trading days)" : "") + " to premium keys only;"
                    + " with a free key, try --function TIME_SERIES_DAILY and a --from within the last 100 trading days";
            case BAD_KEY -> "Alpha Vantage refused the API key in " + AlphaVantageConfig.API_KEY_ENV
                    + " (missing, invalid or the demo key)";
            case INVALID_CALL -> "Alpha Vantage refused the call for symbol '" + symbol + "' as invalid: most often an"
                    + " unknown symbol (Alpha Vantage names them like IBM, PETR4.SAO, TSCO.LON)";
            default -> "Alpha Vantage sent a notice instead of data for " + symbol;
            // MINUTE_LIMIT and BURST_LIMIT are retried, never refused here
        };
        return new PriceSourceException(what + ": \"" + refusal.field() + "\": " + masked(refusal.text()) + " (GET " + shown + ")");
    }

    /** {@code text} with the API key, wherever it appears, replaced by {@code ***}. */
    private String masked(String text) {
        return text.replace(apiKey, MASK).replace(URLEncoder.encode(apiKey, StandardCharsets.UTF_8), MASK);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String snippet(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
