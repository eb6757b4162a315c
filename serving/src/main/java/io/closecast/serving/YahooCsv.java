package io.closecast.serving;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Yahoo daily layout ({@code Date,Open,High,Low,Close,Adj Close,Volume}, ascending dates) and returns
 * the last window of one column. Only the {@code Date} column and the model's column are required.
 */
final class YahooCsv {

    /** The last {@code length} days of the column, oldest first. */
    record Window(double[] prices, List<LocalDate> dates) {
    }

    private YahooCsv() {
    }

    static Window lastWindow(String body, String column, int length) {
        String[] lines = body.split("\r?\n", -1);
        int headerAt = 0;
        while (headerAt < lines.length && lines[headerAt].isBlank()) {
            headerAt++;
        }
        if (headerAt == lines.length) {
            throw ApiException.badField("csv", "expected a header line with Date and " + column + ", found an empty body");
        }
        String[] header = cells(lines[headerAt]);
        int dateCol = indexOf(header, "Date");
        int priceCol = indexOf(header, column);
        if (dateCol < 0 || priceCol < 0) {
            throw ApiException.badField("csv.header", "expected columns Date and " + column
                    + " (the model's price column), found " + Json.abbreviate(lines[headerAt]));
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = headerAt + 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = cells(lines[i]);
            if (cells.length != header.length) {
                throw ApiException.badField("csv line " + (i + 1), "expected " + header.length
                        + " cells like the header, found " + cells.length);
            }
            rows.add(cells);
            lineNumbers.add(i + 1);
        }
        if (rows.size() < length) {
            throw ApiException.badField("csv", "expected at least " + length
                    + " rows (the model's window length), found " + rows.size());
        }
        double[] prices = new double[length];
        List<LocalDate> dates = new ArrayList<>(length);
        int first = rows.size() - length;
        for (int r = first; r < rows.size(); r++) {
            String[] cells = rows.get(r);
            int line = lineNumbers.get(r);
            LocalDate date = Inputs.date(cells[dateCol], "csv line " + line + " Date");
            if (!dates.isEmpty() && !date.isAfter(dates.getLast())) {
                throw ApiException.badField("csv line " + line + " Date", "expected a date after "
                        + dates.getLast() + " (rows ascend by date), found " + date);
            }
            dates.add(date);
            String text = cells[priceCol];
            String field = "csv line " + line + " " + column;
            double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw ApiException.badField(field, "expected a number > 0, found " + Json.abbreviate(text));
            }
            if (text.isEmpty() || !Character.isDigit(text.charAt(text.length() - 1)) && text.charAt(text.length() - 1) != '.') {
                throw ApiException.badField(field, "expected a decimal number > 0, found " + Json.abbreviate(text));
            }
            prices[r - first] = Inputs.price(v, text, field);
        }
        return new Window(prices, dates);
    }

    private static String[] cells(String line) {
        String[] c = line.split(",", -1);
        for (int i = 0; i < c.length; i++) {
            String s = c[i].strip();
            if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
                s = s.substring(1, s.length() - 1);
            }
            c[i] = s;
        }
        return c;
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
