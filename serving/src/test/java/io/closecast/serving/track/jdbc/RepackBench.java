package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.ScoringBench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Times schema migration 5 on an embedded H2 store written by version 4 (not a test: run by hand, see BENCHMARKS.md):
 * {@code java -cp ... io.closecast.serving.track.jdbc.RepackBench [N] [DIR]}. N one-step forecasts with two levels
 * over 1000 days x N/1000 symbols are written with version 4's statements ({@link V4Log}), closed and scored the
 * version 4 way, then the store is opened by this build, which migrates it; the open is timed.
 */
public final class RepackBench {

    private RepackBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("closecast-repack-bench");
        String url = JdbcTrackStore.embeddedUrl(dir);
        int days = 1000;
        LocalDate start = LocalDate.of(2020, 1, 1);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            V4Log.schema(c);
            c.setAutoCommit(false);
            List<LoggedForecast> batch = new ArrayList<>(5000);
            for (int i = 0; i < n; i++) {
                batch.add(ScoringBench.forecast(i, start, days));
                if (batch.size() == 5000 || i == n - 1) {
                    V4Log.append(c, batch);
                    c.commit();
                    batch.clear();
                }
            }
            for (int s = 0; s < Math.max(1, n / days); s++) {
                V4Log.closes(c, "S" + s, ScoringBench.closes(start, days));
            }
            c.commit();
            int scored = 0;
            for (LocalDate from = start; !from.isAfter(start.plusDays(days)); from = from.plusDays(32)) {
                scored += V4Log.score(c, from.toEpochDay(), from, from.plusDays(31));
                c.commit();
            }
            System.out.printf("H2: version 4 store with %d requests, %d scores written in %.1f s%n", n, scored,
                    (System.nanoTime() - t0) / 1e9);
        }
        long t1 = System.nanoTime();
        try (JdbcTrackStore store = JdbcTrackStore.open(url, Optional.empty(), Optional.empty())) {
            System.out.printf("H2: migrated to version %d in %.1f s; %s%n", SchemaMigrations.LATEST,
                    (System.nanoTime() - t1) / 1e9, store.counts("bench"));
        }
    }
}
