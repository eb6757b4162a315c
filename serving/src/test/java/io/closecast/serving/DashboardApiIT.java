package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints behind the dashboard (feedback, samples, the page and its assets) over HTTP, keys on and off. */
class DashboardApiIT {

    static final Path ROOT = Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();

    private static RunningService start(ServingConfig.Builder b, String version) {
        RunningService s = Main.start(b.host("127.0.0.1").port(0).modelName(TestModelSource.NAME).build(),
                new TestModelSource(20, 10, version));
        TestClient.await("model ready", Duration.ofSeconds(20), s.models()::ready);
        return s;
    }

    @Test
    void feedbackKeepsRollingMaeAndNaiveMaeAndExportsThem() {
        // the feedback-only figures (the deprecated closecast_online_* gauges of a service without the forecast log;
        // with it, feedback is scored in the track record: FeedbackTrackRoutesTest)
        try (RunningService s = start(ServingConfig.builder().feedbackWindow(2).dataDir(ROOT.resolve("data")).trackEnabled(false), "31")) {
            TestClient c = new TestClient(s.port());
            JsonNode first = TestClient.json(RoutesTest.ok(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-27\", \"actual\": 424.83, \"predicted\": 425.1, \"last\": 423.0, \"version\": \"31\"}")));
            assertEquals(0.27, first.at("/accepted/abs_error").asDouble(), 1e-9);
            assertEquals(1.83, first.at("/accepted/naive_abs_error").asDouble(), 1e-9);
            RoutesTest.ok(c.post("/v1/feedback", "application/json", "{\"date\": \"2024-12-30\", \"actual\": 10, \"predicted\": 12, \"last\": 11}"));
            // window 2: the third day pushes the first out
            JsonNode third = TestClient.json(RoutesTest.ok(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-31\", \"actual\": 10, \"predicted\": 11, \"last\": 13, \"version\": 31}")));
            assertEquals(2, third.at("/summary/count").asInt());
            assertEquals(1.5, third.at("/summary/mae").asDouble(), 1e-12);
            assertEquals(2.0, third.at("/summary/naive_mae").asDouble(), 1e-12);
            assertEquals(0.75, third.at("/summary/mase").asDouble(), 1e-12);
            assertEquals("2024-12-30", third.at("/summary/first_date").asText());

            JsonNode summary = TestClient.json(RoutesTest.ok(c.get("/v1/feedback/summary")));
            assertEquals(2, summary.get("window").asInt());
            assertEquals("31", summary.get("serving_version").asText());
            assertEquals(1, summary.get("versions").size());
            assertEquals(0.75, summary.at("/versions/0/mase").asDouble(), 1e-12);

            String metrics = c.get("/metrics", "Accept", "text/plain").body();
            for (String expected : List.of("closecast_online_mae{model=\"closecast-test\",scope=\"application\",version=\"31\",} 1.5",
                    "closecast_online_naive_mae{model=\"closecast-test\",scope=\"application\",version=\"31\",} 2.0",
                    "closecast_online_mase{model=\"closecast-test\",scope=\"application\",version=\"31\",} 0.75",
                    "closecast_feedback_total{model=\"closecast-test\",scope=\"application\",}",
                    "closecast_requests_total{route=\"/v1/feedback\",scope=\"application\",status=\"200\",}")) {
                assertTrue(metrics.contains(expected), "expected " + expected + " in /metrics:\n" + metrics);
            }
        }
    }

    @Test
    void feedbackWithIntervalsRecordsInsideOrOutsidePerLevelAndExportsTheCoverage() {
        try (RunningService s = start(ServingConfig.builder().trackEnabled(false), "34")) { // feedback-only, as above
            TestClient c = new TestClient(s.port());
            String bands = ", \"intervals\": [{\"level\": 0.8, \"lower\": 9.5, \"upper\": 10.5}, {\"level\": 0.95, \"lower\": 9, \"upper\": 11}]";
            JsonNode first = TestClient.json(RoutesTest.ok(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-27\", \"actual\": 10.7, \"predicted\": 10, \"last\": 10.1" + bands + "}")));
            assertEquals("[{\"level\":0.8,\"inside\":false},{\"level\":0.95,\"inside\":true}]", first.at("/accepted/inside").toString());
            JsonNode second = TestClient.json(RoutesTest.ok(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-30\", \"actual\": 10.2, \"predicted\": 10, \"last\": 10.1" + bands + "}")));
            assertEquals(0.5, second.at("/summary/coverage/0/coverage").asDouble(), 1e-12);
            assertEquals(2, second.at("/summary/coverage/0/reports").asInt());
            assertEquals(1.0, second.at("/summary/coverage/1/coverage").asDouble(), 1e-12);
            String metrics = c.get("/metrics", "Accept", "text/plain").body();
            for (String expected : List.of("closecast_online_coverage{level=\"0.8\",model=\"closecast-test\",scope=\"application\",version=\"34\",} 0.5",
                    "closecast_online_coverage{level=\"0.95\",model=\"closecast-test\",scope=\"application\",version=\"34\",} 1.0",
                    "closecast_online_coverage_reports{level=\"0.8\",model=\"closecast-test\",scope=\"application\",version=\"34\",} 2.0")) {
                assertTrue(metrics.contains(expected), "expected " + expected + " in /metrics:\n" + metrics);
            }
            String ok = "\"date\": \"2024-12-31\", \"actual\": 10, \"predicted\": 11, \"last\": 9";
            assertEquals("intervals[0].level: expected a coverage level strictly between 0 and 1 (e.g. 0.8), found the number 80",
                    RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok
                            + ", \"intervals\": [{\"level\": 80, \"lower\": 9, \"upper\": 11}]}"), 400, "intervals[0].level")
                            .get("message").asText());
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok
                    + ", \"intervals\": [{\"level\": 0.8, \"lower\": 9, \"upper\": 11}, {\"level\": 0.8, \"lower\": 8, \"upper\": 12}]}"),
                    400, "intervals[1].level");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok
                    + ", \"intervals\": [{\"level\": 0.8, \"lower\": 11, \"upper\": 9}]}"), 400, "intervals[0].upper");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok
                    + ", \"intervals\": [{\"level\": 0.8, \"upper\": 9}]}"), 400, "intervals[0].lower");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok
                    + ", \"intervals\": [{\"level\": 0.8, \"lower\": 9, \"upper\": 11, \"width\": 2}]}"), 400, "intervals[0].width");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok + ", \"intervals\": {\"level\": 0.8}}"), 400, "intervals");
            assertEquals(2, TestClient.json(c.get("/v1/feedback/summary")).at("/versions/0/count").asInt(), "nothing bad was recorded");
        }
    }

    @Test
    void badFeedbackIs400NamingTheField() {
        try (RunningService s = start(ServingConfig.builder(), "32")) {
            TestClient c = new TestClient(s.port());
            String ok = "\"actual\": 10, \"predicted\": 11, \"last\": 9";
            assertEquals("date: expected an ISO date (yyyy-MM-dd), found \"30/12/2024\"", RoutesTest.assertError(c.post("/v1/feedback",
                    "application/json", "{\"date\": \"30/12/2024\", " + ok + "}"), 400, "date").get("message").asText());
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{" + ok + "}"), 400, "date");
            assertEquals("actual: expected a price > 0, found -5", RoutesTest.assertError(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-30\", \"actual\": -5, \"predicted\": 11, \"last\": 9}"), 400, "actual").get("message").asText());
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{\"date\": \"2024-12-30\", \"actual\": 10, \"last\": 9}"), 400, "predicted");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json",
                    "{\"date\": \"2024-12-30\", \"actual\": 10, \"predicted\": \"11\", \"last\": 9}"), 400, "predicted");
            assertEquals("version: expected a registry version number such as \"3\", found the string \"v3\"",
                    RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{\"date\": \"2024-12-30\", " + ok + ", \"version\": \"v3\"}"),
                            400, "version").get("message").asText());
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{\"date\": \"2024-12-30\", " + ok + ", \"extra\": 1}"), 400, "extra");
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "[1]"), 400, null);
            RoutesTest.assertError(c.post("/v1/feedback", "text/plain", "{}"), 415, null);
            RoutesTest.assertError(c.get("/v1/feedback"), 405, null);
            RoutesTest.assertError(c.post("/v1/feedback/summary", "application/json", "{}"), 405, null);
            assertEquals(0, TestClient.json(c.get("/v1/feedback/summary")).get("versions").size(), "nothing bad was recorded");
        }
    }

    @Test
    void samplesListTheDataDirAndGiveTheLastDays() {
        try (RunningService s = start(ServingConfig.builder().dataDir(ROOT.resolve("data")), "33")) {
            TestClient c = new TestClient(s.port());
            JsonNode list = TestClient.json(RoutesTest.ok(c.get("/v1/samples")));
            assertEquals(List.of("AAPL", "MSFT", "PETR4.SA"), list.get("symbols").findValuesAsText("symbol"));
            assertEquals(3724, list.at("/symbols/2/rows").asInt());
            assertEquals("2024-12-30", list.at("/symbols/1/last").asText());

            JsonNode msft = TestClient.json(RoutesTest.ok(c.get("/v1/samples/MSFT?days=3")));
            assertEquals("Close", msft.get("column").asText());
            assertEquals("[\"2024-12-26\",\"2024-12-27\",\"2024-12-30\"]", msft.get("dates").toString());
            assertEquals(424.829987, msft.at("/closes/2").asDouble(), 1e-5, "MSFT closed 424.83 on 2024-12-30 (SOURCES.md)");
            assertEquals(20, TestClient.json(c.get("/v1/samples/PETR4.SA")).get("closes").size(), "default: the model's window");
            JsonNode adj = TestClient.json(RoutesTest.ok(c.get("/v1/samples/PETR4.SA?days=1&column=Adj%20Close")));
            assertTrue(adj.at("/closes/0").asDouble() < 36.19, adj.toString());

            assertEquals("symbol: expected one of [AAPL, MSFT, PETR4.SA] (the CSV files in the data directory), found \"NOPE\"",
                    RoutesTest.assertError(c.get("/v1/samples/NOPE"), 404, null).get("message").asText());
            RoutesTest.assertError(c.get("/v1/samples/..%2Fpom.xml"), 404, null);
            assertEquals("days: expected an integer 1..3773 (the rows in MSFT), found \"0\"",
                    RoutesTest.assertError(c.get("/v1/samples/MSFT?days=0"), 400, "days").get("message").asText());
            RoutesTest.assertError(c.get("/v1/samples/MSFT?days=9999"), 400, "days");
            RoutesTest.assertError(c.get("/v1/samples/MSFT?days=x"), 400, "days");
            RoutesTest.assertError(c.get("/v1/samples/MSFT?column=Volumes"), 400, "column");
        }
    }

    @Test
    void aMissingDataDirMeansNoSamples(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("BROKEN.csv"), "Date,Close\n2024-01-02,1\n2024-01-01,2\n");
        try (RunningService s = start(ServingConfig.builder().dataDir(dir.resolve("absent")), "34")) {
            assertEquals("[]", TestClient.json(new TestClient(s.port()).get("/v1/samples")).get("symbols").toString());
        }
        try (RunningService s = start(ServingConfig.builder().dataDir(dir), "35")) {
            assertEquals("[]", TestClient.json(new TestClient(s.port()).get("/v1/samples")).get("symbols").toString(),
                    "a file whose dates do not ascend is left out");
        }
    }

    @Test
    void thePageAndItsAssetsAreOpenWhileTheApiNeedsAKey() {
        try (RunningService s = start(ServingConfig.builder().apiKeys(List.of("k1")), "36")) {
            TestClient c = new TestClient(s.port());
            HttpResponse<String> page = c.get("/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("<script src=\"/dashboard/app.js\">"), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
            HttpResponse<String> js = c.get("/dashboard/app.js");
            assertEquals(200, js.statusCode());
            assertTrue(js.body().contains("X-API-Key") && js.body().contains("sessionStorage"));
            assertEquals(200, c.get("/dashboard/app.css").statusCode());
            RoutesTest.assertError(c.get("/dashboard/secret.txt"), 404, null);
            RoutesTest.assertError(c.get("/v1/samples"), 401, null);
            RoutesTest.assertError(c.get("/v1/feedback/summary"), 401, null);
            RoutesTest.assertError(c.post("/v1/feedback", "application/json", "{}"), 401, null);
            assertEquals(200, c.get("/v1/feedback/summary", "X-API-Key", "k1").statusCode());
        }
        try (RunningService s = start(ServingConfig.builder().apiKeys(List.of("k1")).openDashboard(false), "37")) {
            RoutesTest.assertError(new TestClient(s.port()).get("/"), 401, null);
            RoutesTest.assertError(new TestClient(s.port()).get("/dashboard/app.js"), 401, null);
        }
    }
}
