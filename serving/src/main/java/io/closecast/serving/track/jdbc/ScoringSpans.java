package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scoring pass, a span of last input days at a time (every request of a logical forecast has the same last input
 * day, so a span holds all of them): the span's requests are read in one statement and unpacked here, each unscored
 * logical step keeps its first request (earliest, then lowest id in Java's order of strings), the closes of its target
 * days are read in one statement, and a {@code step_score} row per step that has one is inserted (multi-row inserts
 * with {@code ON CONFLICT DO NOTHING} on PostgreSQL, so a row a replica scoring at once inserted first is kept; one
 * batch of keep-first inserts on H2). No transaction holds more than a span.
 */
final class ScoringSpans {

    /** Last input days per scoring transaction: a million one-step forecasts over 1000 days make ~32 000 requests each. */
    static final int SPAN_DAYS = 32;

    private ScoringSpans() {
    }

    /** The last input days worth a look: from the first logged to the earlier of the last logged and the day before the last close. */
    static Optional<LocalDate[]> range(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT (SELECT MIN(as_of) FROM logged_request), "
                + "(SELECT MAX(as_of) FROM logged_request), (SELECT MAX(trade_date) FROM realised_close)");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            LocalDate first = rs.getObject(1, LocalDate.class);
            LocalDate last = rs.getObject(2, LocalDate.class);
            LocalDate lastClose = rs.getObject(3, LocalDate.class);
            if (first == null || lastClose == null) {
                return Optional.empty();
            }
            LocalDate to = last.isBefore(lastClose) ? last : lastClose.minusDays(1); // a target day is after its last input day
            return first.isAfter(to) ? Optional.empty() : Optional.of(new LocalDate[] {first, to});
        }
    }

    /** [from, to] cut into spans of {@link #SPAN_DAYS} days, aligned on the epoch (the same days pass after pass). */
    static List<LocalDate[]> spans(LocalDate[] range) {
        List<LocalDate[]> out = new ArrayList<>();
        LocalDate first = LocalDate.ofEpochDay(Math.floorDiv(range[0].toEpochDay(), SPAN_DAYS) * SPAN_DAYS);
        for (LocalDate from = first; !from.isAfter(range[1]); from = from.plusDays(SPAN_DAYS)) {
            out.add(new LocalDate[] {from, from.plusDays(SPAN_DAYS - 1)});
        }
        return out;
    }

    /**
     * What a span held when a pass last scored it: its requests, their last target day, and the closes from its first
     * day to that one. Requests and closes are only ever added, so a span whose counts are unchanged has nothing new to
     * score (whoever scored it); an unchanged request count means an unchanged last target day.
     */
    record Seen(long requests, LocalDate lastTarget, long closes) {
    }

    /** A span's scoring: how many steps it scored, and what it saw ({@link Seen}: counted before reading). */
    record Outcome(int scored, Seen seen) {
    }

    /** The requests of the span [from, to], counted on the index logged_request_as_of alone. */
    static long requests(Connection c, LocalDate from, LocalDate to) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM logged_request WHERE as_of >= ? AND as_of <= ?")) {
            p.setObject(1, from);
            p.setObject(2, to);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The closes of the days after {@code from} up to {@code lastTarget}, counted on the index realised_close_day. */
    static long closes(Connection c, LocalDate from, LocalDate lastTarget) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM realised_close WHERE trade_date > ? AND trade_date <= ?")) {
            p.setObject(1, from);
            p.setObject(2, lastTarget);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A logical forecast step: series, last input day (epoch day), step. */
    private record Logical(int series, long asOf, int step) {
    }

    /** The first request of a logical step met so far. */
    private record First(String requestId, long receivedMs, LocalDate asOf, LoggedForecast.Step step) {
        boolean before(long ms, String id) {
            return ms < receivedMs || (ms == receivedMs && id.compareTo(requestId) < 0);
        }
    }

    /**
     * Scores the span [from, to], which held {@code requests} requests when counted, under the mark {@code pass}. What
     * it saw is counted before it is read: a request or close added meanwhile makes the next pass read the span again.
     */
    static Outcome score(Connection c, boolean postgres, ForecastSeries series, long pass, LocalDate from, LocalDate to,
                         long requests) throws SQLException {
        Set<Logical> scored = new HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT series_id, as_of, step FROM step_score WHERE as_of >= ? AND as_of <= ?")) {
            p.setObject(1, from);
            p.setObject(2, to);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    scored.add(new Logical(rs.getInt(1), rs.getObject(2, LocalDate.class).toEpochDay(), rs.getInt(3)));
                }
            }
        }
        Map<Logical, First> first = new HashMap<>();
        LocalDate lastTarget = from;
        try (PreparedStatement p = c.prepareStatement("SELECT series_id, as_of, received_ms, request_id, last_step, steps, last_target "
                + "FROM logged_request WHERE as_of >= ? AND as_of <= ?")) {
            p.setObject(1, from);
            p.setObject(2, to);
            p.setFetchSize(2000);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    int id = rs.getInt(1);
                    LocalDate asOf = rs.getObject(2, LocalDate.class);
                    LocalDate target = rs.getObject(7, LocalDate.class);
                    lastTarget = target.isAfter(lastTarget) ? target : lastTarget;
                    if (allScored(scored, id, asOf.toEpochDay(), rs.getInt(5))) {
                        continue; // not unpacked
                    }
                    long ms = rs.getLong(3);
                    String requestId = rs.getString(4);
                    for (LoggedForecast.Step step : PackedSteps.unpack(asOf, rs.getString(6), true)) {
                        Logical key = new Logical(id, asOf.toEpochDay(), step.step());
                        First known = first.get(key);
                        if (!scored.contains(key) && (known == null || known.before(ms, requestId))) {
                            first.put(key, new First(requestId, ms, asOf, step));
                        }
                    }
                }
            }
        }
        Seen seen = new Seen(requests, lastTarget, closes(c, from, lastTarget));
        if (first.isEmpty()) {
            return new Outcome(0, seen);
        }
        Map<String, Map<LocalDate, Double>> closes = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT symbol, trade_date, close_price FROM realised_close "
                + "WHERE trade_date > ? AND trade_date <= ?")) {
            p.setObject(1, from);
            p.setObject(2, lastTarget);
            p.setFetchSize(5000);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    closes.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getObject(2, LocalDate.class), rs.getDouble(3));
                }
            }
        }
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<Logical, First> e : first.entrySet()) {
            First f = e.getValue();
            ForecastSeries.Series s = series.get(c, e.getKey().series());
            Double actual = s.symbol().isEmpty() ? null : closes.getOrDefault(s.symbol(), Map.of()).get(f.step().target());
            if (actual == null) {
                continue; // no close yet
            }
            Score score = Score.of(new LoggedForecast.Key(s.model(), s.version(), s.symbol(), f.asOf(), f.step().step()),
                    f.requestId(), f.step(), actual);
            rows.add(new Object[] {f.asOf(), s.id(), f.step().step(), f.step().target(), f.requestId(), score.point(),
                    score.naive(), actual, PackedSteps.packCoverage(score.bounds()), pass});
        }
        // in key order: two replicas inserting the same span wait on each other's keys in one order, never deadlock
        rows.sort(java.util.Comparator.comparing((Object[] r) -> (LocalDate) r[0]).thenComparingInt(r -> (Integer) r[1])
                .thenComparingInt(r -> (Integer) r[2]));
        return new Outcome(postgres ? insertPostgres(c, rows) : insertH2(c, rows), seen);
    }

    private static final String SCORE_COLUMNS = "as_of, series_id, step, target_date, request_id, point_forecast, "
            + "naive_forecast, actual_close, coverage, scored_ms";
    /** Rows per statement on PostgreSQL: 10 parameters each, well below its 32767. */
    private static final int ROWS_PER_INSERT = 1000;

    /** Multi-row inserts, ON CONFLICT DO NOTHING (a row a replica inserted first stays); returns how many were new. */
    private static int insertPostgres(Connection c, List<Object[]> rows) throws SQLException {
        int added = 0;
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder("INSERT INTO step_score (" + SCORE_COLUMNS + ") VALUES ");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            try (PreparedStatement p = c.prepareStatement(sql.append(" ON CONFLICT DO NOTHING").toString())) {
                int at = 1;
                for (Object[] row : part) {
                    for (Object value : row) {
                        p.setObject(at++, value);
                    }
                }
                added += p.executeUpdate();
            }
        }
        return added;
    }

    /**
     * One batch of plain inserts: H2 is one process per file and the store serialises its calls, so the span's scores
     * read in this transaction are all there are; a row there all the same fails the span's transaction, nothing is
     * scored twice, and the next pass reads the span again.
     */
    private static int insertH2(Connection c, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO step_score (" + SCORE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    p.setObject(i + 1, row[i]);
                }
                p.addBatch();
            }
            int added = 0;
            for (int count : p.executeBatch()) {
                added += count > 0 ? count : 0;
            }
            return added;
        }
    }

    /** Whether steps 1..{@code lastStep} of the series' forecast as of {@code asOf} are all scored. */
    private static boolean allScored(Set<Logical> scored, int series, long asOf, int lastStep) {
        if (scored.isEmpty()) {
            return false;
        }
        for (int step = 1; step <= lastStep; step++) {
            if (!scored.contains(new Logical(series, asOf, step))) {
                return false;
            }
        }
        return true;
    }
}
