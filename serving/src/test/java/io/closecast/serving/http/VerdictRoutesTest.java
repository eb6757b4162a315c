package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;

import static io.closecast.serving.http.RoutesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

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
 * {@code GET /v1/model/verdict} and {@code /v1/models/{name}/verdict} through the service's routing, the forecast log
 * off, with the test model's metrics (MAE 0.42 against naive's 0.45 with no DM test; 80 % coverage without the
 * coverage tests): the words claim nothing the metrics do not test.
 */
@RoutingTest
class VerdictRoutesTest {

    static ModelFleet fleet;
    static ModelManager models;
    private final RouteClient client;

    VerdictRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    @SuppressWarnings("removal") // the registry Main uses (Helidon's MetricsObserver reports the global one)
    static void routing(HttpRouting.Builder routing) {
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200)).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        fleet = ModelFleet.create(List.of(new TestModelSource(5, 10, "4")), config.registry().loader(), metrics);
        fleet.start();
        models = fleet.all().iterator().next();
        Main.routing(routing, config, fleet, metrics);
    }

    @BeforeAll
    static void ready() {
        TestClient.await("model ready", Duration.ofSeconds(20), models::ready);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void theVerdictSaysWhatTheMetricsTestAndNoMore() {
        HttpResponse<String> res = client.get("/v1/model/verdict");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode v = TestClient.json(res);
        assertEquals(TestModelSource.NAME, v.get("model").asText());
        assertEquals("4", v.get("version").asText());
        assertEquals(0.05, v.get("alpha").asDouble());
        assertEquals("Test period MAE: 0.42 against naive's 0.45, no significance test recorded", v.at("/lines/0/text").asText());
        assertEquals("none", v.at("/lines/0/tone").asText());
        assertEquals("Intervals not tested for calibration (Kupiec, Christoffersen) at 80 %", v.at("/lines/1/text").asText());
        assertEquals("Live: no record, the forecast log is off (track.enabled: false)", v.at("/lines/2/text").asText());
        assertEquals(3, v.get("lines").size(), "no GARCH line without GARCH's score: " + v);
        assertEquals("none", v.at("/test/verdict").asText());
        assertEquals(0.42, v.at("/test/mae").asDouble());
        assertTrue(v.at("/test/dm_p").isNull(), v.toString());
        assertEquals(0.79, v.at("/intervals/levels/0/coverage").asDouble());
        assertEquals(10.25, v.at("/intervals/levels/0/constant_interval_score").asDouble());
        assertTrue(v.at("/intervals/levels/0/kupiec_p").isNull(), v.toString());
        assertEquals(0, v.at("/live/days").asInt());
        assertEquals("[]", v.at("/live/coverage").toString());
        assertTrue(v.get("challenger").isNull(), "no shadow alias, no challenger: " + v);
        assertEquals(v, TestClient.json(client.get("/v1/models/" + TestModelSource.NAME + "/verdict")));
    }

    @Test
    void anUnknownModelOrAnotherMethodIsRefused() {
        assertEquals("model_not_found", assertError(client.get("/v1/models/nope/verdict"), 404, null).path("code").asText());
        assertEquals(405, client.post("/v1/model/verdict", "application/json", "{}").statusCode());
        String openapi = client.get("/openapi").body();
        for (String expected : List.of("/v1/model/verdict:", "/v1/models/{name}/verdict:", "    Verdict:")) {
            assertTrue(openapi.contains(expected), "expected " + expected + " in /openapi");
        }
    }
}
