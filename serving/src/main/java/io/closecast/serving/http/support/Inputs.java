package io.closecast.serving.http.support;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.prices.PriceFileException;
import io.closecast.model.prices.PriceTable;

/** Validation of request values against the serving model; every failure names the field, the value and what was expected. */
public final class Inputs {

    /** The largest price accepted: above it a forecast may overflow (no listed share trades near it). */
    public static final double MAX_PRICE = 1e9;
    /** The smallest price accepted: below it the ratio of two prices may overflow a forecast's interval. */
    public static final double MIN_PRICE = 1e-6;

    private Inputs() {
    }

    /**
     * A price window: a JSON array of at least {@code length} finite numbers &gt; 0, of which the last {@code length}
     * are the window (every route accepts a longer history and uses its end). Every value is checked.
     */
    public static double[] window(JsonNode node, String field, int length) {
        if (node == null || node.isMissingNode()) {
            throw ApiException.badField(field, "expected an array of at least " + length + " prices, found nothing (the field is required)");
        }
        if (!node.isArray()) {
            throw ApiException.badField(field, "expected an array of at least " + length + " prices, found " + JsonText.describe(node));
        }
        if (node.size() < length) {
            throw ApiException.badField(field, "expected at least " + length
                    + " prices (the model's window length), found " + node.size());
        }
        double[] out = new double[length];
        int first = node.size() - length;
        for (int i = 0; i < node.size(); i++) {
            JsonNode n = node.get(i);
            double v = n != null && n.isNumber() ? n.doubleValue() : Double.NaN;
            // the common case allocates nothing; only a bad value builds its field name and message
            double p = v >= MIN_PRICE && v <= MAX_PRICE ? v : price(n, field + "[" + i + "]");
            if (i >= first) {
                out[i - first] = p;
            }
        }
        return out;
    }

    /** Refuses any field of {@code object} not in {@code allowed}, naming it. */
    public static void onlyFields(JsonNode object, java.util.Set<String> allowed, String where) {
        for (java.util.Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badField(name, "expected only the fields " + new java.util.TreeSet<>(allowed)
                        + (where.isEmpty() ? "" : " of " + where) + ", found unknown field " + JsonText.abbreviate(name));
            }
        }
    }

    /** One price: a finite JSON number &gt; 0. */
    public static double price(JsonNode n, String field) {
        if (n == null || !n.isNumber()) {
            throw ApiException.badField(field, "expected a number > 0, found " + JsonText.describe(n));
        }
        return price(n.doubleValue(), n.asText(), field);
    }

    public static double price(double v, String text, String field) {
        if (!Double.isFinite(v)) {
            throw ApiException.badField(field, "expected a finite number > 0, found " + JsonText.abbreviate(text) + " (out of range)");
        }
        if (v <= 0) {
            throw ApiException.badField(field, "expected a price > 0, found " + text);
        }
        if (v < MIN_PRICE) {
            throw ApiException.badField(field, "expected a price >= 1e-6, found " + text);
        }
        if (v > MAX_PRICE) {
            throw ApiException.badField(field, "expected a price <= 1e9, found " + text);
        }
        return v;
    }

    /** The last {@code length} days of a CSV body's price column, oldest first, with their dates. */
    public record CsvWindow(double[] prices, List<LocalDate> dates) {
    }

    /**
     * The last window of a CSV body in the Yahoo daily layout, read by the model's {@link PriceTable}: only the
     * {@code Date} column and the model's price column are required (any case, any order), rows ascend by date, and
     * the window's prices are decimal numbers &gt; 0. Errors name the field {@code csv line N COLUMN}.
     */
    public static CsvWindow csvWindow(String body, String column, int length) {
        try {
            PriceTable table = PriceTable.parse(body, "csv", "Date and " + column);
            OptionalInt dateCol = table.column("Date");
            OptionalInt priceCol = table.column(column);
            if (dateCol.isEmpty() || priceCol.isEmpty()) {
                throw ApiException.badField("csv.header", "expected columns Date and " + column
                        + " (the model's price column), found " + JsonText.abbreviate(table.headerLine()));
            }
            if (table.rows() < length) {
                throw ApiException.badField("csv", "expected at least " + length
                        + " rows (the model's window length), found " + table.rows());
            }
            double[] prices = new double[length];
            List<LocalDate> dates = new ArrayList<>(length);
            int first = table.rows() - length;
            for (int r = first; r < table.rows(); r++) {
                LocalDate date = table.date(r, dateCol.getAsInt());
                if (!dates.isEmpty() && !date.isAfter(dates.getLast())) {
                    throw ApiException.badField("csv line " + table.line(r) + " Date", "expected a date after "
                            + dates.getLast() + " (rows ascend by date), found " + date);
                }
                dates.add(date);
                prices[r - first] = price(table.number(r, priceCol.getAsInt()), table.cell(r, priceCol.getAsInt()),
                        "csv line " + table.line(r) + " " + column);
            }
            return new CsvWindow(prices, dates);
        } catch (PriceFileException e) {
            String field = e.line() == 0 ? "csv" : e.column().map(c -> "csv line " + e.line() + " " + c)
                    .orElse(e.line() == 1 ? "csv.header" : "csv line " + e.line());
            throw ApiException.badField(field, "expected " + e.expected() + ", found " + JsonText.abbreviate(e.found()));
        }
    }

    /** The horizon: an integer 1..maxHorizon; absent means 1. */
    public static int horizon(JsonNode n, String field, int maxHorizon) {
        if (n == null || n.isMissingNode()) {
            return 1;
        }
        if (!n.isIntegralNumber() && !(n.isNumber() && n.doubleValue() == Math.rint(n.doubleValue()))) {
            throw ApiException.badField(field, "expected an integer 1.." + maxHorizon + ", found " + JsonText.describe(n));
        }
        return horizon(n.asText(), n.doubleValue(), field, maxHorizon);
    }

    /** The horizon from text (a query parameter); absent means 1. */
    public static int horizon(String text, String field, int maxHorizon) {
        double v;
        try {
            v = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badField(field, "expected an integer 1.." + maxHorizon + ", found " + JsonText.abbreviate(text));
        }
        return horizon(text, v, field, maxHorizon);
    }

    private static int horizon(String text, double v, String field, int maxHorizon) {
        if (v < 1 || v > maxHorizon) {
            throw ApiException.badField(field, "expected an integer 1.." + maxHorizon
                    + " (the model's maximum horizon), found " + JsonText.abbreviate(text));
        }
        return (int) v;
    }

    /** Dates aligned with the prices: ISO dates, strictly increasing, {@code length} of them. */
    public static List<LocalDate> dates(JsonNode node, String field, int length) {
        if (!node.isArray()) {
            throw ApiException.badField(field, "expected an array of " + length + " ISO dates (yyyy-MM-dd), found " + JsonText.describe(node));
        }
        if (node.size() != length) {
            throw ApiException.badField(field, "expected " + length + " dates, one per price, found " + node.size());
        }
        List<LocalDate> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            JsonNode d = node.get(i);
            String f = field + "[" + i + "]";
            if (!d.isTextual()) {
                throw ApiException.badField(f, "expected an ISO date (yyyy-MM-dd), found " + JsonText.describe(d));
            }
            LocalDate date = date(d.asText(), f);
            if (!out.isEmpty() && !date.isAfter(out.getLast())) {
                throw ApiException.badField(f, "expected a date after " + out.getLast() + " (dates ascend), found " + date);
            }
            out.add(date);
        }
        return out;
    }

    /** The latest date accepted: later ones (ISO allows +999999999-12-31) would overflow the calendar. */
    static final LocalDate LATEST = PriceTable.LATEST;

    public static LocalDate date(String text, String field) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badField(field, "expected an ISO date (yyyy-MM-dd), found " + JsonText.abbreviate(text));
        }
        if (date.isAfter(LATEST)) {
            throw ApiException.badField(field, "expected an ISO date up to " + LATEST + ", found " + JsonText.abbreviate(text));
        }
        return date;
    }

    /** Naive forecast: every next price equals the last one. */
    public static double[] naive(double[] window, int horizon) {
        double[] out = new double[horizon];
        java.util.Arrays.fill(out, window[window.length - 1]);
        return out;
    }
}
