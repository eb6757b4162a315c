package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.RouteClient;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.WireIT;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
 * Hundreds of malformed bodies (random bytes, truncated JSON, wrong types, huge numbers, NaN, nested garbage, wrong
 * lengths) against /v1/predict, /v1/predict/csv and /invocations: every answer must be a 4xx with a JSON error body,
 * never a 5xx; and the service must still answer a good request afterwards. No socket: Helidon's {@code @RoutingTest}
 * hands the requests to the service's routing ({@link Main#routing}) through {@link DirectClient}; what the web server
 * itself answers on the wire (bad request lines, headers, smuggling) is {@link WireIT}'s.
 */
@RoutingTest
class BadInputTest {

    static ModelFleet models;
    private final RouteClient client;

    BadInputTest(DirectClient client) {
        this.client = new RouteClient(client);
    }

    @SetUpRoute
    @SuppressWarnings("removal") // the registry Main uses (Helidon's MetricsObserver reports the global one)
    static void routing(HttpRouting.Builder routing) {
        ServingConfig config = ServingConfig.builder().modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).maxBodyBytes(64 * 1024).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        models = ModelFleet.create(List.of(new TestModelSource(5, 10, "1")), config.registry().loader(), metrics);
        models.start();
        Main.routing(routing, config, models, metrics);
    }

    @BeforeAll
    static void ready() {
        TestClient.await("model ready", Duration.ofSeconds(20), models::ready);
    }

    @AfterAll
    static void stop() {
        if (models != null) {
            models.close();
        }
    }

    record Case(String path, String contentType, byte[] body, String what) {
    }

    @Test
    void malformedBodiesGetA4xxJsonErrorNeverA5xx() {
        Random rnd = new Random(20260101L);
        List<Case> cases = new ArrayList<>();
        cases.addAll(jsonCases("/v1/predict", predictBodies(rnd)));
        cases.addAll(jsonCases("/invocations", invocationBodies(rnd)));
        for (String csv : csvBodies(rnd)) {
            cases.add(new Case("/v1/predict/csv?horizon=" + (rnd.nextInt(3) == 0 ? "x" : "2"), "text/csv", bytes(csv), csv));
            cases.add(new Case("/invocations", "text/csv", bytes(csv), csv));
        }
        for (int i = 0; i < 60; i++) {
            byte[] junk = new byte[rnd.nextInt(300)];
            rnd.nextBytes(junk);
            String[] types = {"application/json", "text/csv", "application/octet-stream", "text/plain"};
            String type = types[rnd.nextInt(types.length)];
            for (String path : List.of("/v1/predict", "/v1/predict/csv", "/invocations")) {
                cases.add(new Case(path, type, junk, "random bytes " + junk.length));
            }
        }
        // Content-Types the web server cannot parse, or none: 415 on every body route, never the catch-all 500
        for (String path : List.of("/v1/predict", "/v1/predict/csv", "/invocations", "/v1/feedback")) {
            for (String type : new String[] {"json", ";;;", "application/", "/json", "application/json;;charset", null}) {
                cases.add(new Case(path, type, bytes("{\"closes\": [1,2,3,4,5]}"), "Content-Type " + type));
            }
        }
        for (String body : feedbackBodies()) {
            cases.add(new Case("/v1/feedback", "application/json", bytes(body), body));
        }
        byte[] huge = new byte[64 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) '1');
        cases.add(new Case("/v1/predict", "application/json", huge, "too large"));
        cases.add(new Case("/v1/predict/csv", "text/csv", huge, "too large"));

        assertTrue(cases.size() >= 500, "expected hundreds of cases, built " + cases.size());
        int checked = 0;
        for (Case c : cases) {
            HttpResponse<String> res = client.post(c.path(), c.contentType(), c.body());
            int s = res.statusCode();
            assertTrue(s >= 400 && s < 500, "expected a 4xx for " + c.path() + " " + c.contentType() + " body "
                    + c.what() + ", found " + s + ": " + res.body());
            assertTrue(s != 404, "every case reaches its route (a 404 would pass without testing it): " + c.path() + " " + res.body());
            JsonNode err = TestClient.json(res).get("error");
            assertTrue(err != null && err.hasNonNull("code") && err.hasNonNull("message"),
                    "expected a JSON error body for " + c.what() + ", found " + res.body());
            assertTrue(!res.body().contains("\tat ") && !res.body().contains("Exception"),
                    "no stack trace or exception name expected, found " + res.body());
            checked++;
        }
        assertEquals(cases.size(), checked);
        HttpResponse<String> good = client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5], \"horizon\": 2}");
        assertEquals(200, good.statusCode(), good.body());
    }

    private static List<Case> jsonCases(String path, List<String> bodies) {
        List<Case> out = new ArrayList<>();
        for (String b : bodies) {
            out.add(new Case(path, "application/json", bytes(b), b.length() > 200 ? b.substring(0, 200) + "..." : b));
        }
        return out;
    }

    static List<String> predictBodies(Random rnd) {
        List<String> out = new ArrayList<>();
        String valid = "{\"closes\": [100, 101, 102, 103, 104], \"horizon\": 3, \"dates\": [\"2024-01-02\",\"2024-01-03\",\"2024-01-04\",\"2024-01-05\",\"2024-01-08\"]}";
        for (int i = 0; i < 60; i++) {
            out.add(valid.substring(0, rnd.nextInt(valid.length() - 1))); // truncated
        }
        String[] badValues = {"\"abc\"", "5", "{}", "null", "true", "[[1,2,3,4,5]]", "[\"1\",\"2\",\"3\",\"4\",\"5\"]",
                "[1,2,3,4,null]", "[1,2,3,4,{}]", "[1,2,3,4,[]]", "[1,2,3,4,1e309]", "[1,2,3,4,-1e309]",
                "[1,2,3,4," + "9".repeat(400) + "]", "[1,2,3,4,1e-400]", "[1,2,3,4,0]", "[1,2,3,4,-5]",
                "[1,2,3,4,NaN]", "[1,2,3,4,\"NaN\"]", "[1,2,3,4,\"Infinity\"]", "[1,2,3,4,Infinity]", "[1,2,3,4,-Infinity]",
                "[1,2,3,4,0x10]", "[1,2,3,4,01]", "[1,2,3,4,.5]", "[1,2,3,4,+5]", "[]", "[1]", "[1,2,3,4,5,-6]",
                "[1,2,3,4,5,6,7,8,\"9\"]", "[-1,2,3,4,5,6,7]",
                "[1,2,3,4]", "[1,2,3,4,5,]", "[1,,2,3,4]"};
        for (String v : badValues) {
            out.add("{\"closes\": " + v + ", \"horizon\": 1}");
        }
        for (int n = 0; n < 5; n++) { // shorter than the window; longer ones are valid (their end is used)
            out.add("{\"closes\": " + TestClient.closes(n) + "}");
        }
        // unknown fields, named (the typo "horizn" was answered 200 with horizon 1)
        for (String unknown : new String[] {"horizn", "close", "Closes", "interval", "", "closes ", "\\u0000"}) {
            out.add("{\"closes\": [1,2,3,4,5], \"" + unknown + "\": 5}");
        }
        // dates the trading-day calendar would overflow on (valid ISO, far future)
        for (String last : new String[] {"+999999999-12-31", "+10000-01-03", "+999999999-12-30"}) {
            out.add("{\"closes\": [1,2,3,4,5], \"horizon\": 10, \"dates\": [\"2024-01-02\",\"2024-01-03\","
                    + "\"2024-01-04\",\"2024-01-05\",\"" + last + "\"]}");
        }
        String[] badHorizons = {"0", "-1", "11", "1.5", "\"3\"", "1e10", "true", "null", "[]", "{}", "99999999999999999999", "-0.0001"};
        for (String h : badHorizons) {
            if (!h.equals("null")) {
                out.add("{\"closes\": [1,2,3,4,5], \"horizon\": " + h + "}");
            }
        }
        String[] badDates = {"\"2024-01-01\"", "[]", "[1,2,3,4,5]", "[\"2024-01-01\"]",
                "[\"2024-01-05\",\"2024-01-04\",\"2024-01-06\",\"2024-01-07\",\"2024-01-08\"]",
                "[\"2024-13-01\",\"2024-01-04\",\"2024-01-06\",\"2024-01-07\",\"2024-01-08\"]",
                "[\"yesterday\",\"2024-01-04\",\"2024-01-06\",\"2024-01-07\",\"2024-01-08\"]", "{}", "true"};
        for (String d : badDates) {
            out.add("{\"closes\": [1,2,3,4,5], \"dates\": " + d + "}");
        }
        out.add("[1,2,3,4,5]");
        out.add("\"closes\"");
        out.add("42");
        out.add("null");
        out.add("");
        out.add("{}");
        out.add("{\"closes\": [1,2,3,4,5]} trailing");
        out.add("{\"closes\": [1,2,3,4,5], \"closes\": [1,2,3,4,5]}");
        out.add("{\"closes\": [1,2,3,4,5]}}");
        out.add("{'closes': [1,2,3,4,5]}");
        out.add("{closes: [1,2,3,4,5]}");
        out.add("[".repeat(200) + "]".repeat(200));
        out.add("{\"a\":".repeat(100) + "1" + "}".repeat(100));
        out.add("{\"closes\": " + "[".repeat(50) + "1" + "]".repeat(50) + "}");
        out.add("{\"closes\": \"" + "x".repeat(20_000) + "\"}");
        out.add("{\"closes\": [1,2,3,4,5], \"horizon\": 1, \"dates\": null, \"x\": \"\\ud800\"}".replace("\"horizon\": 1, ", "\"horizon\": 0, "));
        for (int i = 0; i < 40; i++) {
            out.add(randomJson(rnd, 0));
        }
        return out;
    }

    static List<String> feedbackBodies() {
        String ok = "\"date\": \"2024-01-09\", \"actual\": 101, \"predicted\": 100, \"last\": 99";
        return List.of("{}", "{" + ok + ", \"versoin\": \"1\"}", "{" + ok.replace("2024-01-09", "+999999999-12-31") + "}",
                "{" + ok.replace("101", "-1") + "}", "{" + ok.replace("\"2024-01-09\"", "20240109") + "}",
                "{" + ok + ", \"version\": \"../1\"}", "[" + ok + "]", "{" + ok + "");
    }

    static List<String> invocationBodies(Random rnd) {
        List<String> out = new ArrayList<>();
        String[] bodies = {
                "{}", "{\"params\": {\"horizon\": 2}}", "{\"inputs\": [1,2,3,4,5], \"instances\": [1,2,3,4,5]}",
                "{\"dataframe_split\": [1,2,3]}", "{\"dataframe_split\": {\"columns\": [\"Open\"], \"data\": [[1],[2],[3],[4],[5]]}}",
                "{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": [[1],[2],[3],[4]]}}",
                "{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": [[1],[2],[3],[4],[\"x\"]]}}",
                "{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": [[1],[2],[3],[4],[1,2]]}}",
                "{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": [[1],[2],[3],[4],5]}}",
                "{\"dataframe_split\": {\"columns\": \"Close\", \"data\": [[1],[2],[3],[4],[5]]}}",
                "{\"dataframe_split\": {\"data\": [[1],[2],[3],[4],[5]]}}",
                "{\"dataframe_records\": {\"Close\": 1}}", "{\"dataframe_records\": [{\"Close\": 1}]}",
                "{\"dataframe_records\": [{\"Open\":1},{\"Open\":1},{\"Open\":1},{\"Open\":1},{\"Open\":1}]}",
                "{\"dataframe_records\": [1,2,3,4,5]}",
                "{\"dataframe_records\": [{\"Close\":1},{\"Close\":1},{\"Close\":1},{\"Close\":1},{\"Close\":-1}]}",
                "{\"instances\": []}", "{\"instances\": [1,2,3]}", "{\"instances\": [[1,2,3,4,5],[1,2]]}",
                "{\"instances\": [[1,2,3,4,5],[1,2,3,4,\"NaN\"]]}", "{\"instances\": \"abc\"}", "{\"instances\": 5}",
                "{\"inputs\": {\"Open\": [1,2,3,4,5]}}", "{\"inputs\": {\"Close\": [1,2,3,4,5], \"Open\": [1]}}",
                "{\"inputs\": {\"Close\": \"x\"}}", "{\"inputs\": null}", "{\"inputs\": [1,2,3,4,5], \"params\": {\"horizon\": 0}}",
                "{\"inputs\": [1,2,3,4,5], \"params\": {\"horizon\": 11}}", "{\"inputs\": [1,2,3,4,5], \"params\": {\"h\": 1}}",
                "{\"inputs\": [1,2,3,4,5], \"params\": [1]}", "{\"inputs\": [1,2,3,4,5], \"extra\": 1}",
                "{\"instances\": [" + "[1,2,3,4,5],".repeat(1100) + "[1,2,3,4,5]]}",
        };
        out.addAll(List.of(bodies));
        String valid = "{\"dataframe_split\": {\"columns\": [\"Close\"], \"data\": [[1],[2],[3],[4],[5]]}, \"params\": {\"horizon\": 2}}";
        for (int i = 0; i < 60; i++) {
            out.add(valid.substring(0, rnd.nextInt(valid.length() - 1)));
        }
        for (int i = 0; i < 40; i++) {
            out.add(randomJson(rnd, 0));
        }
        return out;
    }

    static List<String> csvBodies(Random rnd) {
        String header = "Date,Open,High,Low,Close,Adj Close,Volume\n";
        String rows = "2024-01-02,1,1,1,100,90,10\n2024-01-03,1,1,1,101,91,10\n2024-01-04,1,1,1,102,92,10\n"
                + "2024-01-05,1,1,1,103,93,10\n2024-01-08,1,1,1,104,94,10\n";
        List<String> out = new ArrayList<>(List.of(
                "", "\n\n", header, rows, "Date,Open\n2024-01-02,1\n", header + rows.replace("104", "null"),
                header + rows.replace("104", "NaN"), header + rows.replace("104", "Infinity"), header + rows.replace("104", "-104"),
                header + rows.replace("104", "0"), header + rows.replace("104", "1e999"), header + rows.replace("104", "abc"),
                header + rows.replace("104", "1d"), header + rows.replace(",94,10\n", ",94\n"),
                header + rows.replace("2024-01-08", "2024-01-01"), header + rows.replace("2024-01-08", "08/01/2024"),
                header + rows.replace("2024-01-08", ""), header + rows.substring(0, rows.length() / 2),
                header.replace("Close,Adj", "Price,Adj") + rows, header + rows + "garbage line\n",
                header + "2024-01-02,1,1,1,100,90,10\n".repeat(5),
                header + rows.replace("2024-01-08", "+999999999-12-31"), header + rows.replace("2024-01-08", "+10000-01-01")));
        String[] junk = {"x", "", "-1", "0", "1e999", "NaN", "1..2", "--3", "1,2", "null", "\"\"", "0x1A", "1e-999"};
        String[] lines = rows.split("\n");
        for (int i = 0; i < 30; i++) {
            String[] copy = lines.clone();
            int r = rnd.nextInt(copy.length);
            String[] cells = copy[r].split(",");
            cells[4] = junk[rnd.nextInt(junk.length)];
            copy[r] = String.join(",", cells);
            out.add(header + String.join("\n", copy) + "\n");
        }
        return out;
    }

    static String randomJson(Random rnd, int depth) {
        int k = depth > 6 ? rnd.nextInt(5) : rnd.nextInt(8);
        return switch (k) {
            case 0 -> Integer.toString(rnd.nextInt(2000) - 1000);
            case 1 -> "\"s" + rnd.nextInt(100) + "\"";
            case 2 -> rnd.nextBoolean() ? "true" : "null";
            case 3 -> Double.toString(rnd.nextGaussian() * 1e300);
            case 4 -> "1e" + rnd.nextInt(1000);
            case 5 -> {
                StringBuilder sb = new StringBuilder("[");
                int n = rnd.nextInt(7);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(randomJson(rnd, depth + 1));
                }
                yield sb.append(']').toString();
            }
            default -> {
                String[] keys = {"closes", "horizon", "dates", "inputs", "instances", "dataframe_split", "dataframe_records",
                        "params", "columns", "data", "Close"};
                StringBuilder sb = new StringBuilder("{");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append('"').append(keys[rnd.nextInt(keys.length)]).append("\":")
                            .append(randomJson(rnd, depth + 1));
                }
                yield sb.append('}').toString();
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
