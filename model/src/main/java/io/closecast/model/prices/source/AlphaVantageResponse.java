package io.closecast.model.prices.source;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads Alpha Vantage's answers to {@code TIME_SERIES_DAILY_ADJUSTED} and {@code TIME_SERIES_DAILY}, strictly: the
 * documented {@code Meta Data} and {@code Time Series (Daily)} objects with every documented field of every day, as
 * decimal strings; anything missing or malformed is an error naming the field (and the day). Answers that refuse the
 * call come with HTTP 200 and one field instead ({@code Note}, {@code Information} or {@code Error Message}): they are
 * classified into a {@link Refusal}.
 *
 * <p>The cache's layout is Yahoo's: Close split-adjusted, Adj Close split- and dividend-adjusted. Alpha Vantage sends
 * prices as traded, so with the adjusted function each day's open, high, low and close are divided (and its volume
 * multiplied) by the product of the split coefficients of the later days; Adj Close is its {@code 5. adjusted close}.
 * {@code TIME_SERIES_DAILY} carries no split information: its prices stay as traded, and Adj Close is the close.
 */
final class AlphaVantageResponse {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String META = "Meta Data";
    static final String SERIES = "Time Series (Daily)";
    private static final List<String> ADJUSTED_FIELDS = List.of("1. open", "2. high", "3. low", "4. close",
            "5. adjusted close", "6. volume", "7. dividend amount", "8. split coefficient");
    private static final List<String> DAILY_FIELDS = List.of("1. open", "2. high", "3. low", "4. close", "5. volume");
    private static final Pattern PER_SECOND = Pattern.compile("(?i)per second|burst");
    private static final Pattern PER_MINUTE = Pattern.compile("(?i)per minute|call frequency");
    private static final Pattern PER_DAY = Pattern.compile("(?i)per day|daily rate limit");

    private AlphaVantageResponse() {
    }

    /** Why Alpha Vantage refused a call, from the text of its {@code Note}, {@code Information} or {@code Error Message}. */
    enum RefusalKind {
        /** The per-minute limit (the free tier's 5 calls per minute): worth asking again after a minute. */
        MINUTE_LIMIT,
        /** Requests closer than a second apart: worth asking again after a second. */
        BURST_LIMIT,
        /** The daily limit (25 requests a day on the free tier): nothing to gain from asking again today. */
        DAILY_LIMIT,
        /** The function (or {@code outputsize=full}) needs a premium key. */
        PREMIUM,
        /** The key is missing, invalid, or the demo key used for another symbol. */
        BAD_KEY,
        /** The call was refused as invalid: for a daily series, most often an unknown symbol. */
        INVALID_CALL,
        /** Any other notice in place of the data. */
        OTHER
    }

    /** A refusal: which field carried it, its kind and Alpha Vantage's text. */
    record Refusal(String field, RefusalKind kind, String text) {
        boolean retryable() {
            return kind == RefusalKind.MINUTE_LIMIT || kind == RefusalKind.BURST_LIMIT;
        }
    }

    /** Parses a body as JSON, or an error naming the symbol and what was wrong. */
    static JsonNode json(String symbol, String body, String request) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PriceSourceException("Alpha Vantage response for " + symbol + " is not complete JSON (" + body.length()
                    + " chars; truncated or corrupt): " + e.getOriginalMessage() + " (GET " + request + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new PriceSourceException("Alpha Vantage response for " + symbol + " must be a JSON object, found "
                    + (root == null || root.isMissingNode() ? "an empty body" : root.getNodeType().toString().toLowerCase(Locale.ROOT))
                    + " (GET " + request + ")");
        }
        return root;
    }

    /** The refusal an answer carries in place of the data, if any. */
    static Optional<Refusal> refusal(JsonNode root) {
        for (String field : List.of("Error Message", "Note", "Information")) {
            JsonNode node = root.get(field);
            if (node != null && !root.has(SERIES)) {
                String text = node.asText("");
                return Optional.of(new Refusal(field, kind(field, text), text));
            }
        }
        return Optional.empty();
    }

    private static RefusalKind kind(String field, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("apikey") || lower.contains("api key")) {
            // "the parameter apikey is invalid or missing", "The **demo** API key is for demo purposes only"
            return RefusalKind.BAD_KEY;
        }
        if (lower.contains("premium endpoint") || lower.contains("premium feature")) {
            return RefusalKind.PREMIUM;
        }
        if (PER_SECOND.matcher(text).find()) {
            return RefusalKind.BURST_LIMIT;
        }
        if (PER_MINUTE.matcher(text).find()) {
            return RefusalKind.MINUTE_LIMIT;
        }
        if (PER_DAY.matcher(text).find()) {
            return RefusalKind.DAILY_LIMIT;
        }
        return field.equals("Error Message") ? RefusalKind.INVALID_CALL : RefusalKind.OTHER;
    }

    /**
     * The bars of {@code from..to} from a data answer (no refusal in it), adjusted as the class comment says, with
     * the dividends and splits dated in that range.
     */
    static ChartData parse(AlphaVantageConfig.Function function, String symbol, LocalDate from, LocalDate to,
                           String request, JsonNode root) {
        String where = "Alpha Vantage " + function + " response for " + symbol;
        String suffix = " (GET " + request + ")";
        JsonNode meta = object(root, META, where + " has no \"" + META + "\" object", suffix);
        String answeredSymbol = text(meta, "2. Symbol", where + ": \"" + META + "\"", suffix);
        if (!answeredSymbol.equalsIgnoreCase(symbol)) {
            throw new PriceSourceException(where + ": \"" + META + "\".\"2. Symbol\" must be the symbol asked for, found '"
                    + answeredSymbol + "'" + suffix);
        }
        String zoneName = text(meta, "5. Time Zone", where + ": \"" + META + "\"", suffix);
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw new PriceSourceException(where + ": \"" + META + "\".\"5. Time Zone\" must be a time zone like US/Eastern, found '"
                    + zoneName + "'" + suffix);
        }
        JsonNode series = object(root, SERIES, where + " has no \"" + SERIES + "\" object", suffix);
        boolean adjusted = function == AlphaVantageConfig.Function.TIME_SERIES_DAILY_ADJUSTED;
        List<String> fields = adjusted ? ADJUSTED_FIELDS : DAILY_FIELDS;

        NavigableMap<LocalDate, double[]> days = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = series.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> day = it.next();
            LocalDate date;
            try {
                date = LocalDate.parse(day.getKey());
            } catch (DateTimeParseException e) {
                throw new PriceSourceException(where + ": \"" + SERIES + "\" keys must be dates like 2024-05-10, found '"
                        + day.getKey() + "'" + suffix);
            }
            String at = where + ": \"" + SERIES + "\".\"" + day.getKey() + "\"";
            if (!day.getValue().isObject()) {
                throw new PriceSourceException(at + " must be an object with " + fields + suffix);
            }
            double[] values = new double[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                values[i] = decimal(day.getValue(), fields.get(i), at, suffix);
            }
            days.put(date, values);
        }

        List<PriceBar> bars = new ArrayList<>();
        List<ChartData.Dividend> dividends = new ArrayList<>();
        List<ChartData.StockSplit> splits = new ArrayList<>();
        double laterSplits = 1;
        for (Map.Entry<LocalDate, double[]> day : days.descendingMap().entrySet()) {
            LocalDate date = day.getKey();
            double[] v = day.getValue();
            boolean inRange = !date.isBefore(from) && !date.isAfter(to);
            if (inRange) {
                double adjClose = adjusted ? v[4] : v[3];
                double volume = adjusted ? v[5] : v[4];
                bars.add(new PriceBar(date, v[0] / laterSplits, v[1] / laterSplits, v[2] / laterSplits, v[3] / laterSplits,
                        adjClose, volume * laterSplits));
            }
            if (adjusted) {
                double dividend = v[6];
                double split = v[7];
                if (split <= 0) {
                    throw new PriceSourceException(where + ": \"" + SERIES + "\".\"" + date + "\".\"8. split coefficient\" must be > 0,"
                            + " found " + split + suffix);
                }
                if (inRange && dividend != 0) {
                    dividends.add(new ChartData.Dividend(date, dividend));
                }
                if (inRange && split != 1) {
                    splits.add(new ChartData.StockSplit(date, split, 1));
                }
                // a split on this day re-prices every earlier day
                laterSplits *= split;
            }
        }
        bars.sort((a, b) -> a.date().compareTo(b.date()));
        dividends.sort((a, b) -> a.date().compareTo(b.date()));
        splits.sort((a, b) -> a.date().compareTo(b.date()));
        return new ChartData(PriceSeries.create(symbol, request, bars), zone, "", 0, dividends, splits);
    }

    private static JsonNode object(JsonNode parent, String field, String missing, String suffix) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new PriceSourceException(missing + (node == null ? "" : ", found " + node.getNodeType().toString()
                    .toLowerCase(Locale.ROOT)) + suffix);
        }
        return node;
    }

    private static String text(JsonNode parent, String field, String at, String suffix) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new PriceSourceException(at + " has no \"" + field + "\"" + (node == null ? "" : " text, found " + node)
                    + suffix);
        }
        return node.asText();
    }

    private static double decimal(JsonNode day, String field, String at, String suffix) {
        JsonNode node = day.get(field);
        if (node == null) {
            throw new PriceSourceException(at + " has no \"" + field + "\"" + suffix);
        }
        if (node.isTextual()) {
            try {
                double value = Double.parseDouble(node.asText().strip());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new PriceSourceException(at + ".\"" + field + "\" must be a decimal number in a string, like \"167.1300\", found "
                + node + suffix);
    }
}
