package io.closecast.serving;

import io.closecast.model.DebianPackages;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} counts requests per route and status, with the model's and the JVM's meters, and passes {@code promtool check metrics} (Debian's promtool, installed when missing): no
 * findings at all, after requests on several routes, a prediction and a model load have filled every family.
 */
public class MetricsFormatIT {

    @Test
    void metricsPassPromtoolCheckMetricsWithNoFinding() throws Exception {
        Path promtool = PrometheusIT.onPath("promtool");
        DebianPackages.ensure("the metrics format test (MetricsFormatIT)", List.of(promtool), "prometheus");
        // two models, so the families labelled model carry two series each (and one of them a refused version)
        // adaptive intervals on for one of them: its predictions register closecast_aci_alpha
        // a forecast log of its own: feedback is scored there, and other tests' days must not mix with these
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).models(TestModelSource.NAME, "closecast-other")
                .adaptiveGamma(TestModelSource.NAME, 0.005)
                .trackDir(java.nio.file.Files.createTempDirectory("metrics-format-track")).build();
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
            // feedback for both models, with the same version number "3" and intervals: the online families carry
            // two series told apart by model
            for (String model : List.of(TestModelSource.NAME, "closecast-other")) {
                boolean other = model.equals("closecast-other"); // its forecast 4 off and its interval missing the close
                assertEquals(200, client.post("/v1/models/" + model + "/feedback", "application/json",
                        "{\"date\": \"2024-12-30\", \"actual\": 100, \"predicted\": " + (other ? 104 : 101)
                                + ", \"last\": 98, \"version\": \"3\", \"intervals\": [{\"level\": 0.8, \"lower\": " + (other ? 101 : 99)
                                + ", \"upper\": 106}]}")
                        .statusCode());
            }
            assertEquals(409, client.post("/v1/feedback", "application/json", "{}").statusCode());
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
                    "jvm_memory_used_bytes",
                    "closecast_online_mae{model=\"closecast-test\",scope=\"application\",version=\"3\",} 1.0",
                    "closecast_online_mae{model=\"closecast-other\",scope=\"application\",version=\"3\",} 4.0",
                    "closecast_online_naive_mae{model=\"closecast-other\",scope=\"application\",version=\"3\",} 2.0",
                    "closecast_online_mase{model=\"closecast-test\",scope=\"application\",version=\"3\",} 0.5",
                    "closecast_online_mase{model=\"closecast-other\",scope=\"application\",version=\"3\",} 2.0",
                    "closecast_online_coverage{level=\"0.8\",model=\"closecast-test\",scope=\"application\",version=\"3\",} 1.0",
                    "closecast_online_coverage{level=\"0.8\",model=\"closecast-other\",scope=\"application\",version=\"3\",} 0.0",
                    "closecast_online_coverage_reports{level=\"0.8\",model=\"closecast-other\",scope=\"application\",version=\"3\",} 1.0",
                    "closecast_feedback_total{model=\"closecast-other\",scope=\"application\",}",
                    "closecast_aci_alpha{level=\"0.8\",model=\"closecast-test\",scope=\"application\",version=\"1\",}",
                    "closecast_aci_alpha{level=\"0.95\",model=\"closecast-test\",scope=\"application\",version=\"1\",}",
                    "closecast_requests_total{route=\"/v1/models/{name}/feedback\",scope=\"application\",status=\"200\",}")) {
                assertTrue(metrics.body().contains(family), "expected " + family + " in /metrics:\n" + metrics.body());
            }
        }
    }

    @Test
    void metricsArePrometheusText() {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient client = new TestClient(service.port());
            long bad = service.metrics().requests("/v1/predict", 400);
            long other = service.metrics().requests(ServingMetrics.OTHER_ROUTE, 404);
            client.get("/no/such/path/" + System.nanoTime());
            RoutesTest.ok(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3, 4, 5], \"horizon\": 1}"));
            client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3], \"horizon\": 1}");
            // recorded by the filter right after the response is sent, so wait for it; the registry is JVM-wide and
            // other ITs' services in this JVM may still count requests, so at least our own must be there
            TestClient.await("the 400 counted", Duration.ofSeconds(5), () -> service.metrics().requests("/v1/predict", 400) >= bad + 1);
            TestClient.await("the unknown path counted as route=other", Duration.ofSeconds(5),
                    () -> service.metrics().requests(ServingMetrics.OTHER_ROUTE, 404) >= other + 1);
            HttpResponse<String> res = client.get("/metrics", "Accept", "text/plain");
            assertEquals(200, res.statusCode());
            String text = res.body();
            for (String expected : List.of(
                    "closecast_requests_total{route=\"/v1/predict\",scope=\"application\",status=\"200\",}",
                    "closecast_requests_total{route=\"/v1/predict\",scope=\"application\",status=\"400\",}",
                    "closecast_request_duration_seconds_bucket{route=\"/v1/predict\",scope=\"application\",le=\"0.001\",}",
                    "closecast_request_duration_seconds_count{route=\"/v1/predict\"",
                    "closecast_predictions_total{",
                    "closecast_model_load_duration_seconds_bucket{",
                    "closecast_model_info{model=\"closecast-test\",name=\"closecast-test\",run_id=\"run-1\",scope=\"application\",version=\"1\",} 1.0",
                    "closecast_model_ready{model=\"closecast-test\",scope=\"application\",} 1.0",
                    "closecast_model_reloads_total{model=\"closecast-test\",result=\"success\"",
                    "closecast_model_reloads_total{model=\"closecast-test\",result=\"failure\"",
                    "jvm_memory_used_bytes{area=\"heap\"",
                    "jvm_gc_collections_total{gc=")) {
                assertTrue(text.contains(expected), "expected " + expected + " in /metrics:\n" + text);
            }
        }
    }
}
