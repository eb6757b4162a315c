package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;
import io.closecast.serving.models.ModelInfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Versions move under load; the source is down or empty at start; a version that fails to load is refused. */
class HotSwapIT {

    private static ServingConfig config(Duration poll) {
        return ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(poll).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200)).build();
    }

    @Test
    void versionsMoveUnderLoadWithoutAFailedRequest() throws Exception {
        TestModelSource source = new TestModelSource(5, 10, "1");
        try (RunningService service = Main.start(config(Duration.ofMillis(50)), source)) {
            TestClient.await("v1 ready", Duration.ofSeconds(20), service.models()::ready);
            long failuresBefore = service.metrics().reloadFailures();
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                TestClient client = new TestClient(service.port());
                clients.add(Thread.ofPlatform().start(() -> {
                    while (run.get()) {
                        HttpResponse<String> res = client.post("/v1/predict", "application/json",
                                "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 2}");
                        if (res.statusCode() != 200) {
                            failures.add(res.statusCode() + " " + res.body());
                            continue;
                        }
                        String header = res.headers().firstValue("X-Model-Version").orElse("?");
                        JsonNode json = TestClient.json(res);
                        if (!header.equals(json.at("/model/version").asText()) || json.get("predictions").get(1).asDouble() != 106.0) {
                            failures.add("inconsistent answer " + header + " " + res.body());
                        }
                        seen.add(header);
                        ok.incrementAndGet();
                    }
                }));
            }
            Thread.sleep(300);
            source.pointAt("2");
            TestClient.await("v2 serving", Duration.ofSeconds(10), () -> version(service).equals("2"));
            Thread.sleep(300);
            source.failOnLoad("3").pointAt("3");
            TestClient.await("v3 refused", Duration.ofSeconds(10), () -> service.metrics().reloadFailures() > failuresBefore);
            Thread.sleep(300);
            assertEquals("2", version(service), "a version that fails to load must leave the old one serving");
            source.pointAt("4");
            TestClient.await("v4 serving", Duration.ofSeconds(10), () -> version(service).equals("4"));
            Thread.sleep(300);
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
            assertTrue(failures.isEmpty(), "expected no failed request, found " + failures.size() + ": " + failures.peek());
            assertTrue(ok.get() > 100, "expected a steady load, found only " + ok.get() + " requests");
            assertTrue(seen.containsAll(Set.of("1", "2", "4")), "expected versions 1, 2, 4 in X-Model-Version, found " + seen);
            assertFalse(seen.contains("3"), "v3 failed to load and must never answer");
            TestClient.await("v1 and v2 closed after their last requests", Duration.ofSeconds(10),
                    () -> source.loaded("1").closed() && source.loaded("2").closed());
            assertFalse(source.loaded("4").closed());
            assertTrue(service.models().status().lastFailure().orElse("").contains("checksum mismatch"),
                    String.valueOf(service.models().status().lastFailure()));

            String metrics = new TestClient(service.port()).get("/metrics").body();
            assertTrue(metrics.contains("closecast_model_info{model=\"closecast-test\",name=\"closecast-test\",run_id=\"run-4\",scope=\"application\",version=\"4\",} 1.0"), metrics);
            assertFalse(metrics.contains("run_id=\"run-2\""), "only the serving version has closecast_model_info");
        }
    }

    @Test
    void sourceDownAtStartThenUpBecomesReady() {
        TestModelSource source = new TestModelSource(5, 10, "7").down(true);
        try (RunningService service = Main.start(config(Duration.ofSeconds(30)), source)) {
            TestClient client = new TestClient(service.port());
            TestClient.await("a few failed resolves", Duration.ofSeconds(10), () -> source.resolves() >= 3);
            HttpResponse<String> notReady = client.get("/health/ready");
            assertEquals(503, notReady.statusCode(), notReady.body());
            assertEquals("DOWN", TestClient.json(notReady).get("status").asText());
            assertTrue(TestClient.json(notReady).get("reason").asText().contains("unreachable"), notReady.body());
            HttpResponse<String> predict = client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}");
            RoutesTest.assertError(predict, 503, null);
            assertEquals(503, client.get("/v1/model").statusCode());
            assertEquals(200, client.get("/health/live").statusCode());
            assertTrue(client.get("/metrics").body().contains("closecast_model_ready{model=\"closecast-test\",scope=\"application\",} 0.0"));

            source.down(false);
            TestClient.await("ready after the source came up", Duration.ofSeconds(10), service.models()::ready);
            HttpResponse<String> ready = client.get("/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("7", TestClient.json(ready).at("/model/version").asText());
            assertEquals(200, client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}").statusCode());
            assertTrue(client.get("/metrics").body().contains("closecast_model_ready{model=\"closecast-test\",scope=\"application\",} 1.0"));
        }
    }

    @Test
    void noVersionOrABrokenOnlyVersionKeepsItNotReadyWithTheReason() {
        TestModelSource source = new TestModelSource(5, 10, null);
        try (RunningService service = Main.start(config(Duration.ofSeconds(30)), source)) {
            TestClient client = new TestClient(service.port());
            TestClient.await("a resolve", Duration.ofSeconds(10), () -> source.resolves() >= 2);
            HttpResponse<String> none = client.get("/health/ready");
            assertEquals(503, none.statusCode());
            assertTrue(TestClient.json(none).get("reason").asText().contains("points at none"), none.body());

            source.failOnLoad("5").pointAt("5");
            TestClient.await("a failed load", Duration.ofSeconds(10),
                    () -> service.models().status().lastFailure().isPresent());
            HttpResponse<String> broken = client.get("/health/ready");
            assertEquals(503, broken.statusCode());
            assertTrue(TestClient.json(broken).get("reason").asText().contains("checksum mismatch"), broken.body());
            assertFalse(service.models().ready());
        }
    }

    private static String version(RunningService service) {
        return service.models().status().serving().map(ModelInfo::version).orElse("");
    }
}
