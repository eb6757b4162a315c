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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The forecast log in a relational database (schema migrations 5 and 6): {@code forecast_series} (model, version,
 * symbol under a small id, kept in memory by {@link ForecastSeries}), {@code logged_request} (one row per request
 * group: the requests of one batch that got the same forecast, {@link RequestGroups}; its steps and bounds packed by
 * {@link PackedSteps}), {@code realised_close}, {@code step_score} (one row per scored logical step, its coverage
 * packed). One connection, reopened after a failure; calls are serialised (the log's writer thread, the scorer and the
 * track-record route share it). Inserts that must keep the first row (series, closes, scores) use
 * {@code ON CONFLICT DO NOTHING} on PostgreSQL and {@code WHERE NOT EXISTS} on H2 (one process per file).
 */
public final class JdbcTrackStore implements TrackStore {

    /** The export's order: received, then request id. */
    private static final Comparator<LoggedForecast> ANSWERED = Comparator
            .comparingLong((LoggedForecast f) -> f.receivedAt().toEpochMilli()).thenComparing(LoggedForecast::requestId);

    private final JdbcConnection db;
    private final boolean postgres;
    private long lastPass;
    /** Per span of as-of days (by its first day), what the last pass of this process saw in it ({@link ScoringSpans.Seen}). */
    private final Map<LocalDate, ScoringSpans.Seen> seen = new HashMap<>();
    /** The series ids of forecast_series, as far as this store has met them. */
    private final ForecastSeries series = new ForecastSeries();

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
        int[] ids = seriesIds(batch);
        List<RequestGroups.Group> groups = RequestGroups.of(batch, ids);
        inTransaction("append", c -> {
            // plain inserts: a group's first request id is a fresh UUID; a duplicate fails the batch, which the log
            // counts as lost
            try (PreparedStatement r = c.prepareStatement("INSERT INTO logged_request (request_id, received_ms, series_id, "
                    + "model_alias, as_of, last_step, last_target, steps, requests, others) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (RequestGroups.Group g : groups) {
                    LoggedForecast f = g.forecast();
                    int lastStep = 0;
                    LocalDate lastTarget = f.asOf();
                    for (LoggedForecast.Step step : f.steps()) {
                        lastStep = Math.max(lastStep, step.step());
                        lastTarget = step.target().isAfter(lastTarget) ? step.target() : lastTarget;
                    }
                    RequestGroups.Request first = g.requests().getFirst();
                    r.setString(1, first.id());
                    r.setLong(2, first.receivedMs());
                    r.setInt(3, g.series());
                    r.setString(4, f.alias());
                    r.setObject(5, f.asOf());
                    r.setInt(6, lastStep);
                    r.setObject(7, lastTarget);
                    r.setString(8, PackedSteps.pack(f.asOf(), f.steps()));
                    r.setInt(9, g.requests().size());
                    r.setString(10, RequestGroups.packOthers(g.requests()));
                    r.addBatch();
                }
                r.executeBatch();
            }
            return null;
        });
    }

    /** The series id of each forecast of {@code batch}, new series added (and committed) first. */
    private synchronized int[] seriesIds(List<LoggedForecast> batch) {
        int[] known = new int[batch.size()];
        boolean all = true;
        for (int i = 0; i < known.length && all; i++) {
            LoggedForecast f = batch.get(i);
            LoggedForecast before = i == 0 ? null : batch.get(i - 1);
            // the service's forecasts of one version share its name strings: compared by reference, not hashed
            known[i] = before != null && f.model() == before.model() && f.version() == before.version()
                    && f.symbol() == before.symbol() ? known[i - 1] : series.known(f.model(), f.version(), f.symbol());
            all = known[i] >= 0;
        }
        if (all) {
            return known; // no transaction: the usual case
        }
        try {
            return inTransaction("add a series", c -> {
                int[] ids = new int[batch.size()];
                for (int i = 0; i < ids.length; i++) {
                    LoggedForecast f = batch.get(i);
                    ids[i] = series.id(c, postgres, f.model(), f.version(), f.symbol());
                }
                return ids;
            });
        } catch (RuntimeException e) {
            series.forget(); // a series added in the failed transaction is not there
            throw e;
        }
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
            try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT symbol FROM forecast_series WHERE symbol <> '' ORDER BY symbol");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /**
     * Scores in spans of {@link ScoringSpans#SPAN_DAYS} last input days, one transaction each (a crash loses at most the
     * span in hand, scored again at the next pass), from the earliest logged day to the day before the latest close.
     */
    @Override
    public int score() {
        Optional<LocalDate[]> range = inTransaction("score", ScoringSpans::range);
        int scored = 0;
        for (LocalDate[] span : range.map(ScoringSpans::spans).orElse(List.of())) {
            scored += inTransaction("score", c -> {
                long requests = ScoringSpans.requests(c, span[0], span[1]);
                ScoringSpans.Seen before = seen.get(span[0]);
                if (requests == 0 || before != null && before.requests() == requests
                        && before.closes() == ScoringSpans.closes(c, span[0], before.lastTarget())) {
                    return 0; // nothing logged or closed in it since it was scored: not read again
                }
                ScoringSpans.Outcome out = ScoringSpans.score(c, postgres, series, pass(), span[0], span[1], requests);
                c.commit();
                seen.put(span[0], out.seen());
                return out.scored();
            });
        }
        return scored;
    }

    /** A scoring pass's mark in step_score.scored_ms: its time in ms, after the previous pass's of this store. */
    private long pass() {
        lastPass = Math.max(lastPass + 1, System.currentTimeMillis());
        return lastPass;
    }

    @Override
    public Optional<String> scoredRequest(LoggedForecast.Key key) {
        return inTransaction("read a score", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT x.request_id FROM step_score x JOIN forecast_series s "
                    + "ON s.series_id = x.series_id WHERE s.model_name = ? AND s.model_version = ? AND s.symbol = ? "
                    + "AND x.as_of = ? AND x.step = ?")) {
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
            List<Score> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT s.model_version, s.symbol, x.as_of, x.step, x.target_date, "
                    + "x.request_id, x.point_forecast, x.naive_forecast, x.actual_close, x.coverage FROM step_score x "
                    + "JOIN forecast_series s ON s.series_id = x.series_id WHERE s.model_name = ? "
                    + "ORDER BY x.target_date, x.as_of, x.step, s.model_version, s.symbol")) {
                p.setString(1, model);
                p.setFetchSize(5000);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        LoggedForecast.Key key = new LoggedForecast.Key(model, rs.getString(1), rs.getString(2),
                                rs.getObject(3, LocalDate.class), rs.getInt(4));
                        out.add(new Score(key, rs.getObject(5, LocalDate.class), rs.getString(6), rs.getDouble(7),
                                rs.getDouble(8), rs.getDouble(9), PackedSteps.unpackCoverage(rs.getString(10))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Reads the groups of {@code model} in (first received, first id) order from {@link RequestGroups#MAX_SPAN_MS}
     * before the cursor's time (a group received earlier holds no request after it), expands them, and stops once
     * {@code limit} requests after the cursor are in hand and the next group starts after the last of them.
     */
    @Override
    public List<LoggedForecast> forecasts(String model, LocalDate from, LocalDate to, Optional<Cursor> after, int limit) {
        return inTransaction("read forecasts", c -> {
            long afterMs = after.map(Cursor::receivedMs).orElse(Long.MIN_VALUE);
            String afterId = after.map(Cursor::requestId).orElse("");
            List<LoggedForecast> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT r.request_id, r.received_ms, s.model_version, r.model_alias, "
                    + "s.symbol, r.as_of, r.steps, r.others FROM logged_request r JOIN forecast_series s "
                    + "ON s.series_id = r.series_id WHERE s.model_name = ? AND r.as_of >= ? AND r.as_of <= ? "
                    + "AND r.received_ms >= ? ORDER BY r.received_ms, r.request_id")) {
                p.setString(1, model);
                p.setObject(2, from);
                p.setObject(3, to);
                p.setLong(4, after.isEmpty() ? Long.MIN_VALUE : afterMs - RequestGroups.MAX_SPAN_MS);
                p.setFetchSize(Math.min(limit + 1, 1000));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        long firstMs = rs.getLong(2);
                        if (out.size() >= limit) {
                            out.sort(ANSWERED);
                            out.subList(limit, out.size()).clear();
                            if (firstMs > out.getLast().receivedAt().toEpochMilli()) {
                                break; // every request of this group and the next comes after the page's last
                            }
                        }
                        LocalDate asOf = rs.getObject(6, LocalDate.class);
                        List<LoggedForecast.Step> steps = PackedSteps.unpack(asOf, rs.getString(7), false);
                        for (RequestGroups.Request r : RequestGroups.unpack(rs.getString(1), firstMs, rs.getString(8))) {
                            if (r.receivedMs() > afterMs || (r.receivedMs() == afterMs && r.id().compareTo(afterId) > 0)) {
                                out.add(new LoggedForecast(r.id(), java.time.Instant.ofEpochMilli(r.receivedMs()), model,
                                        rs.getString(3), rs.getString(4), rs.getString(5), asOf, steps));
                            }
                        }
                    }
                }
            }
            out.sort(ANSWERED);
            return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
        });
    }

    /** Logical steps: per series and last input day, its highest step (every producer logs steps 1..horizon). */
    @Override
    public Counts counts(String model) {
        return inTransaction("count", c -> new Counts(
                count(c, "SELECT COALESCE(SUM(r.requests), 0) FROM logged_request r JOIN forecast_series s "
                        + "ON s.series_id = r.series_id WHERE s.model_name = ?", model),
                count(c, "SELECT COALESCE(SUM(h), 0) FROM (SELECT MAX(r.last_step) h FROM logged_request r "
                        + "JOIN forecast_series s ON s.series_id = r.series_id WHERE s.model_name = ? "
                        + "GROUP BY r.series_id, r.as_of) d", model),
                count(c, "SELECT COUNT(*) FROM step_score x JOIN forecast_series s ON s.series_id = x.series_id "
                        + "WHERE s.model_name = ?", model)));
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
