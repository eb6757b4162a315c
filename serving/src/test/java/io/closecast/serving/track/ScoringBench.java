package io.closecast.serving.track;

import io.closecast.serving.track.jdbc.JdbcTrackStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;

/**
 * Times the scoring of N logged forecasts (not a test: {@code bench/track-scoring.sh} runs it, see BENCHMARKS.md):
 * {@code java -cp ... io.closecast.serving.track.ScoringBench [N] [DIR] [JDBC-URL [USER [PASSWORD]]]}, the embedded
 * H2 store in DIR unless a URL is given (an empty schema: PostgreSQL). N one-step forecasts with two interval levels
 * over N / 1000 symbols' days are written, closes for every target day stored, then the first scoring pass is timed
 * (wall and the scoring thread's CPU: on a shared machine the wall time moves with the load): the store's own pass, then
 * a {@link Tracker}'s first pass (a new store: every span read once, nothing left) with the track record it reads; and a
 * second pass of the tracker, which finds nothing left to score. On PostgreSQL the tables are analysed after loading (autovacuum's job on a store that
 * grew over days; {@code -Dclosecast.bench.no-analyze=true} leaves the planner with the empty tables' statistics).
 */
public final class ScoringBench {

    private ScoringBench() {
    }

    /**
     * The bench's {@code i}-th forecast (also {@code RepackBench}'s): one step with two levels, for symbol
     * {@code S<i / days>} as of day {@code i % days} after {@code start}.
     */
    public static LoggedForecast forecast(int i, LocalDate start, int days) {
        LocalDate asOf = start.plusDays(i % days);
        double p = 100 + (i % 17);
        return new LoggedForecast("bench-" + i, Instant.ofEpochMilli(i), "bench", "1", "production", "S" + (i / days), asOf,
                List.of(new LoggedForecast.Step(1, asOf.plusDays(1), p, 100, List.of(new LoggedForecast.Bound(0.8, p - 2, p + 2),
                        new LoggedForecast.Bound(0.95, p - 5, p + 5)))));
    }

    /** The closes every bench symbol gets: day {@code d} after {@code start} closes at 100 + d % 7, for days 0..days. */
    public static Map<LocalDate, Double> closes(LocalDate start, int days) {
        Map<LocalDate, Double> closes = new TreeMap<>();
        for (int d = 0; d <= days; d++) {
            closes.put(start.plusDays(d), 100.0 + (d % 7));
        }
        return closes;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("closecast-scoring-bench");
        String url = args.length > 2 ? args[2] : JdbcTrackStore.embeddedUrl(dir);
        Optional<String> user = args.length > 3 ? Optional.of(args[3]) : Optional.empty();
        Optional<String> password = args.length > 4 ? Optional.of(args[4]) : Optional.empty();
        int days = 1000;
        int symbols = Math.max(1, n / days);
        LocalDate start = LocalDate.of(2020, 1, 1);
        long t0 = System.nanoTime();
        try (JdbcTrackStore store = JdbcTrackStore.open(url, user, password)) {
            List<LoggedForecast> batch = new ArrayList<>(5000);
            for (int i = 0; i < n; i++) {
                batch.add(forecast(i, start, days));
                if (batch.size() == 5000) {
                    store.append(batch);
                    batch.clear();
                }
            }
            store.append(batch);
            for (int s = 0; s < symbols; s++) {
                store.putCloses("S" + s, closes(start, days));
            }
        }
        boolean analyze = !url.startsWith("jdbc:h2:") && !Boolean.getBoolean("closecast.bench.no-analyze");
        if (analyze) { // what autovacuum does to tables that grew: without it the planner sees them empty
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, user.orElse(null), password.orElse(null));
                 java.sql.Statement st = c.createStatement()) {
                st.execute("ANALYZE");
            }
        }
        System.out.printf("%s: logged %d forecasts in %.1f s%s%n", url.startsWith("jdbc:h2:") ? "H2" : "PostgreSQL", n, (System.nanoTime() - t0) / 1e9,
                analyze ? " (then ANALYZE, as autovacuum would)" : "");
        TrackSettings settings = new TrackSettings(true, dir, Optional.of(url), user, password,
                1000, 500, dir, Duration.ofDays(1), 250);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        int scored;
        try (JdbcTrackStore store = JdbcTrackStore.open(url, user, password)) {
            scored = store.score(); // the store's pass alone, then the tracker's (the track record read after it)
            double storeWall = (System.nanoTime() - t1) / 1e9;
            try (Tracker tracker = Tracker.start(settings, () -> JdbcTrackStore.open(url, user, password),
                    Metrics.createMeterRegistry(MetricsConfig.create()), Clock.systemUTC())) {
                long t2 = System.nanoTime();
                scored += tracker.score(); // nothing left: the spans are read once by this new store, then the track record
                double wall = storeWall + (System.nanoTime() - t2) / 1e9;
                double cpu = (threads.getCurrentThreadCpuTime() - cpu1) / 1e9;
                long t3 = System.nanoTime();
                int again = tracker.score();
                System.out.printf("scored %d forecasts in %.1f s (%.1f s CPU of the scoring thread; the store's pass %.1f s, "
                        + "then the tracker's first pass and track record %.1f s); a second pass scored %d in %.1f s%n",
                        scored, wall, cpu, storeWall, wall - storeWall, again, (System.nanoTime() - t3) / 1e9);
            }
        }
    }
}
