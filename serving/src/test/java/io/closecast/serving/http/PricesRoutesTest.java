package io.closecast.serving.http;

import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.track.Tracker;

import static io.closecast.serving.http.RoutesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/prices} through the service's routing with a forecast log (an H2 file) and a clock fixed at
 * 2024-12-26 22:00 UTC: each refusal names its field and stores nothing (the good bar pushed beside the bad one is
 * new when pushed alone afterwards); an accepted push scores a logged forecast as the price directory would.
 */
@RoutingTest
class PricesRoutesTest {

    static final Clock CLOCK = Clock.fixed(LocalDate.of(2024, 12, 26).atTime(22, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    static TrackedRoutes service;
    static Tracker tracker;
    static Path dir;
    static io.helidon.metrics.api.MeterRegistry trackRegistry;
    private final RouteClient client;

    PricesRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        service = TrackedRoutes.start(routing, new TestModelSource(5, 10, "1"), TestModelSource.NAME, "prices-routes", CLOCK);
        tracker = service.tracker;
        dir = service.dir;
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

    static String bar(String date, double close) {
        return "{\"date\":\"" + date + "\",\"open\":" + close + ",\"high\":" + (close + 1) + ",\"low\":" + (close - 1)
                + ",\"close\":" + close + ",\"volume\":1000}";
    }

    private HttpResponse<String> push(String symbol, String... bars) {
        return client.post("/v1/prices", "application/json",
                "{\"symbol\":\"" + symbol + "\",\"bars\":[" + String.join(",", bars) + "]}");
    }

    static double gauge(String name, List<io.helidon.metrics.api.Tag> tags) {
        return trackRegistry.gauge(name, tags).orElseThrow(() -> new AssertionError("no gauge " + name + tags))
                .value().doubleValue();
    }

    /** The good bar refused beside a bad one was not stored: pushed alone it is new. */
    private void storedOnlyNow(String goodBar) {
        HttpResponse<String> alone = push("MSFT", goodBar);
        assertEquals(200, alone.statusCode(), alone.body());
        assertEquals(1, TestClient.json(alone).get("stored").asInt(), "nothing was stored by the refused push: " + alone.body());
    }

    @Test
    void aNegativePriceIsRefusedByName() {
        String good = bar("2024-12-02", 100);
        String negative = "{\"date\":\"2024-12-03\",\"open\":100,\"high\":101,\"low\":99,\"close\":-100.5,\"volume\":1000}";
        JsonNode err = assertError(push("MSFT", good, negative), 400, "bars[1].close");
        assertTrue(err.get("message").asText().contains("-100.5"), err.toString());
        storedOnlyNow(good);
    }

    @Test
    void aDateInTheFutureIsRefusedByName() {
        String good = bar("2024-12-03", 100);
        JsonNode err = assertError(push("MSFT", good, bar("2024-12-27", 101)), 422, "bars[1].date");
        assertEquals("bar_refused", err.get("code").asText());
        assertTrue(err.get("message").asText().contains("2024-12-26"), "today is named: " + err);
        storedOnlyNow(good);
    }

    @Test
    void aNonTradingDayIsRefusedByName() {
        String good = bar("2024-12-04", 100);
        JsonNode err = assertError(push("MSFT", good, bar("2024-12-25", 101)), 422, "bars[1].date");
        assertTrue(err.get("message").asText().contains("trading day"), err.toString());
        JsonNode saturday = assertError(push("MSFT", bar("2024-12-07", 101)), 422, "bars[0].date");
        assertTrue(saturday.get("message").asText().contains("SATURDAY"), saturday.toString());
        storedOnlyNow(good);
    }

    @Test
    void anUnknownSymbolIsRefusedByName() {
        JsonNode err = assertError(push("NOPE", bar("2024-12-05", 100)), 400, "symbol");
        assertTrue(err.get("message").asText().contains("MSFT") && err.get("message").asText().contains("NOPE"), err.toString());
        storedOnlyNow(bar("2024-12-05", 100));
    }

    @Test
    void theDataChecksRefuseABarAndDuplicates() {
        String good = bar("2024-12-06", 100);
        String outside = "{\"date\":\"2024-12-09\",\"open\":100,\"high\":101,\"low\":99,\"close\":120,\"volume\":1000}";
        JsonNode err = assertError(push("MSFT", good, outside), 422, "bars[1]");
        assertTrue(err.get("message").asText().contains("CLOSE_OUTSIDE_RANGE"), err.toString());
        assertEquals(1, err.get("refused").size(), err.toString());
        JsonNode dup = assertError(push("MSFT", good, good), 422, null);
        assertTrue(dup.get("message").asText().contains("DUPLICATE_DATE"), dup.toString());
        assertError(push("MSFT", good.replace("\"volume\":1000", "\"volume\":0")), 422, "bars[0]");
        storedOnlyNow(good);
    }

    @Test
    void malformedPushesAreRefusedByName() {
        assertError(client.post("/v1/prices", "application/json", "{\"symbol\":\"MSFT\",\"bars\":[],\"x\":1}"), 400, "x");
        assertError(client.post("/v1/prices", "application/json", "{\"symbol\":\"MSFT\",\"bars\":[]}"), 400, "bars");
        assertError(push("MSFT", "{\"date\":\"2024-12-10\",\"close\":100}"), 400, "bars[0].open");
        assertError(push("MSFT", "{\"date\":\"12/10/2024\",\"open\":1,\"high\":1,\"low\":1,\"close\":1,\"volume\":1}"), 400, "bars[0].date");
        assertEquals(405, client.get("/v1/prices").statusCode());
    }

    @Test
    void anAcceptedPushScoresALoggedForecast() {
        HttpResponse<String> predicted = client.post("/v1/predict", "application/json",
                "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 1,"
                        + " \"dates\": [\"2024-12-18\", \"2024-12-19\", \"2024-12-20\", \"2024-12-23\", \"2024-12-24\"]}");
        assertEquals(200, predicted.statusCode(), predicted.body());
        assertEquals("2024-12-26", TestClient.json(predicted).get("dates").get(0).asText(), "Christmas skipped");
        assertTrue(tracker.flush(Duration.ofSeconds(10)));

        HttpResponse<String> pushed = push("MSFT", bar("2024-12-24", 104), bar("2024-12-26", 110.5));
        assertEquals(200, pushed.statusCode(), pushed.body());
        JsonNode ack = TestClient.json(pushed);
        assertEquals(2, ack.get("stored").asInt(), pushed.body());
        assertEquals(1, ack.get("scored").asInt(), pushed.body());

        JsonNode record = TestClient.json(client.get("/v1/track-record"));
        assertEquals(1, record.at("/log/scored").asInt(), record.toString());
        JsonNode line = record.get("versions").get(0);
        assertEquals(1, line.get("days").asInt(), record.toString());
        assertEquals(5.5, line.get("mae").asDouble(), 1e-9, "|110.5 - 105|: " + record);
        assertEquals(6.5, line.get("naive_mae").asDouble(), 1e-9, "|110.5 - 104|: " + record);

        List<io.helidon.metrics.api.Tag> tags = List.of(io.helidon.metrics.api.Tag.create("model", TestModelSource.NAME),
                io.helidon.metrics.api.Tag.create("version", "1"), io.helidon.metrics.api.Tag.create("step", "1"));
        assertEquals(5.5, gauge("closecast_track_mae", tags), 1e-9);
        assertEquals(5.5 / 6.5, gauge("closecast_track_mase", tags), 1e-9);
        assertEquals(1.0, gauge("closecast_track_scored", tags), 1e-9);

        HttpResponse<String> again = push("MSFT", bar("2024-12-26", 111));
        assertEquals(0, TestClient.json(again).get("stored").asInt(), "a day keeps its first close: " + again.body());
        assertEquals(0, TestClient.json(again).get("scored").asInt(), "a forecast is scored once: " + again.body());
    }

    @Test
    void theLogIsExportedPagedAsJsonAndCsv() {
        String[] days = {"2024-12-09", "2024-12-10", "2024-12-11", "2024-12-12", "2024-12-13", "2024-12-16", "2024-12-17"};
        for (int k = 0; k < 3; k++) {
            HttpResponse<String> r = client.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, 104],"
                    + " \"horizon\": 2, \"dates\": [\"" + String.join("\", \"", java.util.Arrays.copyOfRange(days, k, k + 5)) + "\"]}");
            assertEquals(200, r.statusCode(), r.body());
        }
        assertTrue(tracker.flush(Duration.ofSeconds(10)));
        String q = "/v1/forecasts?model=" + TestModelSource.NAME + "&from=2024-12-13&to=2024-12-17";
        JsonNode first = TestClient.json(client.get(q + "&limit=2"));
        assertEquals(2, first.get("forecasts").size(), first.toString());
        assertEquals(2, first.get("forecasts").get(0).get("steps").size(), first.toString());
        assertEquals(105.0, first.get("forecasts").get(0).at("/steps/0/prediction").asDouble(), first.toString());
        assertEquals(104.0, first.get("forecasts").get(0).at("/steps/1/naive").asDouble(), first.toString());
        String cursor = first.get("next_cursor").asText();
        JsonNode second = TestClient.json(client.get(q + "&limit=2&cursor=" + cursor));
        assertEquals(1, second.get("forecasts").size(), second.toString());
        assertTrue(second.get("next_cursor").isNull(), second.toString());
        java.util.Set<String> asOf = new java.util.TreeSet<>();
        for (JsonNode page : List.of(first, second)) {
            page.get("forecasts").forEach(f -> asOf.add(f.get("as_of").asText()));
        }
        assertEquals(java.util.Set.of("2024-12-13", "2024-12-16", "2024-12-17"), asOf, "every forecast once over the pages");

        HttpResponse<String> csv = client.get(q, "Accept", "text/csv");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.headers().toString());
        String[] lines = csv.body().split("\n");
        assertEquals("request_id,received_at,model,version,alias,symbol,as_of,step,target_date,prediction,naive", lines[0]);
        assertEquals(1 + 3 * 2, lines.length, csv.body());
        assertEquals(csv.body(), client.get(q + "&format=csv").body());

        assertError(client.get(q + "&limit=0"), 400, "limit");
        assertError(client.get(q + "&cursor=%21%21"), 400, "cursor");
        assertError(client.get(q + "&format=xml"), 400, "format");
        assertError(client.get("/v1/forecasts?from=2024-13-01"), 400, "from");
        assertEquals("model_not_found", assertError(client.get("/v1/forecasts?model=nope"), 404, null).get("code").asText());
    }
}
