package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys: 401 without, 403 wrong, both header forms, open paths by config, rotation through the keys file. */
class SecurityIT {

    @TempDir
    Path dir;

    @Test
    void keysAreRequiredExceptOnOpenPathsAndRotateThroughTheFile() throws Exception {
        Path keysFile = dir.resolve("keys.txt");
        Files.writeString(keysFile, "# rotated daily\nfile-key-one\n");
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .apiKeys(List.of("fixed-key-a", "fixed-key-b")).apiKeysFile(keysFile).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient client = new TestClient(service.port());
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            String body = "{\"closes\": [1,2,3,4,5]}";

            RoutesTest.assertError(client.post("/v1/predict", "application/json", body), 401, null);
            RoutesTest.assertError(client.get("/v1/model"), 401, null);
            RoutesTest.assertError(client.post("/v1/predict", "application/json", body, "X-API-Key", "wrong"), 403, null);
            RoutesTest.assertError(client.post("/v1/predict", "application/json", body, "Authorization", "Bearer fixed-key-"), 403, null);
            RoutesTest.assertError(client.post("/v1/predict", "application/json", body, "Authorization", "Basic Zm9vOmJhcg=="), 401, null);
            assertEquals(200, client.post("/v1/predict", "application/json", body, "X-API-Key", "fixed-key-a").statusCode());
            assertEquals(200, client.post("/v1/predict", "application/json", body, "Authorization", "Bearer fixed-key-b").statusCode());
            assertEquals(200, client.get("/v1/model", "X-API-Key", "file-key-one").statusCode());
            // an unknown path needs a key too: no probing without one
            RoutesTest.assertError(client.get("/v9/secret"), 401, null); // (under /v2 the same 401 in the Open Inference Protocol's shape)

            assertEquals(200, client.get("/health/live").statusCode());
            assertEquals(200, client.get("/health/ready").statusCode());
            assertEquals(200, client.get("/metrics").statusCode());
            assertEquals(200, client.get("/openapi").statusCode());

            Files.writeString(keysFile, "rotated-key-number-two\n");
            TestClient.await("the old file key refused", Duration.ofSeconds(5),
                    () -> client.get("/v1/model", "X-API-Key", "file-key-one").statusCode() == 403);
            assertEquals(200, client.get("/v1/model", "X-API-Key", "rotated-key-number-two").statusCode());
            assertEquals(200, client.get("/v1/model", "X-API-Key", "fixed-key-a").statusCode());
        }
    }

    @Test
    void healthAndMetricsCanBeClosed() {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .apiKeys(List.of("k")).openHealth(false).openMetrics(false).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient client = new TestClient(service.port());
            RoutesTest.assertError(client.get("/metrics"), 401, null);
            RoutesTest.assertError(client.get("/health/ready"), 401, null);
            assertEquals(200, client.get("/metrics", "X-API-Key", "k").statusCode());
            assertEquals(200, client.get("/health/live", "X-API-Key", "k").statusCode());
        }
    }

    @Test
    void webhookIsRefusedWithoutASecret() {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            RoutesTest.assertError(new TestClient(service.port()).post("/v1/webhooks/mlflow", "application/json", "{}"), 403, null);
        }
    }
}
