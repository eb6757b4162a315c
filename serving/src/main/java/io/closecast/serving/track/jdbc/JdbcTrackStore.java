package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;
import io.closecast.serving.track.TrackStore;
import io.closecast.serving.track.TrackStoreException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The forecast log in a relational database: {@code forecast_request}, {@code forecast_step}, {@code forecast_bound},
 * {@code realised_close}, {@code forecast_score}, {@code score_bound} (V1__forecast_log.sql). One connection,
 * reopened after a failure; calls are serialised (the log's writer thread, the scorer and the track-record route share
 * it). Inserts that must keep the first row (closes, scores) use {@code ON CONFLICT DO NOTHING} on PostgreSQL and
 * {@code WHERE NOT EXISTS} on H2 (one process per file).
 */
public final class JdbcTrackStore implements TrackStore {

    private final JdbcConnection db;
    private final boolean postgres;
    private long lastPass;
    /** Per span of target days (by its first day), what the last pass of this process saw in it ({@link ScoringSpans#seen}). */
    private final Map<LocalDate, ScoringSpans.Seen> seen = new HashMap<>();

    private JdbcTrackStore(JdbcConnection db) {
        this.db = db;
        this.postgres = db.postgres();
    }

    /**
     * Opens the store at {@code url} (migrating its schema to {@link SchemaMigrations#LATEST}).
     *
     * @throws TrackStoreException when it cannot be reached or migrated (transient: it may come up later)
     */
    public static JdbcTrackStore open(String url, Optional<String> user, Optional<String> password) {
        JdbcTrackStore store = new JdbcTrackStore(JdbcConnection.to(url, user, password, "forecast log", false, true));
        synchronized (store) {
            store.db.get();
        }
        return store;
    }

    /**
     * The embedded default: an H2 file {@code forecast-log.mv.db} in {@code dir}, one process per file (H2 refuses a
     * second; its auto-server mode cannot be had with DB_CLOSE_ON_EXIT=FALSE, which lets the stop flush the log before
     * the database closes). Replicas share a PostgreSQL instead.
     */
    public static String embeddedUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("forecast-log") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private synchronized <T> T inTransaction(String what, JdbcConnection.Work<T> work) {
        return db.inTransaction(what, work);
    }

    @Override
    public void append(List<LoggedForecast> batch) {
        if (batch.isEmpty()) {
            return;
        }
        inTransaction("append", c -> {
            // plain inserts: request ids are fresh UUIDs; a duplicate fails the batch, which the log counts as lost
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
            return null;
        });
    }

    @Override
    public int putCloses(String symbol, Map<LocalDate, Double> closes) {
        if (closes.isEmpty()) {
            return 0;
        }
        long now = System.currentTimeMillis();
        return inTransaction("store closes", c -> {
            try (PreparedStatement p = c.prepareStatement(KeepFirstInsert.sql(postgres, "realised_close",
                    "symbol, trade_date, close_price, stored_ms", 4, "symbol, trade_date"))) {
                for (Map.Entry<LocalDate, Double> e : closes.entrySet()) {
                    set(p, symbol, e.getKey(), e.getValue(), now);
                }
                return added(p.executeBatch());
            }
        });
    }

    @Override
    public Optional<LocalDate> lastClose(String symbol) {
        return inTransaction("read closes", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(trade_date) FROM realised_close WHERE symbol = ?")) {
                p.setString(1, symbol);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return Optional.ofNullable(rs.getObject(1, LocalDate.class));
                }
            }
        });
    }

    @Override
    public List<String> symbols() {
        return inTransaction("read symbols", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT symbol FROM forecast_request WHERE symbol <> '' ORDER BY symbol");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /**
     * Scores in spans of {@link ScoringSpans#SPAN_DAYS} target days, one transaction each (a crash loses at most the
     * span in hand, scored again at the next pass), from the earliest logged target day that has a close to the latest.
     */
    @Override
    public int score() {
        Optional<LocalDate[]> range = inTransaction("score", ScoringSpans::range);
        int scored = 0;
        for (LocalDate[] span : range.map(ScoringSpans::spans).orElse(List.of())) {
            scored += inTransaction("score", c -> {
                ScoringSpans.Seen now = ScoringSpans.seen(c, span[0], span[1]); // counted before scoring: a later step rescans
                if (now.equals(seen.get(span[0]))) {
                    return 0; // nothing logged or closed in it since it was scored: not read again
                }
                int n = ScoringSpans.score(c, postgres, pass(), span[0], span[1]);
                c.commit();
                seen.put(span[0], now);
                return n;
            });
        }
        return scored;
    }

    /** A scoring pass's mark in forecast_score.scored_ms: its time in ms, after the previous pass's of this store. */
    private long pass() {
        lastPass = Math.max(lastPass + 1, System.currentTimeMillis());
        return lastPass;
    }

    @Override
    public Optional<String> scoredRequest(LoggedForecast.Key key) {
        return inTransaction("read a score", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT request_id FROM forecast_score WHERE model_name = ? "
                    + "AND model_version = ? AND symbol = ? AND as_of = ? AND step = ?")) {
                p.setString(1, key.model());
                p.setString(2, key.version());
                p.setString(3, key.symbol());
                p.setObject(4, key.asOf());
                p.setInt(5, key.step());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public List<Score> scores(String model) {
        return inTransaction("read scores", c -> {
            Map<String, List<Score.Coverage>> bounds = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT model_version, symbol, as_of, step, interval_level, "
                    + "lower_bound, upper_bound, inside FROM score_bound WHERE model_name = ? ORDER BY interval_level")) {
                p.setString(1, model);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        bounds.computeIfAbsent(rs.getString(1) + "#" + rs.getString(2) + "#" + rs.getObject(3, LocalDate.class)
                                        + "#" + rs.getInt(4), k -> new ArrayList<>())
                                .add(new Score.Coverage(rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getBoolean(8)));
                    }
                }
            }
            List<Score> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT model_version, symbol, as_of, step, target_date, request_id, "
                    + "point_forecast, naive_forecast, actual_close FROM forecast_score WHERE model_name = ? "
                    + "ORDER BY target_date, as_of, step")) {
                p.setString(1, model);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        LocalDate asOf = rs.getObject(3, LocalDate.class);
                        LoggedForecast.Key key = new LoggedForecast.Key(model, rs.getString(1), rs.getString(2), asOf, rs.getInt(4));
                        out.add(new Score(key, rs.getObject(5, LocalDate.class), rs.getString(6), rs.getDouble(7),
                                rs.getDouble(8), rs.getDouble(9), bounds.getOrDefault(key.version() + "#" + key.symbol()
                                + "#" + asOf + "#" + key.step(), List.of())));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<LoggedForecast> forecasts(String model, LocalDate from, LocalDate to, Optional<Cursor> after, int limit) {
        return inTransaction("read forecasts", c -> {
            List<LoggedForecast> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT request_id, received_ms, model_version, model_alias, symbol, "
                    + "as_of FROM forecast_request WHERE model_name = ? AND as_of >= ? AND as_of <= ? AND (received_ms > ? "
                    + "OR (received_ms = ? AND request_id > ?)) ORDER BY received_ms, request_id LIMIT ?")) {
                p.setString(1, model);
                p.setObject(2, from);
                p.setObject(3, to);
                long ms = after.map(Cursor::receivedMs).orElse(Long.MIN_VALUE);
                p.setLong(4, ms);
                p.setLong(5, ms);
                p.setString(6, after.map(Cursor::requestId).orElse(""));
                p.setInt(7, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LoggedForecast(rs.getString(1), java.time.Instant.ofEpochMilli(rs.getLong(2)), model,
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getObject(6, LocalDate.class),
                                List.of(new LoggedForecast.Step(1, LocalDate.MIN, 0, 0, List.of()))));
                    }
                }
            }
            List<LoggedForecast> withSteps = new ArrayList<>(out.size());
            try (PreparedStatement p = c.prepareStatement("SELECT step, target_date, point_forecast, naive_forecast "
                    + "FROM forecast_step WHERE request_id = ? ORDER BY step")) {
                for (LoggedForecast f : out) {
                    p.setString(1, f.requestId());
                    List<LoggedForecast.Step> steps = new ArrayList<>();
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            steps.add(new LoggedForecast.Step(rs.getInt(1), rs.getObject(2, LocalDate.class), rs.getDouble(3),
                                    rs.getDouble(4), List.of()));
                        }
                    }
                    withSteps.add(new LoggedForecast(f.requestId(), f.receivedAt(), model, f.version(), f.alias(), f.symbol(),
                            f.asOf(), steps));
                }
            }
            return withSteps;
        });
    }

    @Override
    public Counts counts(String model) {
        return inTransaction("count", c -> new Counts(
                count(c, "SELECT COUNT(*) FROM forecast_request WHERE model_name = ?", model),
                count(c, "SELECT COUNT(*) FROM (SELECT DISTINCT r.model_version, r.symbol, r.as_of, s.step FROM forecast_request r "
                        + "JOIN forecast_step s ON s.request_id = r.request_id WHERE r.model_name = ?) d", model),
                count(c, "SELECT COUNT(*) FROM forecast_score WHERE model_name = ?", model)));
    }

    private static long count(Connection c, String sql, String model) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, model);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void set(PreparedStatement p, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            p.setObject(i + 1, values[i]);
        }
        p.addBatch();
    }

    private static int added(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += c > 0 ? c : 0;
        }
        return n;
    }

    @Override
    public String describe() {
        return db.describe();
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
