package io.closecast.serving.http;

import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;

import static io.closecast.serving.http.PricesRoutesTest.bar;
import static io.closecast.serving.http.RoutesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model of a B3 listing (PETR4.SA) with the forecast log on, the clock fixed at 2025-03-07 22:00 UTC: a forecast
 * made on the Friday before Carnival 2025 is dated on B3's calendar (Ash Wednesday, Thursday, Friday), a close pushed
 * for Carnival Monday is refused, and the realised closes of its target days score each of its steps.
 */
@RoutingTest
class B3TrackRoutesTest {

    static final Clock CLOCK = Clock.fixed(LocalDate.of(2025, 3, 7).atTime(22, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    static final String MODEL = "closecast-petr4";
    static TrackedRoutes service;
    private final RouteClient client;

    B3TrackRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        service = TrackedRoutes.start(routing, new TestModelSource(MODEL, 5, 10, "1").symbol("PETR4.SA"), MODEL,
                "b3-routes", CLOCK);
    }

    @BeforeAll
    static void ready() {
        service.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private HttpResponse<String> push(String... bars) {
        return client.post("/v1/prices", "application/json", "{\"symbol\":\"PETR4.SA\",\"bars\":[" + String.join(",", bars) + "]}");
    }

    @Test
    void aForecastBeforeCarnivalIsDatedAndScoredOnB3sDays() {
        HttpResponse<String> predicted = client.post("/v1/predict", "application/json",
                "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 3,"
                        + " \"dates\": [\"2025-02-24\", \"2025-02-25\", \"2025-02-26\", \"2025-02-27\", \"2025-02-28\"]}");
        assertEquals(200, predicted.statusCode(), predicted.body());
        JsonNode answer = TestClient.json(predicted);
        assertEquals("b3", answer.get("calendar").asText(), predicted.body());
        assertEquals("[\"2025-03-05\",\"2025-03-06\",\"2025-03-07\"]", answer.get("dates").toString(),
                "Carnival Monday and Tuesday skipped, Ash Wednesday trades");
        assertTrue(service.tracker.flush(Duration.ofSeconds(10)));

        JsonNode carnival = assertError(push(bar("2025-02-28", 104), bar("2025-03-03", 105)), 422, "bars[1].date");
        assertTrue(carnival.get("message").asText().contains("b3"), carnival.toString());

        HttpResponse<String> pushed = push(bar("2025-02-28", 104), bar("2025-03-05", 110.5), bar("2025-03-06", 106),
                bar("2025-03-07", 107));
        assertEquals(200, pushed.statusCode(), pushed.body());
        assertEquals(4, TestClient.json(pushed).get("stored").asInt(), pushed.body());
        assertEquals(3, TestClient.json(pushed).get("scored").asInt(), "each of its three steps: " + pushed.body());

        JsonNode record = TestClient.json(client.get("/v1/track-record"));
        assertEquals(3, record.at("/log/scored").asInt(), record.toString());
        JsonNode step1 = record.get("versions").get(0);
        assertEquals(1, step1.get("days").asInt(), record.toString());
        assertEquals(5.5, step1.get("mae").asDouble(), 1e-9, "step 1 on Ash Wednesday, |110.5 - 105|: " + record);
    }
}
