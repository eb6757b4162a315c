package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.models.ModelInfo;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The data frames of MLflow's scoring protocol ({@code dataframe_split}, {@code dataframe_records}, {@code inputs} as
 * columns) read as
 * {@code /invocations} reads them: the last window of the model's price column and, when the frame has a
 * {@code Date} column (any case, as a CSV body's), that window's last day, so the forecast is logged as a CSV body's
 * is. The window's dates are ISO days ascending; errors name the field.
 */
final class ScoringFrame {

    /** The column a frame's dates are read from (matched case-insensitively, as in a CSV body). */
    static final String DATE = "Date";

    /** The last window of a frame's price column, oldest first, and its last day when the frame is dated. */
    record Window(double[] prices, Optional<LocalDate> lastDay) {
    }

    private ScoringFrame() {
    }

    static Window split(JsonNode split, ModelInfo info) {
        if (!split.isObject()) {
            throw ApiException.badField("dataframe_split", "expected an object {\"columns\": [...], \"data\": [[...]]}, found " + JsonText.describe(split));
        }
        JsonNode columns = split.get("columns");
        JsonNode data = split.get("data");
        if (columns == null || !columns.isArray()) {
            throw ApiException.badField("dataframe_split.columns", "expected an array of column names, found " + JsonText.describe(columns));
        }
        if (data == null || !data.isArray()) {
            throw ApiException.badField("dataframe_split.data", "expected an array of rows, found " + JsonText.describe(data));
        }
        int col = -1;
        int dateCol = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).isTextual() && columns.get(i).asText().equalsIgnoreCase(info.priceColumn())) {
                col = i;
            } else if (dateCol < 0 && columns.get(i).isTextual() && columns.get(i).asText().equalsIgnoreCase(DATE)) {
                dateCol = i;
            }
        }
        if (col < 0) {
            throw ApiException.badField("dataframe_split.columns", "expected a column " + JsonText.abbreviate(info.priceColumn())
                    + " (the model's price column), found " + abbreviated(columns));
        }
        int n = info.windowLength();
        if (data.size() < n) {
            throw ApiException.badField("dataframe_split.data", "expected at least " + n
                    + " rows (the model's window length), found " + data.size());
        }
        double[] window = new double[n];
        List<LocalDate> dates = new ArrayList<>(n);
        int first = data.size() - n;
        for (int r = 0; r < data.size(); r++) {
            JsonNode row = data.get(r);
            String f = "dataframe_split.data[" + r + "]";
            if (!row.isArray() || row.size() != columns.size()) {
                throw ApiException.badField(f, "expected a row of " + columns.size() + " values like columns, found " + JsonText.describe(row));
            }
            if (r >= first) {
                window[r - first] = Inputs.price(row.get(col), f + "[" + col + "]");
                if (dateCol >= 0) {
                    date(dates, row.get(dateCol), f + "[" + dateCol + "]");
                }
            }
        }
        return new Window(window, dates.isEmpty() ? Optional.empty() : Optional.of(dates.getLast()));
    }

    static Window records(JsonNode records, ModelInfo info) {
        if (!records.isArray()) {
            throw ApiException.badField("dataframe_records", "expected an array of row objects, found " + JsonText.describe(records));
        }
        int n = info.windowLength();
        if (records.size() < n) {
            throw ApiException.badField("dataframe_records", "expected at least " + n
                    + " rows (the model's window length), found " + records.size());
        }
        double[] window = new double[n];
        int first = records.size() - n;
        // dated when the last row has a Date: then every row of the window has one
        boolean dated = records.get(records.size() - 1).isObject() && key(records.get(records.size() - 1), DATE) != null;
        List<LocalDate> dates = new ArrayList<>(n);
        for (int r = 0; r < records.size(); r++) {
            JsonNode row = records.get(r);
            String f = "dataframe_records[" + r + "]";
            if (!row.isObject()) {
                throw ApiException.badField(f, "expected an object {\"" + info.priceColumn() + "\": price, ...}, found " + JsonText.describe(row));
            }
            String key = priceKey(row, info);
            if (key == null) {
                throw ApiException.badField(f + "." + info.priceColumn(), "expected the model's price column, found keys " + keys(row));
            }
            double p = Inputs.price(row.get(key), f + "." + key);
            if (r >= first) {
                window[r - first] = p;
                if (dated) {
                    String dateKey = key(row, DATE);
                    if (dateKey == null) {
                        throw ApiException.badField(f + "." + DATE, "expected an ISO date (yyyy-MM-dd) as in the last row, found keys " + keys(row));
                    }
                    date(dates, row.get(dateKey), f + "." + dateKey);
                }
            }
        }
        return new Window(window, dates.isEmpty() ? Optional.empty() : Optional.of(dates.getLast()));
    }

    /**
     * {@code inputs} as columns: {@code {"<price column>": [..]}}, optionally with {@code "Date": [..]}, one ISO day
     * per price (the window's ascending).
     */
    static Window columns(JsonNode inputs, ModelInfo info) {
        String key = priceKey(inputs, info);
        String dateKey = key(inputs, DATE);
        if (key == null || inputs.size() != (dateKey == null ? 1 : 2)) {
            throw ApiException.badField("inputs", "expected an object with the key " + JsonText.abbreviate(info.priceColumn())
                    + " (the model's price column) and optionally " + DATE + ", found keys " + keys(inputs));
        }
        double[] prices = Inputs.window(inputs.get(key), "inputs." + key, info.windowLength());
        if (dateKey == null) {
            return new Window(prices, Optional.empty());
        }
        JsonNode days = inputs.get(dateKey);
        int size = inputs.get(key).size();
        if (!days.isArray() || days.size() != size) {
            throw ApiException.badField("inputs." + dateKey, "expected an array of " + size
                    + " ISO dates (yyyy-MM-dd), one per price, found " + JsonText.describe(days));
        }
        List<LocalDate> dates = new ArrayList<>(prices.length);
        for (int i = size - prices.length; i < size; i++) {
            date(dates, days.get(i), "inputs." + dateKey + "[" + i + "]");
        }
        return new Window(prices, Optional.of(dates.getLast()));
    }

    /** What a pandas datetime column becomes in MLflow's JSON: the day at midnight, optionally with zone. */
    private static final java.util.regex.Pattern MIDNIGHT =
            java.util.regex.Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[T ]00:00(?::00(?:\\.0+)?)?(?:Z|[+-]00:?00)?");

    /**
     * Adds the day in {@code cell} to {@code dates}: an ISO day after the last one there. A day at midnight
     * ({@code 2024-12-16T00:00:00}, as MLflow's clients write a pandas datetime column) is that day.
     */
    private static void date(List<LocalDate> dates, JsonNode cell, String field) {
        if (cell == null || !cell.isTextual()) {
            throw ApiException.badField(field, "expected an ISO date (yyyy-MM-dd), found " + JsonText.describe(cell));
        }
        java.util.regex.Matcher midnight = MIDNIGHT.matcher(cell.asText());
        LocalDate date = Inputs.date(midnight.matches() ? midnight.group(1) : cell.asText(), field);
        if (!dates.isEmpty() && !date.isAfter(dates.getLast())) {
            throw ApiException.badField(field, "expected a date after " + dates.getLast() + " (rows ascend by date), found " + date);
        }
        dates.add(date);
    }

    /** The key of {@code obj} that names the model's price column, matched case-insensitively; null when none does. */
    static String priceKey(JsonNode obj, ModelInfo info) {
        return key(obj, info.priceColumn());
    }

    private static String key(JsonNode obj, String name) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equalsIgnoreCase(name)) {
                return key;
            }
        }
        return null;
    }

    static String keys(JsonNode obj) {
        if (!obj.isObject()) {
            return JsonText.describe(obj);
        }
        List<String> out = new ArrayList<>();
        obj.fieldNames().forEachRemaining(k -> out.add(JsonText.abbreviate(k)));
        return out.size() > 10 ? out.subList(0, 10) + "..." : out.toString();
    }

    private static String abbreviated(JsonNode columns) {
        String s = columns.toString();
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
