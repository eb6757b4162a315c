package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;
import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.VersionRef;
import io.closecast.serving.registry.MlflowModelSource;
import io.closecast.serving.registry.MlflowModelSourceFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Stage;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.bundle.ForecastModel;
import org.junit.jupiter.api.Test;

/**
 * The service against a real MLflow server and a real (tiny) LSTM: promoted versions load from the registry,
 * answer what the model answers, move under load, a broken bundle is refused, and an MLflow outage at start
 * only delays readiness.
 */
class MlflowServingIT extends RegistryTestBase {

    private static ServingConfig config(String trackingUri, String model, Path cache) {
        return ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(trackingUri).modelName(model)
                .pollInterval(Duration.ofMillis(100)).retryInitial(Duration.ofMillis(100)).retryMax(Duration.ofMillis(500))
                .modelCacheDir(cache).build();
    }

    private static RunningService start(ServingConfig config) {
        return Main.start(config, new MlflowModelSourceFactory().create(config, java.util.Map.of()));
    }

    private static String servedVersion(RunningService service) {
        return service.models().status().serving().map(ModelInfo::version).orElse("");
    }

    @Test
    void servesThePromotedVersionWithTheModelsOwnAnswers() throws Exception {
        String model = RegistryFixture.unique("closecast-it");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        // interval test results as training and closecast evaluate tag a version (keys: CalibrationRecord)
        DriftForecaster.CALIBRATION_TAGS.forEach((k, v) -> client.registry().setModelVersionTag(model, v1.number(), k, v));
        client.registry().setAlias(model, "production", v1.number());
        // GARCH(1,1)'s interval score as training tags it: read into the test metrics beside the model's (the verdict)
        client.registry().setModelVersionTag(model, v1.number(), "garch_test_interval_score_80", "18.2");
        Path cache = work.resolve("cache-served");
        try (RunningService service = start(config(uri, model, cache))) {
            TestClient.await("v1 ready", Duration.ofSeconds(30), service.models()::ready);
            TestClient http = new TestClient(service.port());
            ForecastModel local = v1.load();
            assertEquals(RegistryFixture.WINDOW, local.requiredHistory());
            double[] window = fixture.lastCloses(local.requiredHistory());

            HttpResponse<String> one = http.post("/v1/predict", "application/json", TestClient.predictBody(window, 1));
            assertEquals(200, one.statusCode(), one.body());
            assertEquals("1", one.headers().firstValue("X-Model-Version").orElse(""));
            double served = TestClient.json(one).get("predictions").get(0).asDouble();
            assertEquals(local.forecast(window, 1)[0], served, 1e-9, "served vs ForecastModel.forecast");
            // float32 forward passes in two orders: equal within 1e-5 relative (prices are ~10^2, float32 eps ~10^-7)
            double dl4j = fixture.dl4jNextClose(window);
            assertEquals(dl4j, served, 1e-5 * Math.max(1, Math.abs(dl4j)), "served vs the training side's DL4J output");

            HttpResponse<String> five = http.post("/v1/predict", "application/json", TestClient.predictBody(window, 5));
            assertEquals(200, five.statusCode(), five.body());
            double[] expected = local.forecast(window, 5);
            JsonNode predictions = TestClient.json(five).get("predictions");
            assertEquals(5, predictions.size());
            for (int h = 0; h < 5; h++) {
                assertEquals(expected[h], predictions.get(h).asDouble(), 1e-9, "step " + (h + 1));
            }

            // the served intervals equal the training side's for the same window: the test part's last window
            int last = fixture.data.test().size() - 1;
            HttpResponse<String> banded = http.post("/v1/predict", "application/json",
                    TestClient.predictBody(fixture.testWindowCloses(last), 1));
            assertEquals(200, banded.statusCode(), banded.body());
            JsonNode bands = TestClient.json(banded).get("intervals");
            List<ForecastInterval> trainingSide = fixture.trainingIntervals(last);
            assertEquals(2, bands.size(), banded.body());
            for (int l = 0; l < trainingSide.size(); l++) {
                ForecastInterval expect = trainingSide.get(l);
                JsonNode got = bands.get(l);
                assertEquals(expect.level(), got.get("level").asDouble(), banded.body());
                double tolerance = 1e-5 * expect.upper(0);
                assertEquals(expect.lower(0), got.get("lower").get(0).asDouble(), tolerance, "lower of level " + expect.level());
                assertEquals(expect.upper(0), got.get("upper").get(0).asDouble(), tolerance, "upper of level " + expect.level());
                assertTrue(expect.upper(0) - expect.lower(0) > 100 * tolerance, "a band, not a point: " + expect);
            }

            // /invocations gives the same intervals through params.intervals, one list per window for several
            StringBuilder inputs = new StringBuilder();
            for (double p : fixture.testWindowCloses(last)) {
                inputs.append(inputs.isEmpty() ? "" : ",").append(p);
            }
            HttpResponse<String> invoked = http.post("/invocations", "application/json",
                    "{\"inputs\": [" + inputs + "], \"params\": {\"horizon\": 1, \"intervals\": true}}");
            assertEquals(200, invoked.statusCode(), invoked.body());
            assertEquals(bands, TestClient.json(invoked).get("intervals"), invoked.body());
            // and says their method, as /v1/predict does (the fixture's point model: the EWMA method)
            assertEquals("split-conformal-ewma-abs-return", TestClient.json(banded).get("interval_method").asText());
            assertEquals(TestClient.json(banded).get("interval_method"), TestClient.json(invoked).get("interval_method"),
                    invoked.body());
            HttpResponse<String> twice = http.post("/invocations", "application/json",
                    "{\"inputs\": [[" + inputs + "], [" + inputs + "]], \"params\": {\"intervals\": true}}");
            assertEquals(200, twice.statusCode(), twice.body());
            assertEquals(bands, TestClient.json(twice).get("intervals").get(1), twice.body());
            HttpResponse<String> plain = http.post("/invocations", "application/json", "{\"inputs\": [" + inputs + "]}");
            assertFalse(TestClient.json(plain).has("intervals"), "intervals only when asked for: " + plain.body());
            assertEquals("split-conformal-ewma-abs-return", TestClient.json(plain).get("interval_method").asText(), plain.body());
            RoutesTest.assertError(http.post("/invocations", "application/json",
                    "{\"inputs\": [" + inputs + "], \"params\": {\"intervals\": \"yes\"}}"), 400, "params.intervals");

            HttpResponse<String> info = http.get("/v1/model");
            assertEquals(200, info.statusCode(), info.body());
            JsonNode m = TestClient.json(info);
            assertEquals(model, m.get("name").asText());
            assertEquals("1", m.get("version").asText());
            assertEquals(v1.runId(), m.get("run_id").asText());
            assertEquals("production", m.get("alias").asText());
            assertEquals(fixture.data.trainRange().from().toString(), m.get("trained_from").asText());
            assertEquals(fixture.data.trainRange().to().toString(), m.get("trained_to").asText());
            assertEquals(RegistryFixture.WINDOW, m.get("window_length").asInt());
            assertEquals(local.maxHorizon(), m.get("max_horizon").asInt());
            assertEquals("Close", m.get("features").get(0).asText());
            for (String key : List.of("test_mae", "test_mase", "naive_test_mae")) {
                assertEquals(Double.parseDouble(fixture.metricTags.get(key)), m.at("/test_metrics/" + key).asDouble(), 1e-12, key);
            }
            // the recorded interval tests, read from the version's tags in the registry
            assertEquals(0.7, m.at("/calibration/test/levels/0/kupiec_p").asDouble(), 0, info.body());
            assertEquals(13.25, m.at("/calibration/test/levels/1/garch_interval_score").asDouble(), 0, info.body());
            assertEquals("fail", m.at("/calibration/test/verdict").asText(), info.body());
            assertEquals("2023-01-03..2023-12-29", m.at("/calibration/evaluation/range").asText(), info.body());
            assertEquals("pass", m.at("/calibration/evaluation/levels/0/verdict").asText(), info.body());
            assertEquals(18.2, m.at("/test_metrics/garch_test_interval_score_80").asDouble(), 0, m.toString());
            assertTrue(Files.isRegularFile(cache.resolve(model).resolve("1").resolve("MANIFEST.sha256")),
                    "the bundle is cached per version under " + cache);
        }
    }

    @Test
    void resolvesTheAliasElseTheLegacyStageElseNothing() throws Exception {
        String model = RegistryFixture.unique("closecast-it-stage");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        RegistryFixture.Registered v2 = fixture.register(client, model, false);
        MlflowModelSource source = MlflowModelSource.create(client, model, "production", work.resolve("cache-stage"));
        assertEquals(Optional.empty(), source.resolve(), "nothing promoted: empty");

        client.registry().transitionStage(model, v1.number(), Stage.PRODUCTION, false);
        assertEquals(Optional.of(VersionRef.create(model, "1", v1.runId())), source.resolve(), "legacy stage Production");
        try (Forecaster f = source.load(source.resolve().orElseThrow())) {
            assertEquals("stage:Production", f.info().alias());
        }

        client.registry().setAlias(model, "production", v2.number());
        assertEquals(Optional.of(VersionRef.create(model, "2", v2.runId())), source.resolve(), "the alias wins over the stage");
        assertEquals(Optional.empty(), MlflowModelSource.create(client, RegistryFixture.unique("no-such-model"),
                "production", work.resolve("cache-none")).resolve());
    }

    @Test
    void anIncompleteDownloadIsReplacedAndATamperedCacheIsDownloadedAgain() throws Exception {
        String model = RegistryFixture.unique("closecast-it-cache");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        Path cache = work.resolve("cache-repair");
        MlflowModelSource source = MlflowModelSource.create(client, model, "production", cache);
        VersionRef ref = source.resolve().orElseThrow();
        Path partial = cache.resolve(model).resolve("1.partial-deadbeef");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("MLmodel"), "half");
        double[] window = fixture.lastCloses(RegistryFixture.WINDOW);
        double expected = v1.load().forecast(window, 1)[0];
        try (Forecaster f = source.load(ref)) {
            assertEquals(expected, f.forecast(window, 1)[0], 1e-9);
        }
        assertFalse(Files.exists(partial), "a stale partial download is removed");
        Path cached = cache.resolve(model).resolve("1").resolve("lstm-weights.bin");
        Files.write(cached, new byte[] {1, 2, 3});
        try (Forecaster f = source.load(ref)) {
            assertEquals(expected, f.forecast(window, 1)[0], 1e-9, "the tampered cache was replaced by a fresh download");
        }
        assertTrue(Files.size(cached) > 3, "the cached weights were downloaded again");
    }

    @Test
    void promotionUnderLoadSwapsVersionsWithoutAFailedRequestAndABrokenVersionIsRefused() throws Exception {
        String model = RegistryFixture.unique("closecast-it-swap");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        try (RunningService service = start(config(uri, model, work.resolve("cache-swap")))) {
            TestClient.await("v1 ready", Duration.ofSeconds(30), service.models()::ready);
            double[] window = fixture.lastCloses(RegistryFixture.WINDOW);
            double expected = v1.load().forecast(window, 1)[0];
            String body = TestClient.predictBody(window, 1);
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                TestClient http = new TestClient(service.port());
                threads.add(Thread.ofPlatform().start(() -> {
                    while (run.get()) {
                        HttpResponse<String> res = http.post("/v1/predict", "application/json", body);
                        if (res.statusCode() != 200) {
                            failures.add(res.statusCode() + " " + res.body());
                            continue;
                        }
                        double p = TestClient.json(res).get("predictions").get(0).asDouble();
                        if (Math.abs(p - expected) > 1e-9) {
                            failures.add("expected " + expected + ", found " + p);
                        }
                        seen.add(res.headers().firstValue("X-Model-Version").orElse("?"));
                        ok.incrementAndGet();
                    }
                }));
            }
            try {
                Thread.sleep(300);
                // the same weights in every version, so every answer must equal the model's own forecast
                RegistryFixture.Registered v2 = fixture.register(client, model, false);
                client.registry().setAlias(model, "production", v2.number());
                TestClient.await("v2 serving", Duration.ofSeconds(30), () -> servedVersion(service).equals("2"));
                Thread.sleep(300);

                long failedBefore = service.metrics().reloadFailures();
                RegistryFixture.Registered broken = fixture.register(client, model, true);
                client.registry().setAlias(model, "production", broken.number());
                TestClient.await("v3 refused", Duration.ofSeconds(30),
                        () -> service.metrics().reloadFailures() > failedBefore);
                Thread.sleep(300);
                assertEquals("2", servedVersion(service), "a broken version leaves the old one serving");
                String why = service.models().status().lastFailure().orElse("");
                assertTrue(why.contains("checksum mismatch for lstm-weights.bin"), "expected the checksum reason, found: " + why);
                assertEquals(failedBefore + 1, service.metrics().reloadFailures(), "refused once, not retried every poll");
            } finally {
                run.set(false);
                for (Thread t : threads) {
                    t.join(30_000);
                }
            }
            assertTrue(failures.isEmpty(), "expected no failed request, found " + failures.size() + ": " + failures.peek());
            assertTrue(ok.get() > 50, "expected a steady load, found only " + ok.get() + " requests");
            assertEquals(Set.of("1", "2"), seen, "versions that answered");
            TestClient http = new TestClient(service.port());
            HttpResponse<String> ready = http.get("/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }

    @Test
    void notReadyWhileMlflowIsDownThenReadyWhenItComesUp() throws Exception {
        int port = freePort();
        Path data = work.resolve("mlflow-late");
        String lateUri = "http://127.0.0.1:" + port;
        String model = RegistryFixture.unique("closecast-it-late");
        try (RunningService service = start(config(lateUri, model, work.resolve("cache-late")))) {
            TestClient http = new TestClient(service.port());
            TestClient.await("a failed resolve", Duration.ofSeconds(20),
                    () -> service.models().status().reason().orElse("").contains("unreachable"));
            HttpResponse<String> down = http.get("/health/ready");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(TestClient.json(down).get("reason").asText().contains("unreachable"), down.body());
            assertEquals(503, http.post("/v1/predict", "application/json",
                    TestClient.predictBody(fixture.lastCloses(RegistryFixture.WINDOW), 1)).statusCode());

            mlflowServer("start", "--port", Integer.toString(port), "--data", data.toString(), "--fresh");
            try (MlflowClient late = RegistryFixture.client(lateUri)) {
                late.registry().createRegisteredModel(model);
                RegistryFixture.Registered v1 = fixture.register(late, model, false);
                TestClient.await("no version promoted yet", Duration.ofSeconds(20),
                        () -> service.models().status().reason().orElse("").contains("points at none"));
                assertEquals(503, http.get("/health/ready").statusCode());
                late.registry().setAlias(model, "production", v1.number());
                TestClient.await("ready after MLflow came up", Duration.ofSeconds(30), service.models()::ready);
                HttpResponse<String> up = http.get("/health/ready");
                assertEquals(200, up.statusCode(), up.body());

                mlflowServer("stop", "--data", data.toString());
                Thread.sleep(500);
                HttpResponse<String> stillServing = http.post("/v1/predict", "application/json",
                        TestClient.predictBody(fixture.lastCloses(RegistryFixture.WINDOW), 1));
                assertEquals(200, stillServing.statusCode(), "a loaded model keeps serving while MLflow is down: "
                        + stillServing.body());

                // a restart while MLflow is down: the last verified bundle serves from the cache, and says so
                try (RunningService restarted = start(config(lateUri, model, work.resolve("cache-late")))) {
                    TestClient.await("the cached version serving", Duration.ofSeconds(30), restarted.models()::ready);
                    TestClient again = new TestClient(restarted.port());
                    HttpResponse<String> cached = again.get("/health/ready");
                    assertEquals(200, cached.statusCode(), cached.body());
                    JsonNode state = TestClient.json(cached).get("state");
                    assertTrue(state.get("from_cache").asBoolean(), cached.body());
                    assertFalse(state.get("registry").get("reachable").asBoolean(), cached.body());
                    assertEquals(v1.number() + "", state.get("serving_version").asText(), cached.body());
                    HttpResponse<String> answer = again.post("/v1/predict", "application/json",
                            TestClient.predictBody(fixture.lastCloses(RegistryFixture.WINDOW), 1));
                    assertEquals(200, answer.statusCode(), answer.body());
                    assertEquals(stillServing.body(), answer.body(), "the cached bundle answers as the downloaded one did");
                    assertTrue(TestClient.json(again.get("/v1/model")).get("state").get("from_cache").asBoolean());
                }
                // with serving from the cache switched off, the restart stays not ready
                ServingConfig strict = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(lateUri).modelName(model)
                        .pollInterval(Duration.ofMillis(100)).retryInitial(Duration.ofMillis(100)).retryMax(Duration.ofMillis(500))
                        .modelCacheDir(work.resolve("cache-late")).serveCachedOnOutage(false).build();
                try (RunningService off = start(strict)) {
                    TestClient.await("a failed resolve", Duration.ofSeconds(20),
                            () -> off.models().status().registryDownSince().isPresent());
                    Thread.sleep(300);
                    assertFalse(off.models().ready(), "model.serve-cached-on-outage: false keeps it not ready");
                }
            } finally {
                mlflowServer("stop", "--data", data.toString());
            }
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void mlflowServer(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", RegistryFixture.root().resolve("registry-server/mlflow-server.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("mlflow-server-" + args[0] + ".log").toFile());
        builder.environment().putIfAbsent("CLOSECAST_MLFLOW_WORKERS", "1"); // starts faster on a busy machine
        Process p = builder.start();
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) { // the script gives up after 180 s by itself
            p.destroyForcibly();
            throw new AssertionError("mlflow-server.sh " + String.join(" ", args) + " did not finish within 300 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("mlflow-server.sh " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                    + Files.readString(work.resolve("mlflow-server-" + args[0] + ".log")));
        }
    }
}
