package io.closecast.pipeline;

import java.util.List;

/** Writes CSV as RFC 4180 says: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
final class Csv {
    private final StringBuilder out = new StringBuilder();

    /** Appends one record. */
    Csv row(List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(String.valueOf(fields.get(i))));
        }
        out.append('\n');
        return this;
    }

    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
