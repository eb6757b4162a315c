package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;
import io.closecast.serving.track.TrackStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema migration 5 on a store written by version 4 ({@link V4Log}: its statements): every request with its steps
 * and bounds, every close and every score (with inside/outside per level as scored then) read back through the new
 * layout; what was scored is not scored again, what was not is scored from the first request. PostgresTrackStoreIT
 * runs the same on PostgreSQL.
 */
class LogRepackTest {

    @TempDir
    Path dir;

    static final LocalDate MON = JdbcTrackStoreTest.MON;

    /** z and b the same forecast (z first, its id sorting last), c another version, a feedback report, one without a symbol. */
    static List<LoggedForecast> logged() {
        return List.of(JdbcTrackStoreTest.forecast("z", 1, "1", MON, 101, 102),
                JdbcTrackStoreTest.forecast("b", 2, "1", MON, 101.5, 102.5),
                JdbcTrackStoreTest.forecast("c", 3, "2", MON, 99, 98),
                new LoggedForecast("feedback-1", Instant.ofEpochMilli(4), "m", "1", "feedback", "MSFT", MON.minusDays(3),
                        List.of(new LoggedForecast.Step(1, MON, 100.5, 100, List.of(new LoggedForecast.Bound(0.9, 99, 99.5))))),
                new LoggedForecast("u", Instant.ofEpochMilli(5), "other", "7", "production", "", MON,
                        List.of(new LoggedForecast.Step(1, MON.plusDays(1), 7, 6, List.of()))));
    }

    /** A version 4 store on {@code c} holding {@link #logged()}, closes of MON and MON+1, and version 4's scores of them. */
    static void writeV4(Connection c) throws SQLException {
        V4Log.schema(c);
        c.setAutoCommit(false);
        V4Log.append(c, logged());
        V4Log.closes(c, "MSFT", new TreeMap<>(Map.of(MON, 100.0, MON.plusDays(1), 103.0)));
        assertEquals(3, V4Log.score(c, 10, MON.minusDays(40), MON.plusDays(40)), "feedback-1, z's step 1, c's step 1");
        c.commit();
        c.setAutoCommit(true);
    }

    /** The store {@code open} opens migrates the version 4 store {@link #writeV4} wrote; {@code check} reads its tables. */
    static void readsBack(Supplier<JdbcTrackStore> open, Connection check) throws SQLException {
        try (JdbcTrackStore store = open.get()) {
            List<LoggedForecast> m = logged().stream().filter(f -> f.model().equals("m")).toList();
            assertEquals(m.stream().map(LogRepackTest::withoutBounds).toList(),
                    store.forecasts("m", MON.minusDays(40), MON.plusDays(40), Optional.empty(), 100), "every request, every step");
            assertEquals(1, store.forecasts("other", MON, MON, Optional.empty(), 100).size());
            try (Statement s = check.createStatement();
                 ResultSet rs = s.executeQuery("SELECT request_id, as_of, steps FROM logged_request ORDER BY received_ms")) {
                for (LoggedForecast f : logged()) {
                    rs.next();
                    assertEquals(f.requestId(), rs.getString(1));
                    assertEquals(f.steps(), PackedSteps.unpack(rs.getObject(2, LocalDate.class), rs.getString(3), true),
                            "every bound of " + f.requestId());
                }
            }
            LoggedForecast z = logged().get(0);
            LoggedForecast c = logged().get(2);
            LoggedForecast feedback = logged().get(3);
            assertEquals(List.of(score(feedback, 1, 100.0), score(z, 1, 103.0), score(c, 1, 103.0)), store.scores("m"),
                    "every score as version 4 scored it");
            assertEquals(List.of(false), store.scores("m").getFirst().bounds().stream().map(Score.Coverage::inside).toList());
            assertEquals(new TrackStore.Counts(4, 5, 3), store.counts("m"), "4 requests, 5 logical steps, 3 scored");
            assertEquals(List.of("MSFT"), store.symbols());
            assertEquals(Optional.of(MON.plusDays(1)), store.lastClose("MSFT"));
            assertEquals(Optional.of("z"), store.scoredRequest(new LoggedForecast.Key("m", "1", "MSFT", MON, 1)));
            assertEquals(0, store.score(), "nothing scored twice");
            store.putCloses("MSFT", Map.of(MON.plusDays(2), 104.0));
            assertEquals(2, store.score(), "step 2 of version 1 (from z, the first) and of version 2");
            assertEquals(List.of(score(z, 2, 104.0), score(c, 2, 104.0)), store.scores("m").subList(3, 5));
        }
        assertEquals(SchemaMigrations.LATEST, SchemaMigrations.current(check));
        for (String table : List.of("forecast_request", "forecast_step", "forecast_bound", "forecast_score", "score_bound")) {
            assertThrows(SQLException.class, () -> {
                try (Statement s = check.createStatement()) {
                    s.executeQuery("SELECT COUNT(*) FROM " + table).close();
                }
            }, table + " dropped");
        }
    }

    private static Score score(LoggedForecast f, int step, double actual) {
        LoggedForecast.Step s = f.steps().get(step - 1);
        return Score.of(new LoggedForecast.Key(f.model(), f.version(), f.symbol(), f.asOf(), step), f.requestId(), s, actual);
    }

    private static LoggedForecast withoutBounds(LoggedForecast f) {
        List<LoggedForecast.Step> steps = new ArrayList<>();
        for (LoggedForecast.Step s : f.steps()) {
            steps.add(new LoggedForecast.Step(s.step(), s.target(), s.point(), s.naive(), List.of()));
        }
        return new LoggedForecast(f.requestId(), f.receivedAt(), f.model(), f.version(), f.alias(), f.symbol(), f.asOf(), steps);
    }

    @Test
    void aVersion4StoreComesOutAtVersion5WithEveryForecastCloseAndScore() throws Exception {
        String url = JdbcTrackStore.embeddedUrl(dir);
        try (Connection c = DriverManager.getConnection(url)) {
            writeV4(c);
        }
        try (Connection check = DriverManager.getConnection(url)) {
            readsBack(() -> JdbcTrackStore.open(url, Optional.empty(), Optional.empty()), check);
        }
    }

    @Test
    void packedStepsReadBackBitForBit() {
        List<LoggedForecast.Step> steps = List.of(new LoggedForecast.Step(1, MON.plusDays(3), 0.1 + 0.2, -1e-300,
                        List.of(new LoggedForecast.Bound(0.8, Double.MIN_VALUE, 1e300), new LoggedForecast.Bound(0.95, -3.5, 7))),
                new LoggedForecast.Step(2, MON.plusDays(4), 101.25, 100, List.of()));
        String packed = PackedSteps.pack(MON, steps);
        assertEquals("1|1,3,0.30000000000000004,-1.0E-300,0.8:4.9E-324:1.0E300,0.95:-3.5:7.0|2,4,101.25,100.0", packed);
        assertEquals(steps, PackedSteps.unpack(MON, packed, true));
        List<Score.Coverage> coverage = List.of(new Score.Coverage(0.8, 1, 2, true), new Score.Coverage(0.95, 0.5, 2.5, false));
        assertEquals(coverage, PackedSteps.unpackCoverage(PackedSteps.packCoverage(coverage)));
        assertEquals(List.of(), PackedSteps.unpackCoverage(PackedSteps.packCoverage(List.of())));
        assertThrows(io.closecast.serving.track.TrackStoreException.class, () -> PackedSteps.unpack(MON, "2|1,1,1.0,1.0", true),
                "a format this build does not know is refused, not misread");
    }
}
