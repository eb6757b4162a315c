package io.closecast.serving.track.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scoring pass's SQL, a span of target days at a time: two set-based statements per span (the first request of
 * each unscored logical step that has a close, inserted into {@code forecast_score} with the span's mark; then the
 * interval coverage of the rows of that mark into {@code score_bound}), so the log is never fetched into the service
 * and no transaction holds more than a span's rows.
 */
final class ScoringSpans {

    /** Target days per scoring transaction: a million one-step forecasts over 1000 days make ~32 000 rows each. */
    static final int SPAN_DAYS = 32;

    /**
     * The first request (earliest, then lowest id) of each logical forecast step whose target day lies in the span,
     * has a close and no score yet, with that close. "First" is a probe of the index {@code forecast_request_first}
     * (V4) for an earlier request of the same logical forecast that has the step, not a ranking of every logged step.
     */
    private static final String FIRST_UNSCORED = "SELECT r.model_name, r.model_version, r.symbol, r.as_of, s.step, "
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

    private ScoringSpans() {
    }

    /** The target days worth a look: from the later of the first logged target day and the first close, to the earlier of the last ones. */
    static Optional<LocalDate[]> range(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT (SELECT MIN(target_date) FROM forecast_step), "
                + "(SELECT MAX(target_date) FROM forecast_step), (SELECT MIN(trade_date) FROM realised_close), "
                + "(SELECT MAX(trade_date) FROM realised_close)");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            LocalDate[] d = new LocalDate[4];
            for (int i = 0; i < 4; i++) {
                d[i] = rs.getObject(i + 1, LocalDate.class);
            }
            if (d[0] == null || d[2] == null) {
                return Optional.empty();
            }
            LocalDate from = d[0].isAfter(d[2]) ? d[0] : d[2];
            LocalDate to = d[1].isBefore(d[3]) ? d[1] : d[3];
            return from.isAfter(to) ? Optional.empty() : Optional.of(new LocalDate[] {from, to});
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
     * What a span held when a pass last scored it: the logged steps and the closes of its days. Steps and closes are
     * only ever added, so a span whose two counts are unchanged has nothing new to score (whoever scored it).
     */
    record Seen(long steps, long closes) {
    }

    /** The logged steps and the closes of [from, to], both counted by index (forecast_step_target, realised_close_day). */
    static Seen seen(Connection c, LocalDate from, LocalDate to) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT (SELECT COUNT(*) FROM forecast_step WHERE target_date >= ? "
                + "AND target_date <= ?), (SELECT COUNT(*) FROM realised_close WHERE trade_date >= ? AND trade_date <= ?)")) {
            p.setObject(1, from);
            p.setObject(2, to);
            p.setObject(3, from);
            p.setObject(4, to);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return new Seen(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** Scores the span [from, to] under the mark {@code pass}; returns how many steps it scored. */
    static int score(Connection c, boolean postgres, long pass, LocalDate from, LocalDate to) throws SQLException {
        String conflict = postgres ? " ON CONFLICT DO NOTHING" : "";
        try (PreparedStatement s = c.prepareStatement("INSERT INTO forecast_score (model_name, model_version, symbol, "
                + "as_of, step, target_date, request_id, point_forecast, naive_forecast, actual_close, abs_error, "
                + "naive_error, scored_ms) SELECT c.model_name, c.model_version, c.symbol, c.as_of, c.step, "
                + "c.target_date, c.request_id, c.point_forecast, c.naive_forecast, c.close_price, "
                + "ABS(c.close_price - c.point_forecast), ABS(c.close_price - c.naive_forecast), ? FROM ("
                + FIRST_UNSCORED + ") c" + conflict);
             PreparedStatement b = c.prepareStatement("INSERT INTO score_bound (model_name, model_version, symbol, as_of, "
                     + "step, interval_level, lower_bound, upper_bound, inside) SELECT f.model_name, f.model_version, "
                     + "f.symbol, f.as_of, f.step, b.interval_level, b.lower_bound, b.upper_bound, CASE WHEN "
                     + "f.actual_close >= b.lower_bound AND f.actual_close <= b.upper_bound THEN TRUE ELSE FALSE END "
                     + "FROM forecast_score f JOIN forecast_bound b ON b.request_id = f.request_id AND b.step = f.step "
                     + "WHERE f.scored_ms = ?" + conflict)) {
            s.setLong(1, pass);
            s.setObject(2, from);
            s.setObject(3, to);
            int scored = s.executeUpdate();
            if (scored > 0) {
                b.setLong(1, pass); // the intervals of the steps this span scored
                b.executeUpdate();
            }
            return scored;
        }
    }
}
