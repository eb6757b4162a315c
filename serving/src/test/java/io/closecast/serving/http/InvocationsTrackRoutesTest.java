package io.closecast.serving.http;

import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /invocations} with the forecast log on: a JSON data frame with a {@code Date} column is logged as a CSV body
 * is (its last day the as-of date, under the {@code X-Request-Id} the answer carries); one without dates is counted
 * as undated, not logged; bad dates are a 400 naming the cell. The test model (symbol MSFT) forecasts the last
 * close + 1.
 */
@RoutingTest
class InvocationsTrackRoutesTest {

    static final String MODEL = "closecast-invocations-track";
    static TrackedRoutes service;
    static Tracker tracker;
    private final RouteClient client;

    InvocationsTrackRoutesTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        service = TrackedRoutes.start(routing, new TestModelSource(MODEL, 5, 10, "1"), MODEL, "invocations-track", PricesRoutesTest.CLOCK);
        tracker = service.tracker;
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

    private HttpResponse<String> invoke(String body) {
        return client.post("/invocations", "application/json", body);
    }

    private JsonNode logged() {
        assertTrue(tracker.flush(Duration.ofSeconds(10)));
        return TestClient.json(client.get("/v1/forecasts?limit=1000")).get("forecasts");
    }

    private JsonNode log() {
        return TestClient.json(client.get("/v1/track-record")).get("log");
    }

    private JsonNode byId(JsonNode forecasts, String id) {
        for (JsonNode f : forecasts) {
            if (f.get("request_id").asText().equals(id)) {
                return f;
            }
        }
        throw new AssertionError("no logged forecast " + id + " in " + forecasts);
    }

    private static void badField(HttpResponse<String> r, String field) {
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(field, TestClient.json(r).at("/error/field").asText(), r.body());
    }

    @Test
    void aDatedDataFrameIsLoggedAnUndatedOneCounted() {
        // dataframe_split with a Date column: logged with its last day under the answer's request id, the answer as MLflow's
        HttpResponse<String> split = invoke("{\"dataframe_split\": {\"columns\": [\"Date\", \"Close\"], \"data\": "
                + "[[\"2024-12-09\", 1], [\"2024-12-10\", 100], [\"2024-12-11\", 101], [\"2024-12-12\", 102], "
                + "[\"2024-12-13\", 103], [\"2024-12-16\", 104]]}, \"params\": {\"horizon\": 2}}");
        assertEquals(200, split.statusCode(), split.body());
        assertTrue(split.body().startsWith("{\"predictions\":[105.0,106.0]"), split.body());
        String id = split.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        JsonNode f = byId(logged(), id);
        assertEquals("2024-12-16", f.get("as_of").asText(), f.toString());
        assertEquals(2, f.get("steps").size(), f.toString());
        assertEquals("2024-12-17", f.at("/steps/0/target_date").asText(), f.toString());
        assertEquals(105.0, f.at("/steps/0/prediction").asDouble(), f.toString());
        assertEquals(104.0, f.at("/steps/0/naive").asDouble(), f.toString());
        assertEquals("2024-12-18", f.at("/steps/1/target_date").asText(), f.toString());

        // dataframe_records with a date key (any case): logged too
        HttpResponse<String> records = invoke("{\"dataframe_records\": [{\"date\": \"2024-12-11\", \"Close\": 100}, "
                + "{\"date\": \"2024-12-12\", \"Close\": 101}, {\"date\": \"2024-12-13\", \"Close\": 102}, "
                + "{\"date\": \"2024-12-16\", \"Close\": 103}, {\"date\": \"2024-12-17\", \"Close\": 104}]}");
        assertEquals(200, records.statusCode(), records.body());
        String recordsId = records.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        JsonNode r = byId(logged(), recordsId);
        assertEquals("2024-12-17", r.get("as_of").asText(), r.toString());
        assertEquals("2024-12-18", r.at("/steps/0/target_date").asText(), r.toString());

        // a pandas datetime column as MLflow's clients write it (the day at midnight): the same days
        HttpResponse<String> stamps = invoke("{\"dataframe_split\": {\"columns\": [\"Date\", \"Close\"], \"data\": "
                + "[[\"2024-12-12T00:00:00\", 100], [\"2024-12-13T00:00:00\", 101], [\"2024-12-16T00:00:00\", 102], "
                + "[\"2024-12-17T00:00:00\", 103], [\"2024-12-18T00:00:00.000Z\", 104]]}}");
        assertEquals(200, stamps.statusCode(), stamps.body());
        String stampsId = stamps.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        assertEquals("2024-12-18", byId(logged(), stampsId).get("as_of").asText());
        // a time of day other than midnight is not a day
        badField(invoke("{\"dataframe_split\": {\"columns\": [\"Date\", \"Close\"], \"data\": "
                + "[[\"2024-12-12\", 100], [\"2024-12-13\", 101], [\"2024-12-16\", 102], "
                + "[\"2024-12-17\", 103], [\"2024-12-18T15:30:00\", 104]]}}"), "dataframe_split.data[4][0]");

        // inputs as columns with a Date column: logged too
        HttpResponse<String> columns = invoke("{\"inputs\": {\"Close\": [100, 101, 102, 103, 104, 105], \"Date\": "
                + "[\"2024-12-10\", \"2024-12-11\", \"2024-12-12\", \"2024-12-13\", \"2024-12-16\", \"2024-12-17\"]}}");
        assertEquals(200, columns.statusCode(), columns.body());
        assertTrue(columns.body().startsWith("{\"predictions\":[106.0]"), columns.body());
        String columnsId = columns.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        assertEquals("2024-12-17", byId(logged(), columnsId).get("as_of").asText());

        // without dates: counted as undated, nothing logged
        int before = logged().size();
        long undated = log().get("undated").asLong();
        HttpResponse<String> plain = invoke("{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": "
                + "[[100], [101], [102], [103], [104]]}}");
        assertEquals(200, plain.statusCode(), plain.body());
        assertTrue(plain.body().startsWith("{\"predictions\":[105.0]"), plain.body());
        assertEquals(before, logged().size());
        assertEquals(undated + 1, log().get("undated").asLong());

        // dates that are not ISO days, or do not ascend: 400 naming the cell, nothing logged
        badField(invoke("{\"dataframe_split\": {\"columns\": [\"Close\", \"Date\"], \"data\": [[100, \"2024-12-10\"], "
                + "[101, \"2024-12-11\"], [102, \"2024-13-01\"], [103, \"2024-12-13\"], [104, \"2024-12-16\"]]}}"),
                "dataframe_split.data[2][1]");
        badField(invoke("{\"dataframe_split\": {\"columns\": [\"Close\", \"Date\"], \"data\": [[100, \"2024-12-10\"], "
                + "[101, \"2024-12-11\"], [102, \"2024-12-12\"], [103, \"2024-12-12\"], [104, \"2024-12-16\"]]}}"),
                "dataframe_split.data[3][1]");
        badField(invoke("{\"dataframe_records\": [{\"Date\": \"2024-12-11\", \"Close\": 100}, "
                + "{\"Date\": 20241212, \"Close\": 101}, {\"Date\": \"2024-12-13\", \"Close\": 102}, "
                + "{\"Date\": \"2024-12-16\", \"Close\": 103}, {\"Date\": \"2024-12-17\", \"Close\": 104}]}"),
                "dataframe_records[1].Date");
        badField(invoke("{\"dataframe_records\": [{\"Date\": \"2024-12-11\", \"Close\": 100}, "
                + "{\"Close\": 101}, {\"Date\": \"2024-12-13\", \"Close\": 102}, "
                + "{\"Date\": \"2024-12-16\", \"Close\": 103}, {\"Date\": \"2024-12-17\", \"Close\": 104}]}"),
                "dataframe_records[1].Date");
        badField(invoke("{\"inputs\": {\"Close\": [100, 101, 102, 103, 104], \"Date\": "
                + "[\"2024-12-10\", \"2024-12-11\", \"2024-12-12\", \"2024-12-16\", \"2024-12-13\"]}}"), "inputs.Date[4]");
        badField(invoke("{\"inputs\": {\"Close\": [100, 101, 102, 103, 104], \"Date\": [\"2024-12-10\"]}}"), "inputs.Date");
        assertEquals(before, logged().size());
    }
}
