package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecast log's store down (a PostgreSQL URL nobody answers): every forecast is still answered, readiness stays
 * UP and says the store is down and why, forecasts beyond the queue are counted as not written, and the track record
 * answers 503 naming the store, not 500.
 */
class TrackStoreDownIT {

    @TempDir
    Path dir;

    @Test
    void theServiceKeepsAnsweringAndSaysTheStoreIsDown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .trackUrl("jdbc:postgresql://127.0.0.1:" + closed + "/closecast?connectTimeout=1")
                .trackQueueCapacity(20).trackBatchSize(5).trackPricesDir(dir).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient http = new TestClient(service.port());
            String body = "{\"closes\": [100, 101, 102, 103, 104], \"dates\": [\"2024-12-02\", \"2024-12-03\", "
                    + "\"2024-12-04\", \"2024-12-05\", \"2024-12-06\"], \"horizon\": 2}";
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> res = http.post("/v1/predict", "application/json", body);
                assertEquals(200, res.statusCode(), res.body());
            }
            TestClient.await("the store reported down", Duration.ofSeconds(20),
                    () -> !service.tracker().orElseThrow().status().log().storeUp());
            HttpResponse<String> ready = http.get("/health/ready");
            assertEquals(200, ready.statusCode(), "readiness does not depend on the forecast log: " + ready.body());
            JsonNode log = TestClient.json(ready).get("forecast_log");
            assertFalse(log.get("store_up").asBoolean(), ready.body());
            assertTrue(log.get("error").asText().contains("127.0.0.1:" + closed), ready.body());
            assertEquals(0, log.get("written").asInt());
            // 50 offered to a queue of 20 while the writer retries the batch it took first (1 to 5 forecasts, by timing:
            // a batch fills for up to 200 ms, up to track.batch-size): the queue is full and the rest, 25 to 29, is
            // counted as not written
            assertEquals(20, log.get("queued").asInt(), ready.body());
            long notWritten = log.get("not_written").asLong();
            assertTrue(notWritten >= 25 && notWritten <= 29, "expected the forecasts beyond the queue counted as not written, found "
                    + notWritten + ": " + ready.body());
            assertTrue(http.get("/metrics").body().contains("closecast_forecast_log_store_up{scope=\"application\",} 0.0"));

            HttpResponse<String> record = http.get("/v1/track-record");
            assertEquals(503, record.statusCode(), record.body());
            assertEquals("track_store_unavailable", TestClient.json(record).at("/error/code").asText(), record.body());
            // the model card still answers; its live line says the store does not answer
            HttpResponse<String> verdict = http.get("/v1/model/verdict");
            assertEquals(200, verdict.statusCode(), verdict.body());
            assertTrue(TestClient.json(verdict).at("/lines/2/text").asText()
                    .startsWith("Live: record unavailable (the forecast log's store does not answer"), verdict.body());
        }
    }
}
