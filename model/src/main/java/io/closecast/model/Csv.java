package io.closecast.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The one CSV writer of closecast's outputs (price files, predictions, forecasts, sweep summaries, dropped rows):
 * fields as RFC 4180 says, a field with a comma, a quote or a line break quoted and its quotes doubled, records ended
 * by {@code \n}; and {@link #read(String)}, which reads such text back (the price-file reader splits its lines with it).
 */
public final class Csv {
    private final StringBuilder out = new StringBuilder();

    /**
     * Appends one record; each field is written as {@link String#valueOf(Object)}.
     *
     * @param fields the record's fields in order; an empty list writes an empty line
     * @return this writer, for chaining
     */
    public Csv row(List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(String.valueOf(fields.get(i))));
        }
        out.append('\n');
        return this;
    }

    /**
     * Appends one record.
     *
     * @param fields the record's fields in order, each written as {@link String#valueOf(Object)}
     * @return this writer, for chaining
     */
    public Csv row(Object... fields) {
        return row(List.of(fields));
    }

    /**
     * One field, quoted when it must be.
     *
     * @param value the field's text, as written
     * @return {@code value} itself, or quoted with its quotes doubled when it holds a comma, a quote or a line break
     */
    public static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /**
     * Reads RFC 4180 text: records end at a line break outside quotes ({@code \r\n} or {@code \n}), a field in
     * quotes may hold commas, line breaks and doubled quotes. A last record without a line break counts.
     *
     * @param text CSV text, e.g. a whole file; may be empty
     * @return the records in order, each its fields unquoted; empty for empty text
     */
    public static List<List<String>> read(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i += c == '\r' ? 1 : 0;
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (!field.isEmpty() || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    /**
     * The fields of one line (a record without line breaks).
     *
     * @param line one line of CSV text, without its line break
     * @return its fields unquoted; one empty field for an empty line
     */
    public static List<String> fields(String line) {
        List<List<String>> records = read(line);
        return records.isEmpty() ? List.of("") : records.getFirst();
    }

    /** The records so far. */
    @Override
    public String toString() {
        return out.toString();
    }
}
