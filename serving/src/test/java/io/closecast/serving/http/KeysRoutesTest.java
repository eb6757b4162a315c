package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.security.IssuedKeys;
import io.closecast.serving.track.jdbc.JdbcKeyStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

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
 * {@code /v1/keys} through the service's routing: issuance (the key once), listing (never the key), revocation,
 * expiry, an admin key required (a prediction key, configured or issued, gets 403), bad input named. The issued keys
 * live in an in-memory H2 through {@link JdbcKeyStore}; their clock is the test's, so expiry needs no waiting.
 */
@RoutingTest
class KeysRoutesTest {

    static final String ADMIN = "admin-key-for-tests";
    static final String PREDICTION = "prediction-key-for-tests";
    static final String DB = "jdbc:h2:mem:keys-routes-test;DB_CLOSE_DELAY=-1";
    static final AtomicLong NOW = new AtomicLong(System.currentTimeMillis());
    static ModelFleet fleet;
    static IssuedKeys issued;
    private final RouteClient client;

    KeysRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    /** A clock the test moves: the issued keys' view of now. */
    static Clock clock() {
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(NOW.get());
            }
        };
    }

    @SetUpRoute
    @SuppressWarnings("removal")
    static void routing(HttpRouting.Builder routing) {
        TestModelSource source = new TestModelSource(5, 10, "1");
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200))
                .maxBodyBytes(1024 * 1024).apiKeys(List.of(PREDICTION)).adminKeys(List.of(ADMIN)).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        fleet = ModelFleet.create(List.of(source), config.registry().loader(), metrics);
        fleet.start();
        issued = IssuedKeys.create(JdbcKeyStore.open(DB, Optional.empty(), Optional.empty()), clock());
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

    private HttpResponse<String> issue(String body, String key) {
        return client.post("/v1/keys", "application/json", body, "X-API-Key", key);
    }

    private HttpResponse<String> predict(String key) {
        return client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 1}",
                "X-API-Key", key);
    }

    @Test
    void anIssuedKeyPredictsIsListedWithoutItselfAndIsRevoked() throws Exception {
        HttpResponse<String> res = issue("{\"name\": \"ci-runner\"}", ADMIN);
        assertEquals(201, res.statusCode(), res.body());
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
        JsonNode made = TestClient.json(res);
        String key = made.get("key").asText();
        String id = made.get("id").asText();
        assertTrue(key.matches("cck_[A-Za-z0-9_-]{43}"), "32 random bytes, URL-safe base64: " + key);
        assertEquals("ci-runner", made.get("name").asText());
        assertTrue(made.get("expires_at").isNull());
        assertNotEquals(key, TestClient.json(issue("{\"name\": \"ci-runner\"}", ADMIN)).get("key").asText(),
                "a second key is another key");

        assertEquals(200, predict(key).statusCode(), "the issued key predicts");
        assertEquals(403, predict("cck_not-a-key").statusCode());

        HttpResponse<String> listed = client.get("/v1/keys", "Authorization", "Bearer " + ADMIN);
        assertEquals(200, listed.statusCode(), listed.body());
        assertFalse(listed.body().contains(key), "the listing never shows a key: " + listed.body());
        JsonNode mine = null;
        for (JsonNode k : TestClient.json(listed).get("keys")) {
            if (k.get("id").asText().equals(id)) {
                mine = k;
            }
        }
        assertTrue(mine != null, listed.body());
        assertEquals("ci-runner", mine.get("name").asText());
        assertTrue(mine.get("created").isTextual());
        assertEquals(Instant.ofEpochMilli(NOW.get()).toString(), mine.get("last_used").asText(), "its use is recorded");

        // stored as its digest only
        try (Connection c = DriverManager.getConnection(DB);
             ResultSet rs = c.createStatement().executeQuery("SELECT * FROM closecast_api_key")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    String v = rs.getString(i);
                    assertFalse(v != null && v.contains(key.substring(4)), "the key is stored in column " + i);
                }
            }
        }

        HttpResponse<String> revoked = client.delete("/v1/keys/" + id, "X-API-Key", ADMIN);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(403, predict(key).statusCode(), "a revoked key is refused at once on the replica that revoked it");
        assertFalse(client.get("/v1/keys", "X-API-Key", ADMIN).body().contains(id), "a revoked key is not listed");
        HttpResponse<String> again = client.delete("/v1/keys/" + id, "X-API-Key", ADMIN);
        assertEquals(404, again.statusCode(), again.body());
        assertEquals("key_not_found", TestClient.json(again).at("/error/code").asText(), again.body());
    }

    @Test
    void anExpiredKeyIsRefused() {
        Instant expires = Instant.now().plus(Duration.ofHours(1));
        HttpResponse<String> res = issue("{\"name\": \"short\", \"expires_at\": \"" + expires + "\"}", ADMIN);
        assertEquals(201, res.statusCode(), res.body());
        String key = TestClient.json(res).get("key").asText();
        // kept to the millisecond, as the store keeps it (the request may carry finer digits)
        expires = expires.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        assertEquals(expires.toString(), TestClient.json(res).get("expires_at").asText());
        long was = NOW.get();
        try {
            NOW.set(expires.toEpochMilli() - 1);
            assertEquals(200, predict(key).statusCode(), "valid until its expiry");
            NOW.set(expires.toEpochMilli());
            assertEquals(403, predict(key).statusCode(), "refused from its expiry on");
        } finally {
            NOW.set(was);
        }
    }

    @Test
    void onlyAnAdminKeyManagesKeys() {
        for (String key : List.of(PREDICTION, issuedKey())) {
            HttpResponse<String> post = issue("{\"name\": \"x\"}", key);
            assertEquals(403, post.statusCode(), post.body());
            assertEquals("forbidden", TestClient.json(post).at("/error/code").asText(), post.body());
            assertTrue(post.body().contains("admin key"), post.body());
            assertEquals(403, client.get("/v1/keys", "X-API-Key", key).statusCode());
            assertEquals(403, client.delete("/v1/keys/key_0000", "X-API-Key", key).statusCode());
        }
        for (String key : List.of(PREDICTION, issuedKey())) {
            HttpResponse<String> push = client.post("/v1/prices", "application/json",
                    "{\"symbol\": \"MSFT\", \"bars\": []}", "X-API-Key", key);
            assertEquals(403, push.statusCode(), "a prediction key pushes no prices: " + push.body());
            assertTrue(push.body().contains("admin key"), push.body());
        }
        assertEquals(401, client.post("/v1/prices", "application/json", "{}").statusCode(), "no key pushes no prices");
        HttpResponse<String> none = client.get("/v1/keys");
        assertEquals(401, none.statusCode(), none.body());
        assertEquals(403, client.get("/v1/keys", "X-API-Key", "wrong").statusCode());
        assertEquals(200, predict(ADMIN).statusCode(), "an admin key is accepted everywhere");
        assertEquals(200, predict(PREDICTION).statusCode());
    }

    private String issuedKey() {
        return TestClient.json(issue("{\"name\": \"prediction\"}", ADMIN)).get("key").asText();
    }

    @Test
    void badInputIsNamed() {
        assertBad(issue("{}", ADMIN), "name");
        assertBad(issue("{\"name\": \"  \"}", ADMIN), "name");
        assertBad(issue("{\"name\": 7}", ADMIN), "name");
        assertBad(issue("{\"name\": \"" + "n".repeat(201) + "\"}", ADMIN), "name");
        assertBad(issue("{\"name\": \"a\", \"expires_at\": \"tomorrow\"}", ADMIN), "expires_at");
        assertBad(issue("{\"name\": \"a\", \"expires_at\": \"2001-01-01T00:00:00Z\"}", ADMIN), "expires_at");
        assertBad(issue("{\"name\": \"a\", \"scope\": \"all\"}", ADMIN), "scope");
        HttpResponse<String> malformed = issue("{\"name\": ", ADMIN);
        assertEquals(400, malformed.statusCode(), malformed.body());
        HttpResponse<String> type = client.post("/v1/keys", "text/plain", "name=a", "X-API-Key", ADMIN);
        assertEquals(415, type.statusCode(), type.body());
        HttpResponse<String> method = client.post("/v1/keys/key_1", "application/json", "{}", "X-API-Key", ADMIN);
        assertEquals(405, method.statusCode(), method.body());
        // a method the admin routes do not serve is 405 to any accepted key (as every route answers it), not 403
        HttpResponse<String> other = client.delete("/v1/keys", "X-API-Key", PREDICTION);
        assertEquals(405, other.statusCode(), other.body());
        assertEquals("GET, POST", other.headers().firstValue("Allow").orElse(""), other.body());
        assertEquals(401, client.delete("/v1/keys").statusCode(), "still no answer without a key");
    }

    @Test
    void theOpenapiDocumentDescribesTheKeyRoutes() {
        HttpResponse<String> res = client.get("/openapi");
        assertEquals(200, res.statusCode());
        for (String s : List.of("/v1/keys", "/v1/keys/{id}", "KeyRequest", "IssuedKeyWithSecret")) {
            assertTrue(res.body().contains(s), "expected " + s + " in /openapi");
        }
    }

    private static void assertBad(HttpResponse<String> res, String field) {
        assertEquals(400, res.statusCode(), res.body());
        JsonNode error = TestClient.json(res).get("error");
        assertEquals("invalid_field", error.get("code").asText(), res.body());
        assertTrue(error.get("message").asText().startsWith(field + ":"), res.body());
        assertEquals(field, error.get("field").asText(), res.body());
    }
}
