package io.closecast.serving.track.jdbc;

import java.util.Collections;
import java.util.List;

/** An insert that keeps the row already there under its key: {@code ON CONFLICT DO NOTHING} on PostgreSQL, {@code WHERE NOT EXISTS} on H2. */
final class KeepFirstInsert {

    private KeepFirstInsert() {
    }

    /** The statement inserting {@code n} {@code columns} into {@code table} unless a row with the same {@code key} columns exists. */
    static String sql(boolean postgres, String table, String columns, int n, String key) {
        String marks = String.join(", ", Collections.nCopies(n, "?"));
        if (postgres) {
            return "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ") ON CONFLICT DO NOTHING";
        }
        StringBuilder where = new StringBuilder();
        List<String> names = List.of(columns.split(",\\s*"));
        for (String k : key.split(",\\s*")) {
            where.append(where.isEmpty() ? "" : " AND ").append(k).append(" = ?").append(names.indexOf(k) + 1);
        }
        StringBuilder numbered = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            numbered.append(i > 1 ? ", " : "").append('?').append(i);
        }
        return "INSERT INTO " + table + " (" + columns + ") SELECT " + numbered + " FROM (VALUES (0)) one WHERE NOT EXISTS "
                + "(SELECT 1 FROM " + table + " WHERE " + where + ")";
    }
}
