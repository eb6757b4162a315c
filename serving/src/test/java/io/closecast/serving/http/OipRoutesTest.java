package io.closecast.serving.http;

import io.closecast.serving.DriftForecaster;
import io.closecast.serving.Main;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.intervals.ForecastInterval;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol routes ({@link OipService}) through the service's routing with a test model (window 5,
 * max horizon 10, drift forecast) and an API key: health, metadata, readiness, inference (JSON and binary tensors, one
 * history and a batch, with and without intervals) and the protocol's error body for malformed tensors.
 */
@RoutingTest
class OipRoutesTest {

    static final String KEY = "oip-test-key";
    static final String INFER = "/v2/models/" + TestModelSource.NAME + "/infer";
    static ModelFleet fleet;
    static ModelManager models;
    static ServingMetrics metrics;
    private final RouteClient client;

    OipRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    @SuppressWarnings("removal") // the registry Main uses (Helidon's MetricsObserver reports the global one)
    static void routing(HttpRouting.Builder routing) {
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME).apiKeys(List.of(KEY))
                .pollInterval(Duration.ofMinutes(10)).maxBodyBytes(1024 * 1024).build();
        metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        fleet = ModelFleet.create(List.of(new TestModelSource(5, 10, "1")), config.registry().loader(), metrics);
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

    private HttpResponse<String> infer(String body) {
        return client.post(INFER, "application/json", body, "X-API-Key", KEY);
    }

    private static JsonNode output(JsonNode answer, String name) {
        for (JsonNode o : answer.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("expected an output " + name + ", found " + answer);
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    @Test
    void healthAndMetadataNameTheInputTheOutputsAndTheWindow() {
        HttpResponse<String> live = client.get("/v2/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertEquals("{\"live\":true}", live.body());
        assertEquals(200, client.get("/v2/health/ready").statusCode());
        assertEquals("closecast", TestClient.json(client.get("/v2")).get("name").asText());

        HttpResponse<String> meta = client.get("/v2/models/" + TestModelSource.NAME, "X-API-Key", KEY);
        assertEquals(200, meta.statusCode(), meta.body());
        JsonNode json = TestClient.json(meta);
        assertEquals(TestModelSource.NAME, json.get("name").asText());
        assertEquals("[\"1\"]", json.get("versions").toString());
        assertEquals("closes", json.at("/inputs/0/name").asText());
        assertEquals("FP64", json.at("/inputs/0/datatype").asText());
        assertEquals("[-1,-1]", json.at("/inputs/0/shape").toString());
        assertEquals(List.of("forecast", "levels", "lower", "upper"),
                List.of(json.at("/outputs/0/name").asText(), json.at("/outputs/1/name").asText(),
                        json.at("/outputs/2/name").asText(), json.at("/outputs/3/name").asText()));
        assertEquals(5, json.at("/parameters/window_length").asInt());
        assertEquals(10, json.at("/parameters/max_horizon").asInt());

        HttpResponse<String> ready = client.get("/v2/models/" + TestModelSource.NAME + "/ready", "X-API-Key", KEY);
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("{\"name\":\"" + TestModelSource.NAME + "\",\"ready\":true}", ready.body());
        assertEquals(200, client.get("/v2/models/" + TestModelSource.NAME + "/versions/1/ready", "X-API-Key", KEY).statusCode());
        HttpResponse<String> other = client.get("/v2/models/" + TestModelSource.NAME + "/versions/7/ready", "X-API-Key", KEY);
        assertEquals(404, other.statusCode(), other.body());
        assertTrue(TestClient.json(other).get("error").asText().startsWith("version: expected 1"), other.body());
    }

    @Test
    void inferForecastsOneHistoryAsPredictDoes() {
        HttpResponse<String> res = infer("{\"id\": \"r1\", \"parameters\": {\"horizon\": 3}, \"inputs\": [{\"name\": \"closes\","
                + " \"datatype\": \"FP64\", \"shape\": [6], \"data\": [1, 100, 101, 102, 103, 104]}]}");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        assertEquals(TestModelSource.NAME, json.get("model_name").asText());
        assertEquals("1", json.get("model_version").asText());
        assertEquals("r1", json.get("id").asText());
        assertEquals(1, json.get("outputs").size(), "no intervals asked for: " + res.body());
        JsonNode forecast = output(json, "forecast");
        assertEquals("FP64", forecast.get("datatype").asText());
        assertEquals("[3]", forecast.get("shape").toString());
        // the last 5 closes are the window (the leading 1 is history before it): drift 1 a day
        assertEquals(List.of(105.0, 106.0, 107.0), doubles(forecast.get("data")));
        assertEquals("5", res.headers().firstValue("X-Closes-Used").orElse(""));
    }

    @Test
    void aBatchNestedOrFlatAndItsIntervalsAreEachHistorysForecast() {
        String nested = "[[100, 101, 102, 103, 104], [50, 50, 50, 50, 54]]";
        String flat = "[100, 101, 102, 103, 104, 50, 50, 50, 50, 54]";
        for (String data : List.of(nested, flat)) {
            HttpResponse<String> res = infer("{\"parameters\": {\"horizon\": 2, \"intervals\": true}, \"inputs\": [{\"name\":"
                    + " \"closes\", \"datatype\": \"FP32\", \"shape\": [2, 5], \"data\": " + data + "}]}");
            assertEquals(200, res.statusCode(), res.body());
            JsonNode json = TestClient.json(res);
            JsonNode forecast = output(json, "forecast");
            assertEquals("[2,2]", forecast.get("shape").toString());
            assertEquals(List.of(105.0, 106.0, 55.0, 56.0), doubles(forecast.get("data")));
            assertEquals(List.of(0.8, 0.95), doubles(output(json, "levels").get("data")));
            assertEquals("[2,2,2]", output(json, "lower").get("shape").toString());
            List<Double> lower = new ArrayList<>();
            List<Double> upper = new ArrayList<>();
            for (double[] window : List.of(new double[] {100, 101, 102, 103, 104}, new double[] {50, 50, 50, 50, 54})) {
                for (ForecastInterval interval : new DriftForecaster(DriftForecaster.info("m", "1", 5, 2))
                        .forecastWithIntervals(window, 2).intervals()) {
                    for (int h = 0; h < 2; h++) {
                        lower.add(interval.lower(h));
                        upper.add(interval.upper(h));
                    }
                }
            }
            assertEquals(lower, doubles(output(json, "lower").get("data")));
            assertEquals(upper, doubles(output(json, "upper").get("data")));
        }
    }

    @Test
    void binaryTensorDataIsReadAsTheClientsSendIt() {
        String header = "{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP64\", \"shape\": [5], "
                + "\"parameters\": {\"binary_data_size\": 40}}], \"outputs\": [{\"name\": \"forecast\", \"parameters\": {\"binary_data\": true}}]}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(json.length + 40).order(ByteOrder.LITTLE_ENDIAN).put(json);
        for (double v : new double[] {10, 12, 14, 16, 18}) {
            body.putDouble(v);
        }
        HttpResponse<String> res = client.post(INFER, null, body.array(), "X-API-Key", KEY,
                "Inference-Header-Content-Length", Integer.toString(json.length));
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(List.of(20.0), doubles(output(TestClient.json(res), "forecast").get("data")));
    }

    /** 400 with the protocol's error body: one field, {@code error}, a string naming what was wrong. */
    private void refused(String body, String expected) {
        HttpResponse<String> res = infer(body);
        assertEquals(400, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        assertEquals(1, json.size(), res.body());
        assertTrue(json.get("error").isTextual(), res.body());
        assertTrue(json.get("error").asText().startsWith(expected), "expected an error starting " + expected + ", found " + res.body());
    }

    @Test
    void malformedTensorsAre400WithTheProtocolsErrorBody() {
        String tensor = "{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"%s\", \"shape\": %s, \"data\": %s}]}";
        refused(tensor.formatted("INT32", "[5]", "[1, 2, 3, 4, 5]"),
                "inputs[0].datatype: expected FP64 or FP32, found the string \"INT32\"");
        refused(tensor.formatted("BYTES", "[5]", "[1, 2, 3, 4, 5]"), "inputs[0].datatype: expected FP64 or FP32");
        refused(tensor.formatted("FP64", "[4]", "[1, 2, 3, 4]"),
                "inputs[0].shape[0]: expected at least 5 closes (the model's window length), found 4");
        refused(tensor.formatted("FP64", "[1, 1, 5]", "[1, 2, 3, 4, 5]"), "inputs[0].shape: expected [n]");
        refused(tensor.formatted("FP64", "[6]", "[1, 2, 3, 4, 5]"),
                "inputs[0].data: expected 6 numbers (the shape's [6]), found 5");
        refused(tensor.formatted("FP64", "[2, 5]", "[[1, 2, 3, 4, 5]]"), "inputs[0].data: expected 2 rows");
        refused(tensor.formatted("FP64", "[5]", "[1, 2, NaN, 4, 5]"),
                "inputs[0].data[2]: expected a finite number > 0, found \"NaN\"");
        refused(tensor.formatted("FP32", "[2, 5]", "[[1, 2, 3, 4, 5], [1, 2, 3, 4, Infinity]]"),
                "inputs[0].data[9] (history 1, close 4): expected a finite number > 0");
        refused(tensor.formatted("FP64", "[5]", "[1, 2, 3, -4, 5]"), "inputs[0].data[3]: expected a price > 0, found -4.0");
        refused(tensor.formatted("FP64", "[5]", "[1, 2, \"3\", 4, 5]"), "inputs[0].data[2]: expected a number > 0, found the string");
        refused("{\"inputs\": [{\"name\": \"prices\", \"datatype\": \"FP64\", \"shape\": [5], \"data\": [1, 2, 3, 4, 5]}]}",
                "inputs[0].name: expected \"closes\"");
        refused("{\"parameters\": {\"horizon\": 11}, \"inputs\": []}", "parameters.horizon: expected an integer 1..10");
        refused("{\"parameters\": {\"sequence_id\": 3}, \"inputs\": []}", "parameters.sequence_id: expected only parameters");
        refused("{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP64\", \"shape\": [5], \"data\": [1, 2, 3, 4, 5]}],"
                + " \"outputs\": [{\"name\": \"median\"}]}", "outputs[0].name: expected one of [forecast, levels, lower, upper]");
        refused("{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP64\", \"shape\": [5], \"data\": [1, 2, NaN",
                "expected well-formed JSON");
        // binary data: NaN among the bytes, and a size that is not the shape's
        byte[] json = "{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP32\", \"shape\": [5], \"parameters\": {\"binary_data_size\": 20}}]}"
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(json.length + 20).order(ByteOrder.LITTLE_ENDIAN).put(json);
        for (float v : new float[] {1, 2, Float.NaN, 4, 5}) {
            body.putFloat(v);
        }
        HttpResponse<String> nan = client.post(INFER, null, body.array(), "X-API-Key", KEY,
                "Inference-Header-Content-Length", Integer.toString(json.length));
        assertEquals(400, nan.statusCode(), nan.body());
        assertTrue(TestClient.json(nan).get("error").asText().startsWith("inputs[0].data[2]: expected a finite number > 0"), nan.body());
        HttpResponse<String> size = client.post(INFER, null, java.util.Arrays.copyOf(body.array(), json.length + 16), "X-API-Key", KEY,
                "Inference-Header-Content-Length", Integer.toString(json.length));
        assertEquals(400, size.statusCode(), size.body());
        assertTrue(TestClient.json(size).get("error").asText().contains("binary_data_size: expected the 20 bytes"), size.body());
    }

    @Test
    void errorsOutsideTheTensorSpeakTheProtocolToo() {
        String body = "{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP64\", \"shape\": [5], \"data\": [1, 2, 3, 4, 5]}]}";
        HttpResponse<String> noKey = client.post(INFER, "application/json", body);
        assertEquals(401, noKey.statusCode(), noKey.body());
        assertTrue(TestClient.json(noKey).get("error").asText().startsWith("X-API-Key: expected an API key"), noKey.body());
        HttpResponse<String> unknown = client.post("/v2/models/nope/infer", "application/json", body, "X-API-Key", KEY);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(TestClient.json(unknown).get("error").asText().contains("found \"nope\""), unknown.body());
        HttpResponse<String> get = client.get(INFER, "X-API-Key", KEY);
        assertEquals(405, get.statusCode(), get.body());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertTrue(TestClient.json(get).get("error").isTextual(), get.body());
        HttpResponse<String> csv = client.post(INFER, "text/csv", "1,2,3", "X-API-Key", KEY);
        assertEquals(415, csv.statusCode(), csv.body());
        assertTrue(TestClient.json(csv).get("error").isTextual(), csv.body());
        // the other routes keep their own error shape
        HttpResponse<String> v1 = client.post("/v1/predict", "application/json", "{}", "X-API-Key", KEY);
        assertEquals("invalid_field", TestClient.json(v1).at("/error/code").asText(), v1.body());
    }

    @Test
    void theOpenApiDocumentStatesTheLoadedModelsLimitsAndOtherMethodsAre405() {
        HttpResponse<String> doc = client.get("/openapi");
        assertEquals(200, doc.statusCode());
        assertTrue(!doc.body().contains("__WINDOW_LENGTH__") && !doc.body().contains("__MAX_HORIZON__")
                && !doc.body().contains("__PRICE_COLUMN__"), "every placeholder filled in");
        assertTrue(doc.body().contains("closes: {type: array, minItems: 5,"), "closes at least the window (5)");
        assertTrue(doc.body().contains("horizon: {type: integer, minimum: 1, maximum: 10,"), "horizon at most 10");
        assertTrue(doc.body().contains("/v2/models/{name}/infer:"), "the Open Inference Protocol documented");
        for (String path : List.of("/metrics", "/openapi", "/health/live")) {
            HttpResponse<String> res = client.post(path, "application/json", "{}", "X-API-Key", KEY);
            assertEquals(405, res.statusCode(), path + ": " + res.body());
            assertEquals("GET", res.headers().firstValue("Allow").orElse(""), path);
        }
    }

    @Test
    void pricesOutsideOneMillionthToOneBillionAreRefusedByName() {
        String tensor = "{\"inputs\": [{\"name\": \"closes\", \"datatype\": \"FP64\", \"shape\": [5], \"data\": %s}]}";
        refused(tensor.formatted("[1, 2, 3, 4, 2e9]"), "inputs[0].data[4]: expected a price <= 1e9");
        refused(tensor.formatted("[1, 2, 1e-9, 4, 5]"), "inputs[0].data[2]: expected a price >= 1e-6");
        HttpResponse<String> v1 = client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, 1.7e308]}",
                "X-API-Key", KEY);
        assertEquals(400, v1.statusCode(), v1.body());
        assertEquals("closes[4]", TestClient.json(v1).at("/error/field").asText(), v1.body());
    }

    @Test
    void requestsAreCountedUnderTheirRouteTemplate() {
        assertEquals("/v2/models/{name}/infer", metrics.routeLabel(INFER));
        assertEquals("/v2/models/{name}/versions/{version}/infer", metrics.routeLabel("/v2/models/x/versions/3/infer"));
        assertEquals("/v2/models/{name}", metrics.routeLabel("/v2/models/x"));
        assertEquals("/v2/health/ready", metrics.routeLabel("/v2/health/ready"));
    }
}
