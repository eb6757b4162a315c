package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.security.IssuedKeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * {@code /v1/keys} with the forecast log off ({@code track.enabled: false}): the keys are kept in
 * {@code security.issued-keys-file} (by default beside the config file), as the service's own wiring
 * ({@link Main#issuedKeys}) chooses; issuance, use, listing and revocation work as over the database, and the file
 * holds digests only. Without a file either, there is no store (the routes answer 404 {@code issued_keys_off}).
 */
@RoutingTest
class KeysFileRoutesTest {

    static final String ADMIN = "admin-key-for-file-tests";
    static Path file;
    static ModelFleet fleet;
    static IssuedKeys issued;
    private final RouteClient client;

    KeysFileRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    @SuppressWarnings("removal")
    static void routing(HttpRouting.Builder routing) throws Exception {
        file = Files.createTempDirectory("closecast-keys-file").resolve("issued-keys.json");
        TestModelSource source = new TestModelSource(5, 10, "1");
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200))
                .maxBodyBytes(1024 * 1024).apiKeys(List.of("prediction-key")).adminKeys(List.of(ADMIN))
                .trackEnabled(false).issuedKeysFile(file).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        fleet = ModelFleet.create(List.of(source), config.registry().loader(), metrics);
        fleet.start();
        issued = Main.issuedKeys(config.track(), config.security(), Clock.systemUTC()).orElseThrow();
        Main.routing(routing, config, fleet, metrics, Optional.empty(), Optional.of(issued));
    }

    @BeforeAll
    static void ready() {
        TestClient.await("model ready", Duration.ofSeconds(20), () -> fleet.first().ready());
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (issued != null) {
            issued.close();
        }
    }

    private HttpResponse<String> predict(String key) {
        return client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 1}",
                "X-API-Key", key);
    }

    @Test
    void theForecastLogOffKeysLiveInTheFileAsDigestsAndAreRevoked() throws Exception {
        HttpResponse<String> res = client.post("/v1/keys", "application/json", "{\"name\": \"ci-runner\"}", "X-API-Key", ADMIN);
        assertEquals(201, res.statusCode(), res.body());
        JsonNode made = TestClient.json(res);
        String key = made.get("key").asText();
        String id = made.get("id").asText();
        assertEquals(200, predict(key).statusCode(), "the issued key predicts");

        String stored = Files.readString(file);
        assertTrue(stored.contains("\"id\" : \"" + id + "\""), stored);
        assertFalse(stored.contains(key.substring(4)), "the key is never stored: " + stored);

        HttpResponse<String> listed = client.get("/v1/keys", "X-API-Key", ADMIN);
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains(id) && !listed.body().contains(key), listed.body());

        assertEquals(200, client.delete("/v1/keys/" + id, "X-API-Key", ADMIN).statusCode());
        assertEquals(403, predict(key).statusCode(), "revoked");
        assertTrue(Files.readString(file).contains("\"revoked_ms\" : 1"), "the revocation is in the file for the other replicas");
        assertEquals(404, client.delete("/v1/keys/" + id, "X-API-Key", ADMIN).statusCode());
    }

    @Test
    void withoutTheLogAndWithoutAFileThereIsNoStore() {
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME).trackEnabled(false).build();
        assertTrue(Main.issuedKeys(config.track(), config.security(), Clock.systemUTC()).isEmpty(),
                "a config built in code has no file beside it: /v1/keys answers 404 issued_keys_off");
    }
}
