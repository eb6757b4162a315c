package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;
import io.closecast.serving.track.TrackStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded H2 store: migrations once, the log, first-close-wins, pending steps once per logical forecast, restart. */
class JdbcTrackStoreTest {

    @TempDir
    Path dir;

    static final LocalDate MON = LocalDate.of(2024, 12, 2);

    static LoggedForecast forecast(String id, long at, String version, LocalDate asOf, double... points) {
        List<LoggedForecast.Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            steps.add(new LoggedForecast.Step(i + 1, asOf.plusDays(i + 1), points[i], 100,
                    List.of(new LoggedForecast.Bound(0.8, points[i] - 1, points[i] + 1),
                            new LoggedForecast.Bound(0.95, points[i] - 3, points[i] + 3))));
        }
        return new LoggedForecast(id, Instant.ofEpochMilli(at), "m", version, "production", "MSFT", asOf, steps);
    }

    private JdbcTrackStore open() {
        return JdbcTrackStore.open(JdbcTrackStore.embeddedUrl(dir), Optional.empty(), Optional.empty());
    }

    @Test
    void migratesOnceAndRecordsTheVersion() throws Exception {
        open().close();
        open().close();
        try (Connection c = DriverManager.getConnection(JdbcTrackStore.embeddedUrl(dir));
             var rs = c.createStatement().executeQuery("SELECT COUNT(*), MAX(version) FROM closecast_schema_version")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "one migration row, however often the store opens");
            assertEquals(SchemaMigrations.LATEST, rs.getInt(2));
        }
    }

    @Test
    void theSameForecastAskedTwiceIsPendingOnceAndScoredOnceAcrossARestart() {
        sameForecastTwiceScoredOnceAcrossARestart(this::open, "jdbc:h2:file:");
    }

    /** The scenario, on any store {@code open} opens afresh (PostgresTrackStoreIT runs it on PostgreSQL). */
    static void sameForecastTwiceScoredOnceAcrossARestart(java.util.function.Supplier<JdbcTrackStore> open, String urlPrefix) {
        try (JdbcTrackStore store = open.get()) {
            store.append(List.of(forecast("a", 1, "1", MON, 101, 102), forecast("b", 2, "1", MON, 101.5, 102.5),
                    forecast("c", 3, "2", MON, 99, 98)));
            assertEquals(List.of(), store.pending(100), "no closes yet: nothing to score");
            assertEquals(1, store.putCloses("MSFT", Map.of(MON.plusDays(1), 103.0)));
            assertEquals(0, store.putCloses("MSFT", Map.of(MON.plusDays(1), 999.0)), "the first close of a day stays");
            List<TrackStore.Pending> pending = store.pending(100);
            // a and b are one logical forecast (version 1, as of MON, step 1): both requests are returned, a first
            assertEquals(List.of("a", "b", "c"), pending.stream().map(TrackStore.Pending::requestId).toList());
            assertEquals(103.0, pending.getFirst().actual());
            assertEquals(2, pending.getFirst().step().bounds().size());
            Score a = Score.of(pending.get(0).key(), "a", pending.get(0).step(), 103.0);
            Score c = Score.of(pending.get(2).key(), "c", pending.get(2).step(), 103.0);
            assertEquals(2, store.saveScores(List.of(a, c)));
            Score b = Score.of(pending.get(1).key(), "b", pending.get(1).step(), 103.0);
            assertEquals(0, store.saveScores(List.of(b)), "a logical forecast already scored keeps its first score");
            assertEquals(List.of(), store.pending(100), "b's step is the same logical forecast as a's: not pending");
        }
        try (JdbcTrackStore store = open.get()) {
            assertEquals(new TrackStore.Counts(3, 4, 2), store.counts("m"), "3 requests, 4 logical steps, 2 scored");
            List<Score> scores = store.scores("m");
            assertEquals(List.of("a", "c"), scores.stream().map(Score::requestId).toList());
            Score a = scores.getFirst();
            assertEquals(2.0, a.absError(), 1e-12);
            assertEquals(3.0, a.naiveError(), 1e-12);
            assertEquals(List.of(new Score.Coverage(0.8, 100, 102, false), new Score.Coverage(0.95, 98, 104, true)), a.bounds());
            assertEquals(Optional.of(MON.plusDays(1)), store.lastClose("MSFT"));
            assertEquals(List.of("MSFT"), store.symbols());
            store.putCloses("MSFT", Map.of(MON.plusDays(2), 104.0));
            assertEquals(List.of("a#2", "b#2", "c#2"), store.pending(100).stream()
                            .map(p -> p.requestId() + "#" + p.key().step()).toList(),
                    "the step 2 forecasts, the earlier request first (the one the scorer keeps)");
            assertTrue(store.describe().startsWith(urlPrefix), store.describe());
        }
    }
}
