package io.closecast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.TrackStore;
import io.closecast.serving.track.jdbc.JdbcTrackStore;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * What docs/serving.md promises of a crash ("What a stop or a crash can lose"): the service as its own process
 * ({@code bin/closecast-serve}, configs/serving.yaml, the embedded H2 forecast log) answers dated forecasts from
 * client threads, is killed with SIGKILL under that load, and is started again on the same data directory. The store
 * opens cleanly (the restarted service writes and reports it up), and every answered forecast's request id is in the
 * log but for at most {@code track.queue-capacity} + {@code track.batch-size} of them, plus what H2 committed but
 * had not yet written to its file (it has no write-ahead log: its background writer stores commits within its 500 ms
 * write delay), bounded here by the forecasts answered in the last second before the kill.
 */
class ForecastLogCrashIT extends RegistryTestBase {

    private static final int CLIENTS = 4;
    private static final int QUEUE = 500;
    private static final int BATCH = 100;

    @Test
    void aKillUnderLoadLosesAtMostTheQueueAndOneBatchAndTheStoreOpensAgain() throws Exception {
        String model = RegistryFixture.unique("closecast-crash");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        String body = datedBody(fixture.lastCloses(RegistryFixture.WINDOW));
        Path trackDir = work.resolve("crash-track");
        int port = freePort();
        TestClient http = new TestClient(port);

        Process service = start(model, port, trackDir, "first");
        Set<String> answered;
        long lastSecond;
        try {
            awaitOrLog("the service ready", Duration.ofSeconds(120), () -> ready(http), "first");
            ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> answeredAt = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean run = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                TestClient c = new TestClient(port);
                clients.add(Thread.ofPlatform().name("crash-it-client-" + t).start(() -> {
                    while (run.get()) {
                        try {
                            HttpResponse<String> res = c.post("/v1/predict", "application/json", body);
                            if (res.statusCode() == 200) {
                                ids.add(res.headers().firstValue("X-Request-Id").orElse("(none)"));
                                answeredAt.add(System.nanoTime());
                            } else {
                                failures.add(res.statusCode() + " " + res.body());
                            }
                        } catch (RuntimeException e) {
                            if (run.get()) {
                                failures.add("no answer: " + e); // requests in flight at the kill get a reset
                            }
                        }
                    }
                }));
            }
            // well beyond the bound (500 + 100 + the last second's answers), so a log that loses more than it may fails
            TestClient.await("3000 answered forecasts", Duration.ofSeconds(180), () -> ids.size() >= 3000);
            Thread.sleep(1_000);
            long killed = System.nanoTime();
            service.destroyForcibly().waitFor(); // SIGKILL: bin/closecast-serve execs the JVM, so this is the service
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
            answered = new HashSet<>(ids);
            lastSecond = answeredAt.stream().filter(t -> t > killed - Duration.ofSeconds(1).toNanos()).count();
            assertTrue(failures.stream().allMatch(f -> f.startsWith("no answer")),
                    "before the kill every request is answered: " + failures.stream().limit(3).toList());
            assertTrue(!answered.contains("(none)"), "every forecast answer carries X-Request-Id");
        } finally {
            stop(service);
        }

        // the same data directory: the H2 file the killed process left behind opens, is written to and reports up
        Process again = start(model, port, trackDir, "second");
        String afterRestart;
        try {
            awaitOrLog("the restarted service ready", Duration.ofSeconds(120), () -> ready(http), "second");
            HttpResponse<String> res = http.post("/v1/predict", "application/json", body);
            assertEquals(200, res.statusCode(), res.body());
            afterRestart = res.headers().firstValue("X-Request-Id").orElseThrow();
            awaitOrLog("the restarted service's forecast written", Duration.ofSeconds(30), () -> {
                JsonNode log = TestClient.json(http.get("/health/ready")).get("forecast_log");
                return log != null && log.get("store_up").asBoolean() && log.get("written").asLong() >= 1;
            }, "second");
        } finally {
            stop(again); // SIGTERM: a normal stop flushes and closes the store, so the test can open the file
        }

        Set<String> logged = new HashSet<>(); // through the export: a row of the log holds a group of requests
        try (JdbcTrackStore store = JdbcTrackStore.open(JdbcTrackStore.embeddedUrl(trackDir), Optional.empty(), Optional.empty())) {
            Optional<TrackStore.Cursor> after = Optional.empty();
            for (List<LoggedForecast> page; !(page = store.forecasts(model, LocalDate.of(1900, 1, 1), LocalDate.of(2200, 1, 1), after, 1000)).isEmpty(); ) {
                page.forEach(f -> logged.add(f.requestId()));
                LoggedForecast last = page.getLast();
                after = Optional.of(new TrackStore.Cursor(last.receivedAt().toEpochMilli(), last.requestId()));
            }
        }
        Set<String> missing = new HashSet<>(answered);
        missing.removeAll(logged);
        long bound = QUEUE + BATCH + lastSecond;
        System.out.printf("ForecastLogCrashIT: %d forecasts answered before the kill, %d of them in the log, %d lost "
                + "(bound: queue %d + batch %d + %d answered in the last second)%n", answered.size(),
                answered.size() - missing.size(), missing.size(), QUEUE, BATCH, lastSecond);
        assertTrue(missing.size() <= bound, "a crash loses at most track.queue-capacity + track.batch-size + what the embedded"
                + " H2 committed within its write delay (the answers of the last second: " + lastSecond + ") = " + bound
                + " answered forecasts, found " + missing.size() + " of " + answered.size() + " missing");
        assertTrue(answered.size() - missing.size() > 0, "the log holds forecasts written before the kill");
        assertTrue(logged.contains(afterRestart), "the forecast answered after the restart is logged");
    }

    /** A dated body: the closes with the weekdays of October 2024 (no US market holiday) as their days. */
    private static String datedBody(double[] closes) {
        List<String> dates = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2024, 10, 1); dates.size() < closes.length; d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                dates.add("\"" + d + "\"");
            }
        }
        StringBuilder sb = new StringBuilder("{\"closes\": [");
        for (int i = 0; i < closes.length; i++) {
            sb.append(i > 0 ? ", " : "").append(closes[i]);
        }
        return sb.append("], \"dates\": [").append(String.join(", ", dates)).append("], \"horizon\": 1}").toString();
    }

    private static boolean ready(TestClient http) {
        try {
            return http.get("/health/ready").statusCode() == 200;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** {@code bin/closecast-serve} with configs/serving.yaml, its forecast log in {@code trackDir}, a small queue. */
    private static Process start(String model, int port, Path trackDir, String name) throws IOException {
        Path root = RegistryFixture.root();
        assertTrue(Files.isRegularFile(root.resolve("serving/target/lib.classpath")),
                "expected serving/target/lib.classpath from the package phase (run the ITs through the build)");
        String yaml = Files.readString(root.resolve("configs/serving.yaml"));
        Map<String, String> edits = Map.of("  host: 0.0.0.0 ", "  host: 127.0.0.1 ", "  dir: data/track ", "  dir: " + trackDir + " ",
                "  queue-capacity: 100000 ", "  queue-capacity: " + QUEUE + " ", "  batch-size: 2000 ", "  batch-size: " + BATCH + " ");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            assertEquals(1, yaml.split(e.getKey(), -1).length - 1, "expected one '" + e.getKey().strip() + "' in configs/serving.yaml");
            yaml = yaml.replace(e.getKey(), e.getValue());
        }
        Path config = work.resolve("crash.yaml");
        Files.writeString(config, yaml);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/closecast-serve").toString(), config.toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CLOSECAST_"));
        env.put("CLOSECAST_PORT", Integer.toString(port));
        env.put("CLOSECAST_TRACKING_URI", uri);
        env.put("CLOSECAST_MODEL_NAME", model);
        env.put("CLOSECAST_MODEL_CACHE_DIR", work.resolve("crash-cache").toString());
        env.put("CLOSECAST_SERVE_HEAP", "256m");
        env.put("CLOSECAST_SERVE_CDS", "off");
        return pb.start();
    }

    private static void awaitOrLog(String what, Duration timeout, java.util.function.BooleanSupplier condition, String log)
            throws IOException {
        try {
            TestClient.await(what, timeout, condition);
        } catch (AssertionError e) {
            Path file = work.resolve(log + ".log");
            String text = Files.exists(file) ? Files.readString(file) : "(none)";
            throw new AssertionError(e.getMessage() + "\n--- " + log + ".log (tail):\n"
                    + (text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text), e);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
