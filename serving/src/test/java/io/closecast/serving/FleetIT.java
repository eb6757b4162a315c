package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.registry.MlflowModelSourceFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * One service for two registered models in a real MLflow registry, each a real (tiny) LSTM bundle: under load on
 * both, one model's promotion swaps it with no failed request while the other is untouched; a broken version of one is
 * refused while both keep serving; an unknown model is a 404 naming it; a restart while the registry is down serves
 * each model's last served version from the cache.
 */
class FleetIT extends RegistryTestBase {

    private static String version(RunningService service, String model) {
        return service.fleet().get(model).status().serving().map(ModelInfo::version).orElse("");
    }

    @Test
    void onePromotionUnderLoadLeavesTheOtherModelUntouchedAndABrokenVersionIsRefused() throws Exception {
        String a = RegistryFixture.unique("closecast-fleet-a");
        String b = RegistryFixture.unique("closecast-fleet-b");
        client.registry().createRegisteredModel(a);
        client.registry().createRegisteredModel(b);
        client.registry().setAlias(a, "production", fixture.register(client, a, false).number());
        client.registry().setAlias(b, "production", fixture.register(client, b, false).number());
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(uri).models(a, b)
                .pollInterval(Duration.ofMillis(100)).retryInitial(Duration.ofMillis(100)).retryMax(Duration.ofMillis(500))
                .modelCacheDir(work.resolve("cache")).build();
        try (RunningService service = Main.start(config, new MlflowModelSourceFactory().create(config, Map.of()))) {
            TestClient.await("both models ready", Duration.ofSeconds(60), service.fleet()::ready);
            assertEquals("1", version(service, a));
            assertEquals("1", version(service, b));
            ServingMetrics.ModelMeters metersB = service.metrics().model(b);
            long bLoads = metersB.reloadSuccesses();
            java.time.Instant bLoadedAt = service.fleet().get(b).status().serving().orElseThrow().loadedAt();
            String window = TestClient.predictBody(fixture.lastCloses(RegistryFixture.WINDOW), 1);

            AtomicBoolean run = new AtomicBoolean(true);
            Map<String, AtomicLong> ok = Map.of(a, new AtomicLong(), b, new AtomicLong());
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Map<String, Set<String>> seen = Map.of(a, ConcurrentHashMap.newKeySet(), b, ConcurrentHashMap.newKeySet());
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                String model = t % 2 == 0 ? a : b;
                TestClient http = new TestClient(service.port());
                clients.add(Thread.ofPlatform().start(() -> {
                    while (run.get()) {
                        HttpResponse<String> res = http.post("/v1/models/" + model + "/predict", "application/json", window);
                        if (res.statusCode() != 200) {
                            failures.add(model + ": " + res.statusCode() + " " + res.body());
                            continue;
                        }
                        JsonNode json = TestClient.json(res);
                        if (!json.at("/model/name").asText().equals(model) || !json.get("intervals").isArray()) {
                            failures.add(model + ": answered by " + res.body());
                        }
                        seen.get(model).add(json.at("/model/version").asText());
                        ok.get(model).incrementAndGet();
                    }
                }));
            }
            Thread.sleep(500);
            client.registry().setAlias(a, "production", fixture.register(client, a, false).number());
            TestClient.await(a + " v2 serving", Duration.ofSeconds(30), () -> version(service, a).equals("2"));
            Thread.sleep(500);
            long aFailures = service.metrics().model(a).reloadFailures();
            client.registry().setAlias(a, "production", fixture.register(client, a, true).number());
            TestClient.await(a + " v3 refused", Duration.ofSeconds(30),
                    () -> service.metrics().model(a).reloadFailures() > aFailures);
            Thread.sleep(500);
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }

            assertTrue(failures.isEmpty(), "expected no failed request, found " + failures.size() + ": " + failures.peek());
            assertTrue(ok.get(a).get() > 50 && ok.get(b).get() > 50, "expected steady load on both, found " + ok);
            assertEquals(Set.of("1", "2"), seen.get(a), "model a: v1, then v2; the broken v3 never answers");
            assertEquals(Set.of("1"), seen.get(b), "model b was not promoted");
            assertEquals("2", version(service, a), "a refused version must leave the working one serving");
            assertEquals("1", version(service, b));
            assertEquals(bLoads, metersB.reloadSuccesses(), "model b must not have been reloaded");
            assertEquals(0, metersB.reloadFailures());
            assertEquals(bLoadedAt, service.fleet().get(b).status().serving().orElseThrow().loadedAt());
            assertTrue(service.fleet().ready(), "a refused new version keeps the fleet ready: the old one serves");

            TestClient http = new TestClient(service.port());
            JsonNode models = TestClient.json(http.get("/v1/models")).get("models");
            assertEquals(a, models.get(0).get("name").asText());
            assertEquals("2", models.get(0).get("serving_version").asText());
            assertEquals("3", models.get(0).get("alias_points_at").asText());
            assertEquals("3", models.get(0).at("/refused/version").asText());
            assertTrue(models.get(0).at("/refused/reason").asText().contains("checksum"), models.toString());
            assertFalse(models.get(0).get("in_sync").asBoolean());
            assertEquals("1", models.get(1).get("serving_version").asText());
            assertTrue(models.get(1).get("in_sync").asBoolean());

            HttpResponse<String> unknown = http.post("/v1/models/closecast-nope/predict", "application/json", window);
            JsonNode err = RoutesTest.assertError(unknown, 404, null);
            assertTrue(err.get("message").asText().contains("closecast-nope"), unknown.body());
            RoutesTest.assertError(http.post("/v1/predict", "application/json", window), 409, null);

            String metrics = http.get("/metrics", "Accept", "text/plain").body();
            assertTrue(metrics.contains("closecast_model_info{model=\"" + a + "\",name=\"" + a + "\",run_id="), metrics);
            assertTrue(metrics.contains("closecast_model_alias_mismatch{model=\"" + a + "\",scope=\"application\",} 1.0"), metrics);
            assertTrue(metrics.contains("closecast_model_alias_mismatch{model=\"" + b + "\",scope=\"application\",} 0.0"), metrics);
            assertTrue(metrics.contains("closecast_model_reloads_total{model=\"" + a + "\",result=\"failure\",scope=\"application\",} 1.0"),
                    metrics);
            assertTrue(metrics.contains("closecast_requests_total{route=\"/v1/models/{name}/predict\",scope=\"application\",status=\"200\",}"),
                    metrics);
        }

        // a restart while the registry is down: each model serves the last version it verified and served, from the cache
        int deadPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        ServingConfig outage = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri("http://127.0.0.1:" + deadPort)
                .models(a, b).pollInterval(Duration.ofMillis(100)).retryInitial(Duration.ofMillis(100))
                .retryMax(Duration.ofMillis(500)).modelCacheDir(work.resolve("cache")).build();
        try (RunningService service = Main.start(outage, new MlflowModelSourceFactory().create(outage, Map.of()))) {
            TestClient.await("both models from the cache", Duration.ofSeconds(30), service.fleet()::ready);
            assertEquals("2", version(service, a), "the last version a served, not the refused v3");
            assertEquals("1", version(service, b));
            assertTrue(service.fleet().get(a).status().fromCache() && service.fleet().get(b).status().fromCache());
            HttpResponse<String> res = new TestClient(service.port()).post("/v1/models/" + b + "/predict", "application/json",
                    TestClient.predictBody(fixture.lastCloses(RegistryFixture.WINDOW), 1));
            assertEquals(200, res.statusCode(), res.body());
            assertEquals(b, TestClient.json(res).at("/model/name").asText());
        }
    }
}
