package io.closecast.model.prices.source;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A client for Yahoo Finance's v8 chart API ({@code GET /v8/finance/chart/{symbol}?period1&period2&interval=1d&events=div|split}).
 * Daily bars come back keyed by the session's start in UTC; this client converts each to the exchange's
 * time zone ({@code meta.exchangeTimezoneName}) before taking the date. Bars with a null value are dropped
 * and counted. Retries 429, 5xx and I/O errors with exponential backoff (or the server's Retry-After).
 */
public final class YahooChartClient implements PriceSource {

    private static final Logger LOG = LoggerFactory.getLogger(YahooChartClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final YahooConfig config;
    private final HttpClient http;

    private YahooChartClient(YahooConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public static YahooChartClient create(YahooConfig config) {
        return new YahooChartClient(config);
    }

    public YahooConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "Yahoo";
    }

    @Override
    public URI requestUri(String symbol, LocalDate from, LocalDate to) {
        return chartUri(symbol, from, to);
    }

    /** The request URI for daily bars of {@code symbol} dated {@code from..to} (inclusive). */
    public URI chartUri(String symbol, LocalDate from, LocalDate to) {
        long period1 = from.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        // Sessions start at or after 00:00 UTC of their date everywhere but in Oceania (e.g. Sydney's 10:00 is
        // 23:00 UTC the day before, so the first day of a range there can be missed); period2 is exclusive.
        long period2 = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        return URI.create(base + "/v8/finance/chart/" + URLEncoder.encode(symbol, StandardCharsets.UTF_8)
                + "?period1=" + period1 + "&period2=" + period2 + "&interval=1d&events="
                + URLEncoder.encode("div|split", StandardCharsets.UTF_8) + "&includeAdjustedClose=true");
    }

    /** Daily bars of {@code symbol} dated {@code from..to} (inclusive, in the exchange's time zone). */
    @Override
    public ChartData fetch(String symbol, LocalDate from, LocalDate to) {
        if (symbol.isBlank() || !symbol.matches("[A-Za-z0-9.^=\\-]+")) {
            throw new PriceSourceException("symbol must look like PETR4.SA or ^GSPC (letters, digits, . ^ = -), found '" + symbol + "'");
        }
        if (to.isBefore(from)) {
            throw new PriceSourceException("--to must be on or after --from, found --from " + from + " --to " + to);
        }
        URI uri = chartUri(symbol, from, to);
        HttpResponse<String> response = send(uri);
        return parse(symbol, from, to, uri, response.statusCode(), response.body());
    }

    private HttpResponse<String> send(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("User-Agent", config.userAgent())
                .header("Accept", "application/json")
                .GET()
                .build();
        Duration backoff = config.initialBackoff();
        int attempts = config.maxRetries() + 1;
        String last = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status != 429 && status < 500) {
                    return response;
                }
                last = "HTTP " + status;
                if (attempt < attempts) {
                    Duration wait = retryAfter(response).orElse(backoff);
                    LOG.warn("Yahoo answered {} for {} (attempt {} of {}); retrying in {} ms", status, uri, attempt, attempts,
                            wait.toMillis());
                    sleep(wait);
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (attempt < attempts) {
                    LOG.warn("Yahoo request {} failed ({}; attempt {} of {}); retrying in {} ms", uri, last, attempt, attempts,
                            backoff.toMillis());
                    sleep(backoff);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PriceSourceException("interrupted while fetching " + uri, e);
            }
            backoff = min(backoff.multipliedBy(2), config.maxBackoff());
        }
        throw new PriceSourceException("Yahoo chart API did not answer successfully after " + attempts + " attempt(s), last "
                + last + " (GET " + uri + ")");
    }

    public static ChartData parse(String symbol, LocalDate from, LocalDate to, URI uri, int status, String body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PriceSourceException("Yahoo chart response for " + symbol + " is not complete JSON (HTTP " + status + ", "
                    + body.length() + " chars; truncated or corrupt): " + e.getOriginalMessage() + " (GET " + uri + ")", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new PriceSourceException("Yahoo chart response for " + symbol + " is empty (HTTP " + status + ", GET " + uri + ")");
        }
        JsonNode error = root.path("chart").path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String code = error.path("code").asText("?");
            String description = error.path("description").asText("");
            if (status == 404 || "Not Found".equals(code)) {
                throw new PriceSourceException("unknown symbol " + symbol + ": Yahoo answered " + status + " " + code + ": "
                        + description + " (GET " + uri + ")");
            }
            throw new PriceSourceException("Yahoo chart API error for " + symbol + ": HTTP " + status + " " + code + ": "
                    + description + " (GET " + uri + ")");
        }
        if (status != 200) {
            throw new PriceSourceException("Yahoo chart API answered HTTP " + status + " for " + symbol + ", expected 200: "
                    + snippet(body) + " (GET " + uri + ")");
        }
        JsonNode result = root.path("chart").path("result").path(0);
        if (!result.isObject()) {
            throw new PriceSourceException("Yahoo chart response for " + symbol
                    + " has no chart.result[0], expected an object with meta, timestamp and indicators (GET " + uri + ")");
        }
        JsonNode meta = result.path("meta");
        String zoneName = meta.path("exchangeTimezoneName").asText("");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw new PriceSourceException("Yahoo chart response for " + symbol
                    + ": meta.exchangeTimezoneName must be a time zone like America/New_York, found '" + zoneName + "' (GET " + uri + ")");
        }
        String currency = meta.path("currency").asText("");

        JsonNode timestamps = result.path("timestamp");
        JsonNode quote = result.path("indicators").path("quote").path(0);
        JsonNode adj = result.path("indicators").path("adjclose").path(0).path("adjclose");
        int n = timestamps.isArray() ? timestamps.size() : 0;
        if (n > 0 && (!quote.isObject() || !adj.isArray())) {
            throw new PriceSourceException("Yahoo chart response for " + symbol
                    + " has timestamps but no indicators.quote[0] or indicators.adjclose[0].adjclose (GET " + uri + ")");
        }
        String[] fields = {"open", "high", "low", "close"};
        for (String f : fields) {
            if (n > 0 && quote.path(f).size() != n) {
                throw new PriceSourceException("Yahoo chart response for " + symbol + ": indicators.quote[0]." + f + " must hold "
                        + n + " values (one per timestamp), found " + quote.path(f).size() + " (GET " + uri + ")");
            }
        }
        Map<LocalDate, PriceBar> bars = new TreeMap<>();
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            LocalDate date = Instant.ofEpochSecond(timestamps.get(i).asLong()).atZone(zone).toLocalDate();
            JsonNode o = quote.path("open").path(i);
            JsonNode h = quote.path("high").path(i);
            JsonNode l = quote.path("low").path(i);
            JsonNode c = quote.path("close").path(i);
            JsonNode v = quote.path("volume").path(i);
            JsonNode a = adj.path(i);
            if (!o.isNumber() || !h.isNumber() || !l.isNumber() || !c.isNumber() || !v.isNumber() || !a.isNumber()) {
                dropped++;
                continue;
            }
            if (date.isBefore(from) || date.isAfter(to)) {
                continue;
            }
            bars.put(date, new PriceBar(date, o.asDouble(), h.asDouble(), l.asDouble(), c.asDouble(), a.asDouble(), v.asDouble()));
        }
        if (dropped > 0) {
            LOG.warn("Yahoo sent {} bar(s) with null values for {}; dropped them", dropped, symbol);
        }
        List<ChartData.Dividend> dividends = new ArrayList<>();
        result.path("events").path("dividends").forEach(d -> dividends.add(new ChartData.Dividend(
                Instant.ofEpochSecond(d.path("date").asLong()).atZone(zone).toLocalDate(), d.path("amount").asDouble())));
        dividends.sort(Comparator.comparing(ChartData.Dividend::date));
        List<ChartData.StockSplit> splits = new ArrayList<>();
        result.path("events").path("splits").forEach(s -> splits.add(new ChartData.StockSplit(
                Instant.ofEpochSecond(s.path("date").asLong()).atZone(zone).toLocalDate(), s.path("numerator").asDouble(),
                s.path("denominator").asDouble())));
        splits.sort(Comparator.comparing(ChartData.StockSplit::date));
        PriceSeries series = PriceSeries.create(symbol, uri.toString(), List.copyOf(bars.values()));
        return new ChartData(series, zone, currency, dropped, dividends, splits);
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(min(wait, config.maxBackoff()).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PriceSourceException("interrupted while waiting to retry a Yahoo request", e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String snippet(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
