package io.closecast.serving.track.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The store's copy of {@code forecast_series} (schema migration 5): each model, version and symbol a request was
 * logged for, under its small id. Rows are only ever added and never change, so what this copy holds stays true; an
 * id it lacks is read from the table, and a series new to the table is added to it (keeping the row another replica
 * may have added first). Not thread-safe: the store serialises its calls.
 */
final class ForecastSeries {

    /** One series. */
    record Series(int id, String model, String version, String symbol) {
    }

    private record Name(String model, String version, String symbol) {
    }

    private final Map<Name, Series> byName = new HashMap<>();
    private final Map<Integer, Series> byId = new HashMap<>();

    /** The id of (model, version, symbol) if this copy holds it, else -1. */
    int known(String model, String version, String symbol) {
        Series s = byName.get(new Name(model, version, symbol));
        return s == null ? -1 : s.id();
    }

    /** The id of (model, version, symbol), added to {@code forecast_series} when it is new there (committed by the caller). */
    int id(Connection c, boolean postgres, String model, String version, String symbol) throws SQLException {
        Name name = new Name(model, version, symbol);
        Series known = byName.get(name);
        if (known != null) {
            return known.id();
        }
        Optional<Series> stored = find(c, name);
        if (stored.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement(KeepFirstInsert.sql(postgres, "forecast_series",
                    "model_name, model_version, symbol", 3, "model_name, model_version, symbol"))) {
                p.setString(1, model);
                p.setString(2, version);
                p.setString(3, symbol);
                p.executeUpdate();
            }
            stored = find(c, name);
        }
        return stored.orElseThrow(() -> new SQLException("forecast_series has no row for " + name + " after adding it")).id();
    }

    /** The series {@code id} names (read from the table when this copy lacks it). */
    Series get(Connection c, int id) throws SQLException {
        Series known = byId.get(id);
        if (known == null) {
            readAll(c);
            known = byId.get(id);
        }
        if (known == null) {
            throw new SQLException("forecast_series has no series " + id);
        }
        return known;
    }

    /** Forgets every series (after a transaction that may have added one failed: its id may not exist). */
    void forget() {
        byName.clear();
        byId.clear();
    }

    private Optional<Series> find(Connection c, Name name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT series_id FROM forecast_series WHERE model_name = ? "
                + "AND model_version = ? AND symbol = ?")) {
            p.setString(1, name.model());
            p.setString(2, name.version());
            p.setString(3, name.symbol());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(remember(new Series(rs.getInt(1), name.model(), name.version(), name.symbol())))
                        : Optional.empty();
            }
        }
    }

    private void readAll(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT series_id, model_name, model_version, symbol FROM forecast_series");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                remember(new Series(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
    }

    private Series remember(Series s) {
        byName.put(new Name(s.model(), s.version(), s.symbol()), s);
        byId.put(s.id(), s);
        return s;
    }
}
