package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java part of schema migration 5 (after its script has created the new tables): every request of
 * {@code forecast_request} with its {@code forecast_step} and {@code forecast_bound} rows becomes one
 * {@code logged_request} row, every {@code forecast_score} with its {@code score_bound} rows one {@code step_score}
 * row (inside/outside as scored then), each series one {@code forecast_series} row; then the version 4 tables go.
 * Read as two ordered streams (one row per bound), written in batches, all in the migration's transaction.
 */
final class LogRepack {

    private static final Logger LOG = LoggerFactory.getLogger(LogRepack.class);
    private static final int BATCH = 1000;

    private LogRepack() {
    }

    static void run(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO forecast_series (model_name, model_version, symbol) SELECT model_name, model_version, "
                    + "symbol FROM forecast_request UNION SELECT model_name, model_version, symbol FROM forecast_score");
        }
        Map<List<String>, Integer> series = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT series_id, model_name, model_version, symbol FROM forecast_series")) {
            while (rs.next()) {
                series.put(List.of(rs.getString(2), rs.getString(3), rs.getString(4)), rs.getInt(1));
            }
        }
        long requests = requests(c, series);
        long scores = scores(c, series);
        try (Statement s = c.createStatement()) {
            for (String table : List.of("score_bound", "forecast_score", "forecast_bound", "forecast_step", "forecast_request")) {
                s.execute("DROP TABLE " + table);
            }
        }
        LOG.info("Forecast log: {} request(s) and {} score(s) repacked, {} series", requests, scores, series.size());
    }

    /** A request being read: its columns and the steps met so far. */
    private record Request(String id, long receivedMs, int series, String alias, LocalDate asOf, List<LoggedForecast.Step> steps) {
    }

    private static long requests(Connection c, Map<List<String>, Integer> series) throws SQLException {
        long n = 0;
        try (PreparedStatement read = c.prepareStatement("SELECT r.request_id, r.received_ms, r.model_name, r.model_version, "
                + "r.model_alias, r.symbol, r.as_of, s.step, s.target_date, s.point_forecast, s.naive_forecast, "
                + "b.interval_level, b.lower_bound, b.upper_bound FROM forecast_request r "
                + "LEFT JOIN forecast_step s ON s.request_id = r.request_id "
                + "LEFT JOIN forecast_bound b ON b.request_id = s.request_id AND b.step = s.step "
                + "ORDER BY r.request_id, s.step, b.interval_level");
             PreparedStatement write = c.prepareStatement("INSERT INTO logged_request (request_id, received_ms, series_id, "
                     + "model_alias, as_of, last_step, last_target, steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            read.setFetchSize(BATCH);
            Request r = null;
            int inBatch = 0;
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (r == null || !r.id().equals(id)) {
                        inBatch += add(write, r);
                        r = new Request(id, rs.getLong(2), series.get(List.of(rs.getString(3), rs.getString(4), rs.getString(6))),
                                rs.getString(5), rs.getObject(7, LocalDate.class), new ArrayList<>());
                        n++;
                    }
                    Object step = rs.getObject(8);
                    if (step == null) {
                        continue; // a request without steps (none is logged so): kept, with none
                    }
                    int k = ((Number) step).intValue();
                    LoggedForecast.Step last = r.steps().isEmpty() ? null : r.steps().getLast();
                    if (last == null || last.step() != k) {
                        last = new LoggedForecast.Step(k, rs.getObject(9, LocalDate.class), rs.getDouble(10), rs.getDouble(11), List.of());
                        r.steps().add(last);
                    }
                    if (rs.getObject(12) != null) {
                        List<LoggedForecast.Bound> bounds = new ArrayList<>(last.bounds());
                        bounds.add(new LoggedForecast.Bound(rs.getDouble(12), rs.getDouble(13), rs.getDouble(14)));
                        r.steps().set(r.steps().size() - 1, new LoggedForecast.Step(k, last.target(), last.point(), last.naive(), bounds));
                    }
                    if (inBatch >= BATCH) {
                        write.executeBatch();
                        inBatch = 0;
                    }
                }
            }
            add(write, r);
            write.executeBatch();
        }
        return n;
    }

    private static int add(PreparedStatement write, Request r) throws SQLException {
        if (r == null) {
            return 0;
        }
        int lastStep = 0;
        LocalDate lastTarget = r.asOf();
        for (LoggedForecast.Step s : r.steps()) {
            lastStep = Math.max(lastStep, s.step());
            lastTarget = s.target().isAfter(lastTarget) ? s.target() : lastTarget;
        }
        write.setString(1, r.id());
        write.setLong(2, r.receivedMs());
        write.setInt(3, r.series());
        write.setString(4, r.alias());
        write.setObject(5, r.asOf());
        write.setInt(6, lastStep);
        write.setObject(7, lastTarget);
        write.setString(8, PackedSteps.pack(r.asOf(), r.steps()));
        write.addBatch();
        return 1;
    }

    private static long scores(Connection c, Map<List<String>, Integer> series) throws SQLException {
        long n = 0;
        try (PreparedStatement read = c.prepareStatement("SELECT f.model_name, f.model_version, f.symbol, f.as_of, f.step, "
                + "f.target_date, f.request_id, f.point_forecast, f.naive_forecast, f.actual_close, f.scored_ms, "
                + "b.interval_level, b.lower_bound, b.upper_bound, b.inside FROM forecast_score f LEFT JOIN score_bound b "
                + "ON b.model_name = f.model_name AND b.model_version = f.model_version AND b.symbol = f.symbol "
                + "AND b.as_of = f.as_of AND b.step = f.step "
                + "ORDER BY f.model_name, f.model_version, f.symbol, f.as_of, f.step, b.interval_level");
             PreparedStatement write = c.prepareStatement("INSERT INTO step_score (as_of, series_id, step, target_date, "
                     + "request_id, point_forecast, naive_forecast, actual_close, coverage, scored_ms) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            read.setFetchSize(BATCH);
            List<Object> key = null;
            Object[] row = null;
            List<Score.Coverage> coverage = new ArrayList<>();
            int inBatch = 0;
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    List<Object> k = List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class), rs.getInt(5));
                    if (!Objects.equals(key, k)) {
                        inBatch += add(write, row, coverage);
                        key = k;
                        row = new Object[] {k.get(3), series.get(k.subList(0, 3)), k.get(4), rs.getObject(6, LocalDate.class),
                                rs.getString(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), null, rs.getLong(11)};
                        coverage = new ArrayList<>();
                        n++;
                    }
                    if (rs.getObject(12) != null) {
                        coverage.add(new Score.Coverage(rs.getDouble(12), rs.getDouble(13), rs.getDouble(14), rs.getBoolean(15)));
                    }
                    if (inBatch >= BATCH) {
                        write.executeBatch();
                        inBatch = 0;
                    }
                }
            }
            add(write, row, coverage);
            write.executeBatch();
        }
        return n;
    }

    private static int add(PreparedStatement write, Object[] row, List<Score.Coverage> coverage) throws SQLException {
        if (row == null) {
            return 0;
        }
        row[8] = PackedSteps.packCoverage(coverage);
        for (int i = 0; i < row.length; i++) {
            write.setObject(i + 1, row[i]);
        }
        write.addBatch();
        return 1;
    }
}
