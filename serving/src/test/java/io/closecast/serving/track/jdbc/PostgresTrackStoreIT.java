package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.ForecastLog;
import io.closecast.serving.track.LoggedForecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forecast log on a real PostgreSQL (Debian's, started by {@code scripts/lib/postgres.sh} on 127.0.0.1, as the
 * pipeline's PostgresMlflowIT does): the schema migrates (a version 4 log with data to version 5 too), the log,
 * first-close-wins and score-once hold there too, and
 * a PostgreSQL stopped under the log costs no forecast that fits the queue, is reported, and the log catches up when
 * it is back. Port: {@code -Dclosecast.it.postgres.track-port} (default 55433).
 */
class PostgresTrackStoreIT {

    private static final int PORT = Integer.getInteger("closecast.it.postgres.track-port", 55433);
    private static Path pgData;
    private static Path root;

    @BeforeAll
    static void startPostgres() throws Exception {
        root = root();
        pgData = Files.createTempDirectory("closecast-it-track-pg-");
        postgres(120, "start");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pgData != null) {
            postgres(120, "stop");
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + PORT + "/" + database;
    }

    private static JdbcTrackStore open() {
        return JdbcTrackStore.open(url("mlflow"), Optional.of("mlflow"), Optional.of(password()));
    }

    private static String password() {
        return Optional.ofNullable(System.getenv("CLOSECAST_POSTGRES_PASSWORD")).orElse("mlflow");
    }

    @Test
    void theLogAndItsScoringOnPostgres() throws Exception {
        // a fresh schema per run: the scenario counts rows of model "m"
        postgres(60, "psql", "-c", "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION mlflow;");
        JdbcTrackStoreTest.sameForecastTwiceScoredOnceAcrossARestart(PostgresTrackStoreIT::open, "jdbc:postgresql:");
        assertEquals(String.valueOf(SchemaMigrations.LATEST), postgres(60, "psql", "-tAc", "SELECT MAX(version) FROM closecast_schema_version"));

        // issued keys in the same database: added, listed, used, revoked (migration 2 on PostgreSQL)
        try (JdbcKeyStore keys = JdbcKeyStore.open(url("mlflow"), Optional.of("mlflow"), Optional.of(password()))) {
            java.time.Instant at = java.time.Instant.ofEpochMilli(1_700_000_000_000L);
            keys.add(new io.closecast.serving.security.IssuedKey("key_pg", "pg", at, Optional.of(at.plusSeconds(60)),
                    Optional.empty()), "ab".repeat(32));
            assertEquals(java.util.Set.of("ab".repeat(32)), keys.active().keySet());
            keys.touch(java.util.Map.of("key_pg", at.plusSeconds(5)));
            assertEquals(Optional.of(at.plusSeconds(5)), keys.list().getFirst().lastUsed());
            assertEquals(Optional.of(at.plusSeconds(60)), keys.list().getFirst().expires());
            assertTrue(keys.revoke("key_pg", at.plusSeconds(6)));
            assertTrue(keys.active().isEmpty());
            assertFalse(keys.revoke("key_pg", at.plusSeconds(7)), "revoked once");
        }

        // PostgreSQL down under the log: nothing answered is lost while the queue holds, the log says the store is down
        try (JdbcTrackStore store = open()) {
            ForecastLog log = new ForecastLog(() -> store, 10_000, 50, Metrics.createMeterRegistry(MetricsConfig.create()));
            postgres(120, "stop");
            List<LoggedForecast> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                LoggedForecast f = JdbcTrackStoreTest.forecast("down-" + i, i, "9", LocalDate.of(2025, 1, 6), 100 + i);
                sent.add(f);
                assertTrue(log.submit(f), "submit never refuses while the queue has room");
            }
            assertFalse(log.flush(Duration.ofSeconds(2)));
            assertFalse(log.status().storeUp(), "the log reports the store down");
            assertTrue(log.status().lastError().orElse("").contains("forecast log at jdbc:postgresql:"),
                    String.valueOf(log.status().lastError()));
            postgres(120, "start");
            assertTrue(log.flush(Duration.ofSeconds(30)), "written once PostgreSQL is back");
            assertTrue(log.status().storeUp());
            assertEquals(0, log.status().lost());
            assertEquals(sent.size(), log.status().written());
            assertEquals(Integer.toString(sent.size()), postgres(60, "psql", "-tAc",
                    "SELECT SUM(requests) FROM logged_request WHERE request_id LIKE 'down-%'"));
            log.close();
        }
    }

    @Test
    void aVersion4LogMigratesOnPostgres() throws Exception {
        postgres(60, "psql", "-c", "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION mlflow;");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url("mlflow"), "mlflow", password())) {
            LogRepackTest.writeV4(c);
            LogRepackTest.readsBack(PostgresTrackStoreIT::open, c);
        }
    }

    @Test
    void twoReplicasScoringOnePostgresAtOnceScoreEachStepOnce() throws Exception {
        postgres(60, "psql", "-c", "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION mlflow;");
        LocalDate start = LocalDate.of(2024, 1, 1);
        try (JdbcTrackStore a = open(); JdbcTrackStore b = open()) {
            List<LoggedForecast> logged = new ArrayList<>();
            java.util.Map<LocalDate, Double> closes = new java.util.TreeMap<>();
            for (int d = 0; d < 200; d++) { // two requests of each forecast (one per replica), over spans of as-of days
                LocalDate asOf = start.plusDays(d);
                logged.add(JdbcTrackStoreTest.forecast("r" + d + "-a", 2L * d, "1", asOf, 100 + d % 7, 101));
                logged.add(JdbcTrackStoreTest.forecast("r" + d + "-b", 2L * d + 1, "1", asOf, 100 + d % 5, 102));
                closes.put(asOf.plusDays(1), 100.0 + d % 3);
            }
            closes.put(start.plusDays(201), 100.0);
            a.append(logged.subList(0, 200));
            b.append(logged.subList(200, 400));
            a.putCloses("MSFT", closes);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var sa = pool.submit(a::score);
                var sb = pool.submit(b::score);
                assertEquals(400, sa.get(120, TimeUnit.SECONDS) + sb.get(120, TimeUnit.SECONDS),
                        "200 as-of days x 2 steps, each scored once between the two");
            } finally {
                pool.shutdown();
            }
            assertEquals(new io.closecast.serving.track.TrackStore.Counts(400, 400, 400), a.counts("m"));
            assertEquals(0, a.score() + b.score(), "nothing left, nothing twice");
            for (io.closecast.serving.track.Score s : a.scores("m")) {
                int d = (int) (s.key().asOf().toEpochDay() - start.toEpochDay());
                assertEquals("r" + d + "-a", s.requestId(), "the first request is scored, whichever replica logged it");
            }
        }
    }

    private static String postgres(int timeoutSeconds, String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/lib/postgres.sh").toString(), command,
                pgData.toString(), Integer.toString(PORT)));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("pg", ".out");
        Path err = Files.createTempFile("pg", ".err");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s: " + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + Files.readString(out) + Files.readString(err));
        }
        return Files.readString(out).strip();
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/lib/postgres.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("expected scripts/lib/postgres.sh above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
