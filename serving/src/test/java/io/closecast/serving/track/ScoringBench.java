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
 * Times the scoring of N logged forecasts in the embedded store (not a test: run by hand, see docs/serving.md):
 * {@code java -cp ... io.closecast.serving.track.ScoringBench [N] [DIR]}. N one-step forecasts with two interval levels
 * over N / 1000 symbols' days are written, closes for every target day stored, then {@link Tracker#score()} is timed.
 */
public final class ScoringBench {

    private ScoringBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("closecast-scoring-bench");
        String url = JdbcTrackStore.embeddedUrl(dir);
        int days = 1000;
        int symbols = Math.max(1, n / days);
        LocalDate start = LocalDate.of(2020, 1, 1);
        long t0 = System.nanoTime();
        try (JdbcTrackStore store = JdbcTrackStore.open(url, Optional.empty(), Optional.empty())) {
            List<LoggedForecast> batch = new ArrayList<>(5000);
            for (int i = 0; i < n; i++) {
                LocalDate asOf = start.plusDays(i % days);
                double p = 100 + (i % 17);
                batch.add(new LoggedForecast("bench-" + i, Instant.ofEpochMilli(i), "bench", "1", "production",
                        "S" + (i / days), asOf, List.of(new LoggedForecast.Step(1, asOf.plusDays(1), p, 100,
                        List.of(new LoggedForecast.Bound(0.8, p - 2, p + 2), new LoggedForecast.Bound(0.95, p - 5, p + 5))))));
                if (batch.size() == 5000) {
                    store.append(batch);
                    batch.clear();
                }
            }
            store.append(batch);
            for (int s = 0; s < symbols; s++) {
                Map<LocalDate, Double> closes = new TreeMap<>();
                for (int d = 0; d <= days; d++) {
                    closes.put(start.plusDays(d), 100.0 + (d % 7));
                }
                store.putCloses("S" + s, closes);
            }
        }
        System.out.printf("logged %d forecasts in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        TrackSettings settings = new TrackSettings(true, dir, Optional.of(url), Optional.empty(), Optional.empty(),
                1000, 500, dir, Duration.ofDays(1), 250);
        try (Tracker tracker = Tracker.start(settings, () -> JdbcTrackStore.open(url, Optional.empty(), Optional.empty()),
                Metrics.createMeterRegistry(MetricsConfig.create()), Clock.systemUTC())) {
            long t1 = System.nanoTime();
            int scored = tracker.score();
            System.out.printf("scored %d forecasts in %.1f s%n", scored, (System.nanoTime() - t1) / 1e9);
        }
    }
}
