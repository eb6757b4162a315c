package io.closecast.serving.http;

import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/feedback} with the forecast log on: a reported close and the feed's close of the same model, symbol and
 * day count once, whichever came first; the track record's gauges are the source and the {@code closecast_online_*}
 * names their aliases. The service's test model (symbol MSFT) forecasts the last close + 1; the clock is fixed at
 * 2024-12-26 22:00 UTC.
 */
@RoutingTest
class FeedbackTrackRoutesTest {

    static final String MODEL = "closecast-feedback-track";
    static TrackedRoutes service;
    static Tracker tracker;
    static MeterRegistry trackRegistry;
    private final RouteClient client;

    FeedbackTrackRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        service = TrackedRoutes.start(routing, new TestModelSource(MODEL, 5, 10, "1"), MODEL, "feedback-track", PricesRoutesTest.CLOCK);
        tracker = service.tracker;
        trackRegistry = service.trackRegistry;
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

    private JsonNode feedback(String date, double actual, double predicted, double last, String version) {
        HttpResponse<String> r = client.post("/v1/feedback", "application/json", "{\"date\": \"" + date + "\", \"actual\": "
                + actual + ", \"predicted\": " + predicted + ", \"last\": " + last + ", \"version\": \"" + version
                + "\", \"intervals\": [{\"level\": 0.8, \"lower\": " + (predicted - 2) + ", \"upper\": " + (predicted + 2) + "}]}");
        assertEquals(200, r.statusCode(), r.body());
        return TestClient.json(r).get("accepted");
    }

    private JsonNode push(String date, double close) {
        HttpResponse<String> r = client.post("/v1/prices", "application/json",
                "{\"symbol\":\"MSFT\",\"bars\":[" + PricesRoutesTest.bar(date, close) + "]}");
        assertEquals(200, r.statusCode(), r.body());
        return TestClient.json(r);
    }

    /** A dated forecast of the closes 100..104 whose last input day is {@code lastDay}: 105 for the next trading day. */
    private void predict(String... days) {
        HttpResponse<String> r = client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104], "
                + "\"horizon\": 1, \"dates\": [\"" + String.join("\", \"", days) + "\"]}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(tracker.flush(Duration.ofSeconds(10)));
    }

    private JsonNode line(String version) {
        JsonNode record = TestClient.json(client.get("/v1/track-record"));
        for (JsonNode l : record.get("versions")) {
            if (l.get("version").asText().equals(version) && l.get("step").asInt() == 1) {
                return l;
            }
        }
        throw new AssertionError("no step 1 of version " + version + " in " + record);
    }

    private static double gauge(String name, Tag... tags) {
        return trackRegistry.gauge(name, List.of(tags)).orElseThrow(() -> new AssertionError("no gauge " + name + List.of(tags)))
                .value().doubleValue();
    }

    @Test
    void feedbackAndTheFeedCountEachDayOnce() {
        // 1. the feed first: the logged forecast for 2024-12-17 is scored from the pushed close; the same day reported
        // afterwards (another close, another forecast) adds nothing
        predict("2024-12-10", "2024-12-11", "2024-12-12", "2024-12-13", "2024-12-16");
        assertEquals(1, push("2024-12-17", 110).get("scored").asInt());
        JsonNode late = feedback("2024-12-17", 120, 105, 104, "1");
        assertFalse(late.get("counted").asBoolean(), late.toString());
        JsonNode v1 = line("1");
        assertEquals(1, v1.get("days").asInt(), v1.toString());
        assertEquals(5.0, v1.get("mae").asDouble(), 1e-9, "|110 - 105|, the feed's close and the logged forecast: " + v1);

        // 2. feedback first: a forecast the service did not log (version 7) is scored from the report; the feed's
        // close of that day afterwards is not stored (the first close stays) and scores nothing
        JsonNode first = feedback("2024-12-18", 100, 101, 98, "7");
        assertTrue(first.get("counted").asBoolean(), first.toString());
        JsonNode pushed = push("2024-12-18", 130);
        assertEquals(0, pushed.get("stored").asInt(), pushed.toString());
        assertEquals(0, pushed.get("scored").asInt(), pushed.toString());
        JsonNode again = feedback("2024-12-18", 100, 101, 98, "7");
        assertFalse(again.get("counted").asBoolean(), "the same report twice counts once: " + again);
        JsonNode v7 = line("7");
        assertEquals(1, v7.get("days").asInt(), v7.toString());
        assertEquals(1.0, v7.get("mae").asDouble(), 1e-9, v7.toString());

        // 3. a logged forecast still waiting for its close: the report brings the close, the logged forecast (asked
        // first) is the one scored, once
        predict("2024-12-12", "2024-12-13", "2024-12-16", "2024-12-17", "2024-12-18");
        JsonNode brings = feedback("2024-12-19", 107, 150, 104, "1");
        assertFalse(brings.get("counted").asBoolean(), brings.toString());
        v1 = line("1");
        assertEquals(2, v1.get("days").asInt(), v1.toString());
        assertEquals((5.0 + 2.0) / 2, v1.get("mae").asDouble(), 1e-9, "|107 - 105| from the logged forecast, not |107 - 150|: " + v1);

        // the track gauges are the source; the feedback-only names are their aliases (step 1)
        Tag model = Tag.create("model", MODEL);
        assertEquals(2.0, gauge("closecast_track_scored", model, Tag.create("version", "1"), Tag.create("step", "1")));
        // the reports' own figures would say (|120 - 105| + |107 - 150|) / 2 = 29
        assertEquals(3.5, gauge("closecast_online_mae", model, Tag.create("version", "1")), 1e-9);
        assertEquals(0.5, gauge("closecast_online_mase", model, Tag.create("version", "7")), 1e-9);
        assertEquals(1.0, gauge("closecast_online_coverage", model, Tag.create("version", "7"), Tag.create("level", "0.8")));
        assertEquals(1.0, gauge("closecast_online_coverage_reports", model, Tag.create("version", "7"), Tag.create("level", "0.8")));
    }
}
