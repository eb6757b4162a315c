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
            assertEquals(SchemaMigrations.MIGRATIONS.size(), rs.getInt(1), "one row per migration, however often the store opens");
            assertEquals(SchemaMigrations.LATEST, rs.getInt(2));
        }
    }

    @Test
    void theSameForecastAskedTwiceIsPendingOnceAndScoredOnceAcrossARestart() {
        sameForecastTwiceScoredOnceAcrossARestart(this::open, "jdbc:h2:file:");
    }

    @Test
    void aSpanAlreadyScoredIsReadAgainOnlyForAForecastOrACloseAddedToIt() {
        try (JdbcTrackStore store = open()) {
            store.append(List.of(forecast("a", 1, "1", MON, 101)));
            store.putCloses("MSFT", Map.of(MON.plusDays(1), 103.0));
            assertEquals(1, store.score());
            assertEquals(0, store.score(), "nothing new in the span");
            store.append(List.of(forecast("late", 2, "2", MON, 99)));
            assertEquals(1, store.score(), "a forecast logged after its close, in a span already scored, is scored");
            store.append(List.of(forecast("again", 3, "2", MON, 98)));
            assertEquals(0, store.score(), "the span is read again, but its logical forecast is scored already");
            store.append(List.of(forecast("next", 4, "1", MON.plusDays(1), 104)));
            assertEquals(0, store.score(), "no close for it yet");
            store.putCloses("MSFT", Map.of(MON.plusDays(2), 105.0));
            assertEquals(1, store.score(), "a close added to a span already scored");
        }
        try (JdbcTrackStore store = open()) {
            assertEquals(0, store.score(), "after a restart every span is read once, nothing is scored twice");
            assertEquals(new TrackStore.Counts(4, 3, 3), store.counts("m"));
            assertEquals(List.of("a", "late", "next"), store.scores("m").stream().map(Score::requestId).toList());
        }
    }

    @Test
    void aBatchOfTheSameForecastIsOneRowAndEveryRequestIsExportedOnceInOrder() throws Exception {
        java.util.Random random = new java.util.Random(26);
        List<LoggedForecast> sent = new java.util.ArrayList<>();
        try (JdbcTrackStore store = open()) {
            // three batches; in each, production (101) and a challenger's version (2) forecast the same requests, times
            // interleaved, some on the same millisecond, plus a few of another forecast; the last batch's times reach
            // back into the second's (a request answered just before a batch was cut, written with the next)
            long[] starts = {0, 10_000, 9_990};
            for (int b = 0; b < 3; b++) {
                List<LoggedForecast> batch = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    long at = starts[b] + random.nextInt(50);
                    String id = String.format("%d-%03d-%d", b, i, random.nextInt(10));
                    batch.add(forecast(id, at, "1", MON, 101));
                    batch.add(forecast(id + "-challenger", at, "2", MON, 99)); // a shadow run's id: the request's and its alias
                    if (i % 50 == 0) {
                        batch.add(forecast(id + "x", at, "1", MON, 107));
                    }
                }
                java.util.Collections.shuffle(batch, random);
                store.append(batch);
                sent.addAll(batch);
            }
            try (Connection c = DriverManager.getConnection(JdbcTrackStore.embeddedUrl(dir));
                 var rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(requests) FROM logged_request")) {
                rs.next();
                assertEquals(9, rs.getInt(1), "a row per batch and forecast: 3 batches x 3 forecasts");
                assertEquals(sent.size(), rs.getInt(2));
            }
            assertEquals(sent.size(), store.counts("m").requests());
            List<String> expected = sent.stream().sorted(java.util.Comparator
                    .comparingLong((LoggedForecast f) -> f.receivedAt().toEpochMilli()).thenComparing(LoggedForecast::requestId))
                    .map(f -> f.requestId() + "/" + f.version() + "@"
                    + f.receivedAt().toEpochMilli() + f.steps().getFirst().point()).toList();
            for (int limit : new int[] {1, 7, 100, 1000}) {
                List<String> exported = new java.util.ArrayList<>();
                Optional<TrackStore.Cursor> cursor = Optional.empty();
                while (true) {
                    List<LoggedForecast> page = store.forecasts("m", MON, MON, cursor, limit);
                    page.forEach(f -> exported.add(f.requestId() + "/" + f.version() + "@" + f.receivedAt().toEpochMilli()
                            + f.steps().getFirst().point()));
                    if (page.size() < limit) {
                        break;
                    }
                    LoggedForecast last = page.getLast();
                    cursor = Optional.of(new TrackStore.Cursor(last.receivedAt().toEpochMilli(), last.requestId()));
                }
                assertEquals(expected, exported, "limit " + limit + ": every request once, in (received, id) order");
            }
        }
    }

    @Test
    void aVersion5LogIsReadAsGroupsOfOne() throws Exception {
        try (Connection c = DriverManager.getConnection(JdbcTrackStore.embeddedUrl(dir))) {
            SchemaMigrations.migrate(c, "test", 5);
            c.createStatement().execute("INSERT INTO forecast_series (series_id, model_name, model_version, symbol) "
                    + "VALUES (7, 'm', '1', 'MSFT')");
            c.createStatement().execute("INSERT INTO logged_request (request_id, received_ms, series_id, model_alias, as_of, "
                    + "last_step, last_target, steps) VALUES ('v5', 11, 7, 'production', DATE '2024-12-02', 1, "
                    + "DATE '2024-12-03', '1|1,1,101.0,100.0,0.8:100.0:102.0')");
        }
        try (JdbcTrackStore store = open()) {
            store.append(List.of(forecast("v6", 12, "1", MON, 101), forecast("v6b", 13, "1", MON, 101)));
            assertEquals(new TrackStore.Counts(3, 1, 0), store.counts("m"));
            assertEquals(List.of("v5", "v6", "v6b"), store.forecasts("m", MON, MON, Optional.empty(), 10).stream()
                    .map(LoggedForecast::requestId).toList());
            store.putCloses("MSFT", Map.of(MON.plusDays(1), 103.0));
            assertEquals(1, store.score());
            assertEquals(List.of("v5"), store.scores("m").stream().map(Score::requestId).toList(), "the first request");
        }
    }

    /** The scenario, on any store {@code open} opens afresh (PostgresTrackStoreIT runs it on PostgreSQL). */
    static void sameForecastTwiceScoredOnceAcrossARestart(java.util.function.Supplier<JdbcTrackStore> open, String urlPrefix) {
        try (JdbcTrackStore store = open.get()) {
            // z and b: the same forecast (version 1, as of MON) asked twice, z first although its id sorts last
            store.append(List.of(forecast("z", 1, "1", MON, 101, 102), forecast("b", 2, "1", MON, 101.5, 102.5),
                    forecast("c", 3, "2", MON, 99, 98)));
            assertEquals(0, store.score(), "no closes yet: nothing to score");
            assertEquals(1, store.putCloses("MSFT", Map.of(MON.plusDays(1), 103.0)));
            assertEquals(0, store.putCloses("MSFT", Map.of(MON.plusDays(1), 999.0)), "the first close of a day stays");
            assertEquals(2, store.score(), "step 1 of version 1 (once, for z and b) and of version 2");
            assertEquals(0, store.score(), "nothing is scored twice");
        }
        try (JdbcTrackStore store = open.get()) {
            assertEquals(new TrackStore.Counts(3, 4, 2), store.counts("m"), "3 requests, 4 logical steps, 2 scored");
            List<Score> scores = store.scores("m");
            assertEquals(List.of("z", "c"), scores.stream().map(Score::requestId).toList(), "the first request is scored");
            Score z = scores.getFirst();
            assertEquals(2.0, z.absError(), 1e-12);
            assertEquals(3.0, z.naiveError(), 1e-12);
            assertEquals(103.0, z.actual());
            assertEquals(List.of(new Score.Coverage(0.8, 100, 102, false), new Score.Coverage(0.95, 98, 104, true)), z.bounds());
            assertEquals(List.of(new Score.Coverage(0.8, 98, 100, false), new Score.Coverage(0.95, 96, 102, false)),
                    scores.get(1).bounds());
            assertEquals(Optional.of(MON.plusDays(1)), store.lastClose("MSFT"));
            assertEquals(List.of("MSFT"), store.symbols());
            store.putCloses("MSFT", Map.of(MON.plusDays(2), 104.0));
            assertEquals(2, store.score(), "the step 2 forecasts after a restart");
            assertEquals(List.of("z#1", "c#1", "z#2", "c#2"), store.scores("m").stream()
                    .map(x -> x.requestId() + "#" + x.key().step()).toList());
            assertTrue(store.describe().startsWith(urlPrefix), store.describe());
        }
    }
}
