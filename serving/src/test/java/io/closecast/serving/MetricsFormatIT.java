package io.closecast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} passes {@code promtool check metrics} (Debian's promtool, installed when missing): no
 * findings at all, after requests on several routes, a prediction and a model load have filled every family.
 */
class MetricsFormatIT {

    @Test
    void metricsPassPromtoolCheckMetricsWithNoFinding() throws Exception {
        Path promtool = PrometheusIT.onPath("promtool");
        DebianPackages.ensure("the metrics format test (MetricsFormatIT)", List.of(promtool), "prometheus");
        // two models, so the families labelled model carry two series each (and one of them a refused version)
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).models(TestModelSource.NAME, "closecast-other").build();
        try (RunningService service = Main.start(config, List.of(new TestModelSource(5, 10, "1"),
                new TestModelSource("closecast-other", 5, 10, "2")))) {
            TestClient.await("models ready", Duration.ofSeconds(20), service.fleet()::ready);
            TestClient client = new TestClient(service.port());
            assertEquals(200, client.post("/v1/models/" + TestModelSource.NAME + "/predict", "application/json",
                    "{\"closes\": [1,2,3,4,5]}").statusCode());
            assertEquals(200, client.post("/v1/models/closecast-other/predict", "application/json",
                    "{\"closes\": [1,2,3,4,5]}").statusCode());
            assertEquals(400, client.post("/v1/models/closecast-other/predict", "application/json", "{}").statusCode());
            assertEquals(409, client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}").statusCode());
            client.get("/health/ready");
            HttpResponse<String> metrics = client.get("/metrics", "Accept", "text/plain");
            assertEquals(200, metrics.statusCode());
            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            check.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = check.waitFor();
            java.nio.file.Files.writeString(Path.of("target", "metrics-sample.txt"), metrics.body());
            assertEquals("", findings.strip(), "promtool check metrics found problems");
            assertEquals(0, exit, findings);
            for (String family : List.of("closecast_requests_total", "closecast_request_duration_seconds_bucket",
                    "closecast_model_alias_mismatch", "closecast_registry_up", "closecast_model_ready",
                    "closecast_model_ready{model=\"closecast-other\"", "closecast_predictions_total{model=\"closecast-other\"",
                    "jvm_memory_used_bytes")) {
                assertTrue(metrics.body().contains(family), "expected " + family + " in /metrics");
            }
        }
    }
}
