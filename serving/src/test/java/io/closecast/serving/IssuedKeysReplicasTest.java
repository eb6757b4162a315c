package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two running services (real sockets) sharing one forecast-log database (an H2 file, both in this JVM): a key issued
 * on one predicts on the other, a key revoked on one is refused by the other within a second, and no issued key
 * shows in the logs (slf4j's stderr and Helidon's JUL) or in either {@code /metrics}.
 */
class IssuedKeysReplicasTest {

    static final String ADMIN = "replicas-admin-key";

    @TempDir
    Path dir;

    private RunningService start(String version) {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).adminKeys(List.of(ADMIN)).apiKeys(List.of("replicas-prediction-key"))
                .trackEnabled(true).trackDir(dir).build();
        RunningService s = Main.start(config, new TestModelSource(5, 10, version));
        TestClient.await("model ready", Duration.ofSeconds(20), s.models()::ready);
        return s;
    }

    private static HttpResponse<String> predict(TestClient c, String key) {
        return c.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 1}",
                "X-API-Key", key);
    }

    @Test
    void revocationReachesTheOtherReplicaWithinASecondAndNoKeyIsLoggedOrMeasured() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(new TeeStream(err, captured), true, StandardCharsets.UTF_8));
        StringBuilder jul = new StringBuilder();
        Handler handler = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                jul.append(r.getMessage()).append(' ').append(r.getParameters() == null ? "" : List.of(r.getParameters()))
                        .append(r.getThrown() == null ? "" : r.getThrown().toString()).append('\n');
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(handler);
        try (RunningService a = start("1"); RunningService b = start("1")) {
            TestClient ca = new TestClient(a.port());
            TestClient cb = new TestClient(b.port());
            HttpResponse<String> made = ca.post("/v1/keys", "application/json", "{\"name\": \"replicated\"}", "X-API-Key", ADMIN);
            assertEquals(201, made.statusCode(), made.body());
            JsonNode json = TestClient.json(made);
            String key = json.get("key").asText();
            String id = json.get("id").asText();

            long issued = System.nanoTime();
            TestClient.await("the key accepted by the second replica", Duration.ofSeconds(1),
                    () -> predict(cb, key).statusCode() == 200);
            assertTrue(System.nanoTime() - issued < 1_000_000_000L);
            assertEquals(200, predict(ca, key).statusCode());
            assertEquals(403, predict(cb, key + "x").statusCode());
            HttpResponse<String> listed = cb.get("/v1/keys", "X-API-Key", ADMIN);
            assertTrue(listed.body().contains(id), "the other replica lists it: " + listed.body());

            HttpResponse<String> revoked = ca.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port()
                    + "/v1/keys/" + id)).DELETE(), "X-API-Key", ADMIN);
            assertEquals(200, revoked.statusCode(), revoked.body());
            long at = System.nanoTime();
            assertEquals(403, predict(ca, key).statusCode(), "refused at once where it was revoked");
            TestClient.await("the revoked key refused by the second replica", Duration.ofSeconds(1),
                    () -> predict(cb, key).statusCode() == 403);
            assertTrue(System.nanoTime() - at < 1_000_000_000L, "revocation seen within a second");

            for (TestClient c : List.of(ca, cb)) {
                HttpResponse<String> metrics = c.get("/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("/v1/keys"), "the key routes are measured");
                assertFalse(metrics.body().contains(key), "a key in /metrics");
                assertFalse(metrics.body().contains(key.substring(4, 20)), "part of a key in /metrics");
            }
            System.err.flush();
            String logs = captured.toString(StandardCharsets.UTF_8) + jul;
            assertTrue(logs.contains("API key issued: id " + id), "the capture sees the service's log: " + logs);
            assertFalse(logs.contains(key.substring(4, 20)), "an issued key in the logs");
        } finally {
            Logger.getLogger("").removeHandler(handler);
            System.setErr(err);
        }
    }

    /** Writes to both streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
