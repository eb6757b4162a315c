package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.intervals.ForecastInterval;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol as its users call it: NVIDIA Triton's Python client ({@code tritonclient[http]}, pinned
 * in {@code serving/src/test/python/requirements-peers.txt}, installed into a virtual environment by
 * {@code peers.sh}) against the running service with an API key: server and model health and metadata, inference
 * with the client's binary tensor data and with JSON, FP64 and FP32, one history and a batch, intervals asked through
 * {@code parameters}, requested outputs, a version in the path; and the client's exception for a wrong datatype, a
 * short shape, NaN (JSON and binary), an unknown model and a missing key.
 */
class OipIT {

    static final String KEY = "oip-it-key";

    @Test
    void tritonsClientCallsEveryRouteAndReadsTheForecastsAndErrors() throws Exception {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).apiKeys(List.of(KEY)).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
            JsonNode py = python("oip_check.py", "127.0.0.1:" + service.port(), KEY, TestModelSource.NAME);

            assertTrue(py.get("server_live").asBoolean(), py.toString());
            assertTrue(py.get("server_ready").asBoolean(), py.toString());
            assertEquals("closecast", py.at("/server_metadata/name").asText());
            assertTrue(py.get("model_ready").asBoolean(), py.toString());
            JsonNode meta = py.get("model_metadata");
            assertEquals("closes", meta.at("/inputs/0/name").asText(), meta.toString());
            assertEquals("FP64", meta.at("/inputs/0/datatype").asText(), meta.toString());
            assertEquals(5, meta.at("/parameters/window_length").asInt(), meta.toString());

            for (String call : List.of("one_binary_fp64", "one_json_fp64")) {
                JsonNode answer = py.get(call);
                assertEquals("1", answer.get("model_version").asText(), call);
                assertEquals("py-1", answer.get("id").asText(), call);
                assertEquals("[3]", answer.at("/forecast/shape").toString(), call);
                assertEquals(List.of(105.0, 106.0, 107.0), doubles(answer.at("/forecast/data")), call);
                assertTrue(answer.get("lower") == null, call + ": no intervals asked for, found " + answer);
            }
            double[][] batch = {{100, 101, 102, 103, 104}, {50, 50, 50, 50, 54}};
            List<Double> lower = new ArrayList<>();
            List<Double> upper = new ArrayList<>();
            for (double[] window : batch) {
                for (ForecastInterval interval : new DriftForecaster(DriftForecaster.info("m", "1", 5, 2))
                        .forecastWithIntervals(window, 2).intervals()) {
                    for (int h = 0; h < 2; h++) {
                        lower.add(interval.lower(h));
                        upper.add(interval.upper(h));
                    }
                }
            }
            JsonNode intervals = py.get("batch_json_fp32_intervals");
            assertEquals("[2,2]", intervals.at("/forecast/shape").toString());
            assertEquals(List.of(105.0, 106.0, 55.0, 56.0), doubles(intervals.at("/forecast/data")));
            assertEquals(List.of(0.8, 0.95), doubles(intervals.at("/levels/data")));
            assertEquals("[2,2,2]", intervals.at("/lower/shape").toString());
            assertEquals(lower, doubles(intervals.at("/lower/data")));
            assertEquals(upper, doubles(intervals.at("/upper/data")));
            JsonNode requested = py.get("batch_binary_fp32_outputs");
            assertEquals(List.of(105.0, 106.0, 55.0, 56.0), doubles(requested.at("/forecast/data")));
            assertEquals(upper, doubles(requested.at("/upper/data")));
            assertTrue(requested.get("lower") == null, "only forecast and upper were asked for: " + requested);

            JsonNode errors = py.get("errors");
            expect(errors, "datatype", "400", "inputs[0].datatype: expected FP64 or FP32, found the string \"INT32\"");
            expect(errors, "shape", "400", "inputs[0].shape[0]: expected at least 5 closes (the model's window length), found 3");
            expect(errors, "nan", "400", "inputs[0].data[2]: expected a finite number > 0, found \"NaN\"");
            expect(errors, "nan_binary", "400", "inputs[0].data[2]: expected a finite number > 0, found \"NaN\"");
            expect(errors, "unknown_model", "404", "model: expected one of the served models");
            expect(errors, "no_key", "401", "X-API-Key: expected an API key");

            String metrics = new TestClient(service.port()).get("/metrics").body();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("closecast_requests_total{")
                            && l.contains("route=\"/v2/models/{name}/infer\"") && l.contains("status=\"200\"")),
                    "expected inferences counted under their route template, found:\n" + metrics.lines()
                            .filter(l -> l.contains("/v2")).toList());
        }
    }

    private static void expect(JsonNode errors, String call, String status, String message) {
        JsonNode e = errors.get(call);
        assertEquals(status, e.path("status").asText(), call + ": " + e);
        assertTrue(e.path("message").asText().startsWith(message), call + ": expected a message starting " + message + ", found " + e);
    }

    private static List<Double> doubles(JsonNode array) {
        assertTrue(array != null && array.isArray(), "expected an array, found " + array);
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    /**
     * Runs {@code serving/src/test/python/SCRIPT ARGS} in the peers' virtual environment ({@code peers.sh} makes it on
     * first use from the pinned requirements); its {@code CLOSECAST_JSON} line.
     */
    static JsonNode python(String script, String... args) throws IOException, InterruptedException {
        Path dir = RegistryFixture.root().resolve("serving/src/test/python");
        List<String> command = new ArrayList<>(List.of("bash", dir.resolve("peers.sh").toString(), "python",
                dir.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish in 10 minutes");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), script + " failed:\n" + text);
        String line = text.lines().filter(l -> l.startsWith("CLOSECAST_JSON ")).findFirst()
                .orElseThrow(() -> new AssertionError("expected a CLOSECAST_JSON line from " + script + ", found:\n" + text));
        return TestClient.MAPPER.readTree(line.substring("CLOSECAST_JSON ".length()));
    }
}
