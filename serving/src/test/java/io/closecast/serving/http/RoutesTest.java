package io.closecast.serving.http;

import io.closecast.serving.DriftForecaster;
import io.closecast.serving.Main;
import io.closecast.serving.MetricsFormatIT;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.security.WebhookVerifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint through the service's routing ({@link Main#routing}) with a test model: window 5, max horizon 10,
 * drift forecast. No socket: Helidon's {@code @RoutingTest} hands requests to the routing through {@link DirectClient}.
 * {@code /metrics} (a server feature, not a route) is read over the wire in {@link MetricsFormatIT}.
 */
@RoutingTest
public class RoutesTest {

    static final String SECRET = "whsec-test-secret";
    static TestModelSource source;
    static ModelFleet fleet;
    static ModelManager models;
    static ServingMetrics metrics;
    private final RouteClient client;

    RoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    @SuppressWarnings("removal") // the registry Main uses (Helidon's MetricsObserver reports the global one)
    static void routing(HttpRouting.Builder routing) {
        source = new TestModelSource(5, 10, "1");
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200))
                .maxBodyBytes(1024 * 1024).webhookSecret(SECRET).build();
        metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        fleet = ModelFleet.create(List.of(source), config.registry().loader(), metrics);
        fleet.start();
        models = fleet.all().iterator().next();
        Main.routing(routing, config, fleet, metrics);
    }

    @BeforeAll
    static void ready() {
        TestClient.await("model ready", Duration.ofSeconds(20), models::ready);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void predictForecastsWithNaiveBeside() {
        HttpResponse<String> res = client.post("/v1/predict", "application/json",
                "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 3}");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("1", res.headers().firstValue("X-Model-Version").orElse(""));
        JsonNode json = TestClient.json(res);
        assertEquals(TestModelSource.NAME, json.at("/model/name").asText());
        assertEquals("1", json.at("/model/version").asText());
        assertEquals("run-1", json.at("/model/run_id").asText());
        assertEquals(3, json.get("horizon").asInt());
        assertEquals(List.of(105.0, 106.0, 107.0), doubles(json.get("predictions")));
        assertEquals(List.of(104.0, 104.0, 104.0), doubles(json.get("naive")));
        assertTrue(json.get("dates") == null, "no dates given, none expected: " + res.body());
        // the intervals are the model's: one per level, one bound per step
        List<io.closecast.model.intervals.ForecastInterval> expected = new DriftForecaster(DriftForecaster.info("m", "1", 5, 3))
                .forecastWithIntervals(new double[] {100, 101, 102, 103, 104}, 3).intervals();
        JsonNode intervals = json.get("intervals");
        assertEquals(2, intervals.size(), res.body());
        assertEquals("split-conformal-ewma-abs-return", json.get("interval_method").asText(), res.body());
        for (int l = 0; l < 2; l++) {
            assertEquals(expected.get(l).level(), intervals.get(l).get("level").asDouble());
            for (int h = 0; h < 3; h++) {
                assertEquals(expected.get(l).lower(h), intervals.get(l).get("lower").get(h).asDouble(), 0.0);
                assertEquals(expected.get(l).upper(h), intervals.get(l).get("upper").get(h).asDouble(), 0.0);
            }
        }
    }

    @Test
    void predictWithDatesAnswersNextBusinessDays() {
        HttpResponse<String> res = client.post("/v1/predict", "application/json",
                "{\"closes\": [10, 10.5, 11, 11.5, 12], \"horizon\": 3, \"dates\": "
                        + "[\"2024-12-20\", \"2024-12-23\", \"2024-12-24\", \"2024-12-26\", \"2024-12-27\"]}");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        // 2024-12-27 is a Friday: the next trading days of the model's symbol (MSFT: the US markets) are Monday,
        // Tuesday and Thursday (New Year's Day is a holiday)
        assertEquals("[\"2024-12-30\",\"2024-12-31\",\"2025-01-02\"]", json.get("dates").toString());
        assertEquals("us-equities", json.get("calendar").asText());
        assertEquals(List.of(12.5, 13.0, 13.5), doubles(json.get("predictions")));
    }

    @Test
    void predictCsvUsesTheLastWindowOfTheRealFile() throws IOException {
        Path csv = Path.of(System.getProperty("closecast.root", "..")).resolve("data/PETR4.SA.csv");
        List<String> lines = Files.readAllLines(csv);
        double[] last = new double[5];
        for (int i = 0; i < 5; i++) {
            last[i] = Double.parseDouble(lines.get(lines.size() - 5 + i).split(",")[4]);
        }
        double drift = (last[4] - last[0]) / 4;
        HttpResponse<String> res = client.post("/v1/predict/csv?horizon=2", "text/csv", Files.readAllBytes(csv));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        assertEquals(last[4] + drift, json.get("predictions").get(0).asDouble(), 1e-9);
        assertEquals(last[4] + 2 * drift, json.get("predictions").get(1).asDouble(), 1e-9);
        assertEquals(last[4], json.get("naive").get(1).asDouble(), 0);
        assertEquals(36.19, last[4], 1e-5, "PETR4 closed 36.19 on 2024-12-30 (SOURCES.md)");
        // dated by the model's symbol's calendar (MSFT's: US markets closed on New Year's Day)
        assertEquals("[\"2024-12-31\",\"2025-01-02\"]", json.get("dates").toString());
    }

    @Test
    void aFleetOfOneKeepsItsFeedbackOnceForTheSingleModelAndThePerModelRoutes() {
        // one model: /v1/feedback serves, and /v1/models/{name}/feedback is the same model's same online accuracy
        HttpResponse<String> single = client.post("/v1/feedback", "application/json",
                "{\"date\": \"2023-03-01\", \"actual\": 100, \"predicted\": 101, \"last\": 98, \"version\": \"61\"}");
        assertEquals(200, single.statusCode(), single.body());
        assertEquals(TestModelSource.NAME, TestClient.json(single).get("model").asText());
        HttpResponse<String> named = client.post("/v1/models/" + TestModelSource.NAME + "/feedback", "application/json",
                "{\"date\": \"2023-03-02\", \"actual\": 100, \"predicted\": 103, \"last\": 98, \"version\": \"61\"}");
        assertEquals(200, named.statusCode(), named.body());
        assertEquals(2, TestClient.json(named).at("/summary/count").asInt(), named.body());
        for (String path : List.of("/v1/feedback/summary", "/v1/models/" + TestModelSource.NAME + "/feedback/summary")) {
            JsonNode summary = TestClient.json(ok(client.get(path)));
            assertEquals(TestModelSource.NAME, summary.get("model").asText(), path);
            assertEquals("1", summary.get("serving_version").asText(), path);
            JsonNode v61 = null;
            for (JsonNode v : summary.get("versions")) {
                v61 = v.get("version").asText().equals("61") ? v : v61;
            }
            assertTrue(v61 != null, path + ": " + summary);
            assertEquals(2, v61.get("count").asInt(), path);
            assertEquals(2.0, v61.get("mae").asDouble(), 1e-12, path);
            assertEquals(1.0, v61.get("mase").asDouble(), 1e-12, path);
        }
        // the version defaults to the serving one on both
        assertEquals("1", TestClient.json(ok(client.post("/v1/feedback", "application/json",
                "{\"date\": \"2023-03-03\", \"actual\": 100, \"predicted\": 101, \"last\": 98}"))).at("/accepted/version").asText());
        assertEquals(404, client.get("/v1/models/closecast-other/feedback/summary").statusCode());
    }

    @Test
    void invocationsSpeakMlflowScoringFormats() {
        String split = "{\"dataframe_split\": {\"columns\": [\"Date\", \"Close\"], \"data\": "
                + "[[\"2024-01-01\", 1], [\"2024-01-02\", 100], [\"2024-01-03\", 101], [\"2024-01-04\", 102], [\"2024-01-05\", 103], [\"2024-01-08\", 104]]}, \"params\": {\"horizon\": 2}}";
        assertEquals("[105.0,106.0]", TestClient.json(ok(client.post("/invocations", "application/json", split))).get("predictions").toString());

        String records = "{\"dataframe_records\": [{\"Close\": 100}, {\"Close\": 102}, {\"Close\": 104}, {\"Close\": 106}, {\"Close\": 108}]}";
        assertEquals("[110.0]", TestClient.json(ok(client.post("/invocations", "application/json", records))).get("predictions").toString());

        String instances = "{\"instances\": [[100, 101, 102, 103, 104], [50, 50, 50, 50, 50]], \"params\": {\"horizon\": 2}}";
        assertEquals("[[105.0,106.0],[50.0,50.0]]",
                TestClient.json(ok(client.post("/invocations", "application/json", instances))).get("predictions").toString());

        String inputs = "{\"inputs\": {\"Close\": [100, 101, 102, 103, 104]}}";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "application/json", inputs))).get("predictions").toString());

        String flat = "{\"inputs\": [100, 101, 102, 103, 104]}";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "application/json", flat))).get("predictions").toString());

        String csv = "Date,Open,High,Low,Close,Adj Close,Volume\n"
                + "2024-01-02,1,1,1,100,90,10\n2024-01-03,1,1,1,101,91,10\n2024-01-04,1,1,1,102,92,10\n"
                + "2024-01-05,1,1,1,103,93,10\n2024-01-08,1,1,1,104,94,10\n";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "text/csv", csv))).get("predictions").toString());

        // the price column matches case-insensitively: bundles before 0.2 spelled it "close" in their signature
        String lowerSplit = "{\"dataframe_split\": {\"columns\": [\"close\"], \"data\": [[100], [101], [102], [103], [104]]}}";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "application/json", lowerSplit))).get("predictions").toString());
        String lowerRecords = "{\"dataframe_records\": [{\"close\": 100}, {\"CLOSE\": 102}, {\"close\": 104}, {\"close\": 106}, {\"close\": 108}]}";
        assertEquals("[110.0]", TestClient.json(ok(client.post("/invocations", "application/json", lowerRecords))).get("predictions").toString());
        String lowerInputs = "{\"inputs\": {\"close\": [100, 101, 102, 103, 104]}}";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "application/json", lowerInputs))).get("predictions").toString());
        String lowerCsv = "date,close\n2024-01-02,100\n2024-01-03,101\n2024-01-04,102\n2024-01-05,103\n2024-01-08,104\n";
        assertEquals("[105.0]", TestClient.json(ok(client.post("/invocations", "text/csv", lowerCsv))).get("predictions").toString());

        HttpResponse<String> two = client.post("/invocations", "application/json", "{\"inputs\": [1,2,3,4,5], \"instances\": [1,2,3,4,5]}");
        assertError(two, 400, "instances");
    }

    @Test
    void invocationsSayTheIntervalMethodBesideThePredictions() {
        String method = "split-conformal-ewma-abs-return"; // the test model's calibration method
        // with intervals asked for, one window and several: the method and the intervals of /v1/predict
        JsonNode asked = TestClient.json(ok(client.post("/invocations", "application/json",
                "{\"inputs\": [100, 101, 102, 103, 104], \"params\": {\"horizon\": 2, \"intervals\": true}}")));
        JsonNode predicted = TestClient.json(ok(client.post("/v1/predict", "application/json",
                "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 2}")));
        assertEquals(method, asked.get("interval_method").asText(), asked.toString());
        assertEquals(predicted.get("interval_method"), asked.get("interval_method"));
        assertEquals(predicted.get("intervals"), asked.get("intervals"));
        JsonNode batch = TestClient.json(ok(client.post("/invocations", "application/json",
                "{\"instances\": [[100, 101, 102, 103, 104], [50, 50, 50, 50, 50]], \"params\": {\"intervals\": true}}")));
        assertEquals(method, batch.get("interval_method").asText(), batch.toString());
        assertEquals(2, batch.get("intervals").size(), batch.toString());
        // without intervals (every MLflow form and CSV): the method is said, the intervals are not given
        for (String body : List.of("{\"inputs\": [100, 101, 102, 103, 104]}",
                "{\"dataframe_records\": [{\"Close\": 100}, {\"Close\": 102}, {\"Close\": 104}, {\"Close\": 106}, {\"Close\": 108}]}",
                "{\"instances\": [[100, 101, 102, 103, 104], [50, 50, 50, 50, 50]]}")) {
            JsonNode plain = TestClient.json(ok(client.post("/invocations", "application/json", body)));
            assertEquals(method, plain.get("interval_method").asText(), body);
            assertFalse(plain.has("intervals"), "intervals only when asked for: " + plain);
            assertEquals(List.of("predictions", "interval_method"), fieldNames(plain), "MLflow's predictions first: " + plain);
        }
        JsonNode csv = TestClient.json(ok(client.post("/invocations", "text/csv",
                "date,close\n2024-01-02,100\n2024-01-03,101\n2024-01-04,102\n2024-01-05,103\n2024-01-08,104\n")));
        assertEquals(method, csv.get("interval_method").asText(), csv.toString());
        assertEquals("[105.0]", csv.get("predictions").toString());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void modelDescribesTheServingVersion() {
        HttpResponse<String> res = client.get("/v1/model");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        assertEquals("1", json.get("version").asText());
        assertEquals(5, json.get("window_length").asInt());
        assertEquals(10, json.get("max_horizon").asInt());
        assertEquals("Close", json.get("features").get(0).asText());
        assertEquals(0.45, json.at("/test_metrics/naive_test_mae").asDouble(), 0);
        assertEquals("2022-12-30", json.get("trained_to").asText());
        assertTrue(Instant.parse(json.get("loaded_at").asText()).isBefore(Instant.now().plusSeconds(1)));
    }

    @Test
    void modelShowsTheRecordedCalibrationTestsWithAVerdictPerLevel() throws Exception {
        // the test model's tags (DriftForecaster.CALIBRATION_TAGS): the whole object, numbers as recorded, nothing added
        JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"alpha": 0.05,
                 "test": {"days": 250, "verdict": "fail", "levels": [
                   {"level": 0.8, "coverage": 0.79, "kupiec_p": 0.7, "christoffersen_ind_p": 0.4, "christoffersen_cc_p": 0.6,
                    "interval_score": 9.5, "garch_interval_score": 9.75, "dm_garch_p_two_sided": 0.3, "verdict": "pass"},
                   {"level": 0.95, "coverage": 0.91, "kupiec_p": 0.01, "christoffersen_ind_p": 0.5, "christoffersen_cc_p": 0.03,
                    "interval_score": 14.5, "garch_interval_score": 13.25, "verdict": "fail"}]},
                 "evaluation": {"range": "2023-01-03..2023-12-29", "days": 250, "in_sample": false, "verdict": "pass",
                   "levels": [{"level": 0.8, "coverage": 0.8, "kupiec_p": 1.0, "christoffersen_cc_p": 0.25,
                    "interval_score": 8.5, "garch_interval_score": 8.75, "verdict": "pass"}]}}""");
        for (String path : List.of("/v1/model", "/v1/models/" + io.closecast.serving.TestModelSource.NAME)) {
            HttpResponse<String> res = client.get(path);
            assertEquals(200, res.statusCode(), res.body());
            assertEquals(expected, TestClient.json(res).get("calibration"), path + ": " + res.body());
        }
    }

    @Test
    void healthEndpoints() {
        HttpResponse<String> live = client.get("/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("UP", TestClient.json(live).get("status").asText());
        HttpResponse<String> ready = client.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("1", TestClient.json(ready).at("/model/version").asText());
    }

    @Test
    void forecastsCarryARequestIdAndTheTrackRecordSaysWhenTheLogIsOff() {
        HttpResponse<String> a = client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104]}");
        HttpResponse<String> b = client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104]}");
        String idA = a.headers().firstValue("X-Request-Id").orElse("");
        assertEquals(36, idA.length(), "a UUID in X-Request-Id: " + a.headers().map());
        assertFalse(idA.equals(b.headers().firstValue("X-Request-Id").orElse("")), "one id per request");
        HttpResponse<String> off = client.get("/v1/track-record");
        assertEquals("track_record_off", assertError(off, 404, null).path("code").asText());
        assertTrue(off.body().contains("track.enabled"), off.body());
        assertEquals("model_not_found", assertError(client.get("/v1/models/nope/track-record"), 404, null).path("code").asText());
    }

    @Test
    void openapiDescribesEveryEndpoint() {
        HttpResponse<String> res = client.get("/openapi");
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        for (String path : List.of("openapi: 3", "/v1/predict:", "/v1/predict/csv:", "/invocations:", "/v1/model:",
                "/health/live:", "/health/ready:", "/ping:", "/health:", "/version:", "/metrics:", "/openapi:",
                "/v1/webhooks/mlflow:", "/v1/models:", "/v1/models/{name}:", "/v1/models/{name}/predict:",
                "/v1/models/{name}/predict/csv:", "/v1/feedback:", "/v1/feedback/summary:", "/v1/models/{name}/feedback:",
                "/v1/models/{name}/feedback/summary:", "/v1/track-record:", "/v1/models/{name}/track-record:", "TrackRecord:", "FeedbackSummary", "ModelRequired", "ApiError")) {
            assertTrue(res.body().contains(path), "expected " + path + " in /openapi");
        }
    }

    @Test
    void everyRouteAcceptsALongerHistoryUsesItsEndAndSaysHowManyClosesItUsed() {
        // DriftForecaster forecasts last + (last - first) / (n - 1) per step over the window it is given
        HttpResponse<String> longer = client.post("/v1/predict", "application/json",
                "{\"closes\": [500, 1, 1, 100, 101, 102, 103, 104], \"horizon\": 1}");
        assertEquals(200, longer.statusCode(), longer.body());
        JsonNode p = TestClient.json(longer);
        assertEquals(5, p.get("closes_used").asInt(), longer.body());
        HttpResponse<String> exact = client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104]}");
        assertEquals(TestClient.json(exact).get("predictions").get(0).asDouble(), p.get("predictions").get(0).asDouble(), 1e-12,
                "the last 5 of a longer history, not its start");
        HttpResponse<String> inv = client.post("/invocations", "application/json", "{\"inputs\": [500, 1, 1, 100, 101, 102, 103, 104]}");
        assertEquals(200, inv.statusCode(), inv.body());
        assertEquals(p.get("predictions").get(0).asDouble(), TestClient.json(inv).get("predictions").get(0).asDouble(), 1e-12);
        assertEquals("5", inv.headers().firstValue("X-Closes-Used").orElse(""), "invocations says it in a header");
        HttpResponse<String> dated = client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, 5, 6], "
                + "\"dates\": [\"2024-01-01\",\"2024-01-02\",\"2024-01-03\",\"2024-01-04\",\"2024-01-05\",\"2024-01-08\"]}");
        assertEquals(200, dated.statusCode(), dated.body());
        assertEquals("2024-01-09", TestClient.json(dated).get("dates").get(0).asText());
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        JsonNode e = assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5], \"horizn\": 5}"),
                400, "horizn");
        assertTrue(e.get("message").asText().contains("unknown field \"horizn\""), e.toString());
        assertTrue(e.get("message").asText().contains("[closes, dates, horizon]"), e.toString());
    }

    @Test
    void mlflowScoringServerProbesAnswer() {
        for (String path : List.of("/ping", "/health")) {
            HttpResponse<String> res = client.get(path);
            assertEquals(200, res.statusCode(), path + ": " + res.body());
            assertEquals("UP", TestClient.json(res).get("status").asText());
        }
        HttpResponse<String> v = client.get("/version");
        assertEquals(200, v.statusCode(), v.body());
        assertTrue(TestClient.json(v).hasNonNull("version"), v.body());
        assertError(client.post("/ping", "application/json", "{}"), 405, null);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405AsJson() {
        HttpResponse<String> nf = client.get("/v1/nothing-here");
        assertError(nf, 404, null);
        HttpResponse<String> na = client.get("/v1/predict");
        assertError(na, 405, null);
        assertEquals("POST", na.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void badWindowNamesTheField() {
        HttpResponse<String> res = client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3], \"horizon\": 1}");
        JsonNode err = assertError(res, 400, "closes");
        assertTrue(err.get("message").asText().contains("expected at least 5 prices"), res.body());
        assertTrue(err.get("message").asText().contains("found 3"), res.body());

        JsonNode h = assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, 5], \"horizon\": 11}"), 400, "horizon");
        assertTrue(h.get("message").asText().contains("1..10"), h.toString());
        JsonNode neg = assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, -3, 4, 5]}"), 400, "closes[2]");
        assertTrue(neg.get("message").asText().contains("-3"), neg.toString());
        assertError(client.post("/v1/predict", "application/json", "{\"horizon\": 2}"), 400, "closes");
        assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, 1e999]}"), 400, "closes[4]");
        assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, NaN]}"), 400, null);
        assertError(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, \"5\"]}"), 400, "closes[4]");
    }

    @Test
    void bodyOverTheLimitIs413AndWrongTypeIs415() {
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertError(client.post("/v1/predict", "application/json", big), 413, null);
        assertError(client.post("/invocations", "application/json", big), 413, null);
        JsonNode t = assertError(client.post("/v1/predict", "text/plain", "{}"), 415, null);
        assertTrue(t.get("message").asText().contains("application/json"), t.toString());
        assertError(client.post("/v1/predict/csv", "application/json", "{}"), 415, null);
        assertError(client.post("/invocations", "application/xml", "<a/>"), 415, null);
    }

    @Test
    void signedWebhookTriggersACheckAndBadOnesAreRefused() {
        WebhookVerifier signer = WebhookVerifier.create(SECRET, Duration.ofMinutes(5), java.time.Clock.systemUTC());
        String payload = "{\"entity\":\"model_version_alias\",\"action\":\"created\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                + "\"data\":{\"name\":\"" + TestModelSource.NAME + "\",\"alias\":\"production\",\"version\":\"1\"}}";
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        int before = source.resolves();
        HttpResponse<String> ok = client.post("/v1/webhooks/mlflow", "application/json", body,
                "X-MLflow-Delivery-Id", "d-1", "X-MLflow-Timestamp", ts, "X-MLflow-Signature", signer.sign("d-1", ts, body));
        assertEquals(202, ok.statusCode(), ok.body());
        assertTrue(TestClient.json(ok).get("check_triggered").asBoolean());
        TestClient.await("a check after the webhook", Duration.ofSeconds(10), () -> source.resolves() > before);

        HttpResponse<String> forged = client.post("/v1/webhooks/mlflow", "application/json", body,
                "X-MLflow-Delivery-Id", "d-2", "X-MLflow-Timestamp", ts, "X-MLflow-Signature", signer.sign("d-1", ts, body));
        assertError(forged, 401, null);
        String old = Long.toString(Instant.now().getEpochSecond() - 3600);
        assertError(client.post("/v1/webhooks/mlflow", "application/json", body,
                "X-MLflow-Delivery-Id", "d-3", "X-MLflow-Timestamp", old, "X-MLflow-Signature", signer.sign("d-3", old, body)),
                400, "X-MLflow-Timestamp");
        assertError(client.post("/v1/webhooks/mlflow", "application/json", body), 400, null);
    }

    public static HttpResponse<String> ok(HttpResponse<String> res) {
        assertEquals(200, res.statusCode(), res.body());
        return res;
    }

    /** Asserts the status and the JSON error shape; returns the inner error object. */
    public static JsonNode assertError(HttpResponse<String> res, int status, String field) {
        assertEquals(status, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), res.headers().toString());
        JsonNode err = TestClient.json(res).get("error");
        assertTrue(err != null && err.isObject(), "expected {\"error\": {...}}, found " + res.body());
        assertFalse(err.path("code").asText().isEmpty(), res.body());
        assertFalse(err.path("message").asText().isEmpty(), res.body());
        assertFalse(res.body().contains("\tat "), "no stack trace expected: " + res.body());
        if (field != null) {
            assertEquals(field, err.path("field").asText(), res.body());
        }
        return err;
    }

    static List<Double> doubles(JsonNode array) {
        List<Double> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }
}
