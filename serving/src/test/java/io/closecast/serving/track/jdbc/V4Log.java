package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A forecast log written the way schema version 4 wrote it (the statements of the build before migration 5, copied
 * here): three rows tables for the log, closes, and a scoring pass's two set-based inserts into forecast_score and
 * score_bound. LogRepackTest and PostgresTrackStoreIT migrate such a store and read it back.
 */
final class V4Log {

    private V4Log() {
    }

    /** The version 4 schema on {@code c} (migrations 1 to 4 only). */
    static void schema(Connection c) throws SQLException {
        SchemaMigrations.migrate(c, "a version 4 store", 4);
    }

    /** Appends {@code batch} as version 4's store did: one request row, a row per step, a row per bound. */
    static void append(Connection c, List<LoggedForecast> batch) throws SQLException {
        try (PreparedStatement r = c.prepareStatement("INSERT INTO forecast_request (request_id, received_ms, model_name, "
                + "model_version, model_alias, symbol, as_of, horizon) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement s = c.prepareStatement("INSERT INTO forecast_step "
                     + "(request_id, step, target_date, point_forecast, naive_forecast) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement b = c.prepareStatement("INSERT INTO forecast_bound "
                     + "(request_id, step, interval_level, lower_bound, upper_bound) VALUES (?, ?, ?, ?, ?)")) {
            for (LoggedForecast f : batch) {
                set(r, f.requestId(), f.receivedAt().toEpochMilli(), f.model(), f.version(), f.alias(), f.symbol(),
                        f.asOf(), f.steps().size());
                for (LoggedForecast.Step step : f.steps()) {
                    set(s, f.requestId(), step.step(), step.target(), step.point(), step.naive());
                    for (LoggedForecast.Bound bound : step.bounds()) {
                        set(b, f.requestId(), step.step(), bound.level(), bound.lower(), bound.upper());
                    }
                }
            }
            r.executeBatch();
            s.executeBatch();
            b.executeBatch();
        }
    }

    static void closes(Connection c, String symbol, Map<LocalDate, Double> closes) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO realised_close (symbol, trade_date, close_price, stored_ms) "
                + "VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<LocalDate, Double> e : closes.entrySet()) {
                set(p, symbol, e.getKey(), e.getValue(), 1L);
            }
            p.executeBatch();
        }
    }

    /** Version 4's scoring of the target days [from, to] under the mark {@code pass}; returns how many steps it scored. */
    static int score(Connection c, long pass, LocalDate from, LocalDate to) throws SQLException {
        String firstUnscored = "SELECT r.model_name, r.model_version, r.symbol, r.as_of, s.step, "
                + "s.target_date, r.request_id, s.point_forecast, s.naive_forecast, x.close_price "
                + "FROM forecast_step s JOIN forecast_request r ON r.request_id = s.request_id "
                + "JOIN realised_close x ON x.symbol = r.symbol AND x.trade_date = s.target_date "
                + "WHERE s.target_date >= ? AND s.target_date <= ? "
                + "AND NOT EXISTS (SELECT 1 FROM forecast_score f WHERE f.model_name = r.model_name "
                + "AND f.model_version = r.model_version AND f.symbol = r.symbol AND f.as_of = r.as_of AND f.step = s.step) "
                + "AND NOT EXISTS (SELECT 1 FROM forecast_request e JOIN forecast_step es ON es.request_id = e.request_id "
                + "AND es.step = s.step WHERE e.model_name = r.model_name AND e.model_version = r.model_version "
                + "AND e.symbol = r.symbol AND e.as_of = r.as_of AND (e.received_ms < r.received_ms "
                + "OR (e.received_ms = r.received_ms AND e.request_id < r.request_id)))";
        try (PreparedStatement s = c.prepareStatement("INSERT INTO forecast_score (model_name, model_version, symbol, "
                + "as_of, step, target_date, request_id, point_forecast, naive_forecast, actual_close, abs_error, "
                + "naive_error, scored_ms) SELECT c.model_name, c.model_version, c.symbol, c.as_of, c.step, "
                + "c.target_date, c.request_id, c.point_forecast, c.naive_forecast, c.close_price, "
                + "ABS(c.close_price - c.point_forecast), ABS(c.close_price - c.naive_forecast), ? FROM ("
                + firstUnscored + ") c");
             PreparedStatement b = c.prepareStatement("INSERT INTO score_bound (model_name, model_version, symbol, as_of, "
                     + "step, interval_level, lower_bound, upper_bound, inside) SELECT f.model_name, f.model_version, "
                     + "f.symbol, f.as_of, f.step, b.interval_level, b.lower_bound, b.upper_bound, CASE WHEN "
                     + "f.actual_close >= b.lower_bound AND f.actual_close <= b.upper_bound THEN TRUE ELSE FALSE END "
                     + "FROM forecast_score f JOIN forecast_bound b ON b.request_id = f.request_id AND b.step = f.step "
                     + "WHERE f.scored_ms = ?")) {
            s.setLong(1, pass);
            s.setObject(2, from);
            s.setObject(3, to);
            int scored = s.executeUpdate();
            b.setLong(1, pass);
            b.executeUpdate();
            return scored;
        }
    }

    private static void set(PreparedStatement p, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            p.setObject(i + 1, values[i]);
        }
        p.addBatch();
    }
}
