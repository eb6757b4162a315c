package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.security.WebhookVerifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.metrics.api.Metrics;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

/**
 * The fleet routes without a socket: three configured models, two serving (fleet-msft v1, fleet-aapl v7 with a
 * window of 6) and one whose alias points at no version.
 */
@RoutingTest
class FleetRoutesTest {

    private static final String BODY = "{\"closes\": [100, 101, 102, 103, 104, 105], \"horizon\": 2}";

    private static final String SECRET = "fleet-secret";
    private static final TestModelSource HOOK = new TestModelSource("fleet-hook", 5, 10, "1");
    private static final TestModelSource HOOK_CHALLENGER = new TestModelSource("fleet-hook", 5, 10, "3") {
        @Override
        public String alias() {
            return "challenger";
        }
    };
    private static final TestModelSource MSFT = new TestModelSource("fleet-msft", 5, 10, "1");

    private final DirectClient client;

    FleetRoutesTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0)
                .models("fleet-msft", "fleet-aapl", "fleet-none.SA", "fleet-hook").webhookSecret(SECRET).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        ModelFleet fleet = ModelFleet.create(List.of(MSFT, new TestModelSource("fleet-aapl", 6, 3, "7"),
                new TestModelSource("fleet-none.SA", 5, 10, null), HOOK), java.util.Map.of("fleet-hook", HOOK_CHALLENGER),
                config.registry().loader(), metrics);
        FLEET = fleet;
        fleet.all().forEach(m -> m.check(false)); // loaded on this thread: no background loader in a route test
        Main.routing(routing, config, fleet, metrics);
    }

    private static ModelFleet FLEET;

    private record Answer(int status, String body) {
        JsonNode json() {
            return JsonText.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private Answer send(Method method, String path, String body) {
        Http1ClientRequest req = client.method(method).uri(path);
        Http1ClientResponse res;
        if (body == null) {
            res = req.request();
        } else {
            req.header(HeaderNames.CONTENT_TYPE, "application/json");
            res = req.submit(body);
        }
        try (res) {
            return new Answer(res.status().code(), res.entity().hasEntity() ? res.as(String.class) : "");
        }
    }

    private static JsonNode error(Answer a, int status, String code) {
        assertEquals(status, a.status(), a.body());
        JsonNode err = a.json().get("error");
        assertEquals(code, err.path("code").asText(), a.body());
        return err;
    }

    @Test
    void eachModelAnswersOnItsOwnRouteWithIntervals() {
        Answer msft = send(Method.POST, "/v1/models/fleet-msft/predict", BODY.replace("100, ", ""));
        assertEquals(200, msft.status(), msft.body());
        assertEquals("fleet-msft", msft.json().at("/model/name").asText());
        assertEquals("1", msft.json().at("/model/version").asText());
        assertEquals(2, msft.json().get("predictions").size());
        assertTrue(msft.json().get("intervals").isArray(), msft.body());
        assertEquals(2, msft.json().get("naive").size());

        Answer aapl = send(Method.POST, "/v1/models/fleet-aapl/predict", BODY);
        assertEquals(200, aapl.status(), aapl.body());
        assertEquals("fleet-aapl", aapl.json().at("/model/name").asText());
        assertEquals("7", aapl.json().at("/model/version").asText());
        assertEquals(6, aapl.json().get("closes_used").asInt());
        // the window length is the model's own: fleet-msft's 5 closes are too few for fleet-aapl
        JsonNode tooShort = error(send(Method.POST, "/v1/models/fleet-aapl/predict", BODY.replace("100, ", "")), 400, "invalid_field");
        assertEquals("closes", tooShort.path("field").asText());
    }

    @Test
    void anUnknownModelIs404NamingIt() {
        JsonNode err = error(send(Method.POST, "/v1/models/fleet-nope/predict", BODY), 404, "model_not_found");
        assertTrue(err.path("message").asText().contains("fleet-nope"), err.toString());
        assertTrue(err.path("message").asText().contains("fleet-msft, fleet-aapl, fleet-none.SA, fleet-hook"), err.toString());
        error(send(Method.GET, "/v1/models/fleet-nope", null), 404, "model_not_found");
        error(send(Method.GET, "/v1/models/fleet-msft/predict", null), 405, "method_not_allowed");
    }

    @Test
    void aModelWithoutAVersionIs503OnItsRoutesWhileTheServiceIsReady() {
        JsonNode err = error(send(Method.POST, "/v1/models/fleet-none.SA/predict", BODY), 503, "model_not_ready");
        assertTrue(err.path("message").asText().contains("fleet-none.SA") && err.path("message").asText().contains("points at none"),
                err.toString());
        error(send(Method.GET, "/v1/models/fleet-none.SA", null), 503, "model_not_ready");
        Answer ready = send(Method.GET, "/health/ready", null);
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", ready.json().get("status").asText());
        assertEquals("UP", ready.json().at("/models/fleet-msft/status").asText());
        assertEquals("7", ready.json().at("/models/fleet-aapl/model/version").asText());
        assertEquals("DOWN", ready.json().at("/models/fleet-none.SA/status").asText());
        assertEquals("no_version", ready.json().at("/models/fleet-none.SA/condition").asText());
        assertEquals(200, send(Method.GET, "/ping", null).status());
    }

    @Test
    void theModelListSaysWhatServesAndWhatTheAliasPointsAt() {
        Answer list = send(Method.GET, "/v1/models", null);
        assertEquals(200, list.status(), list.body());
        JsonNode models = list.json().get("models");
        assertEquals(4, models.size(), list.body());
        assertEquals("fleet-msft", models.get(0).get("name").asText());
        assertEquals("serving", models.get(0).get("condition").asText());
        assertEquals("1", models.get(0).get("serving_version").asText());
        assertEquals("1", models.get(0).get("alias_points_at").asText());
        assertEquals("production", models.get(0).get("alias").asText());
        assertTrue(models.get(0).get("in_sync").asBoolean());
        assertEquals("7", models.get(1).get("serving_version").asText());
        assertEquals("no_version", models.get(2).get("condition").asText());
        assertTrue(models.get(2).get("serving_version").isNull());
        assertTrue(models.get(2).get("reason").asText().contains("points at none"), list.body());
        Answer one = send(Method.GET, "/v1/models/fleet-aapl", null);
        assertEquals(200, one.status(), one.body());
        assertEquals("fleet-aapl", one.json().get("name").asText());
        assertEquals(6, one.json().get("window_length").asInt());
        assertEquals("7", one.json().at("/state/serving_version").asText());
    }

    @Test
    void theSingleModelRoutesNameTheFleetRoutes() {
        for (Answer a : List.of(send(Method.POST, "/v1/predict", BODY), send(Method.GET, "/v1/model", null),
                send(Method.POST, "/invocations", "{\"inputs\": [1, 2, 3, 4, 5]}"))) {
            JsonNode err = error(a, 409, "model_required");
            assertTrue(err.path("message").asText().contains("/v1/models/{name}/predict"), err.toString());
            assertTrue(err.path("message").asText().contains("fleet-msft, fleet-aapl, fleet-none.SA, fleet-hook"), err.toString());
        }
    }

    @Test
    void aWebhookForOneModelChecksThatModelOnly() throws Exception {
        HOOK.pointAt("2");
        int msftResolves = MSFT.resolves();
        Answer other = webhook("fleet-hook", "staging");
        assertEquals(202, other.status(), other.body());
        assertEquals(false, other.json().get("check_triggered").asBoolean(), "another alias than the one followed");
        assertEquals(false, webhook("fleet-elsewhere", "production").json().get("check_triggered").asBoolean());
        int challengerResolves = HOOK_CHALLENGER.resolves();
        assertEquals(true, webhook("fleet-hook", "challenger").json().get("check_triggered").asBoolean(),
                "a webhook for the shadow alias checks the challenger");
        TestClient.await("the challenger checked after its webhook", java.time.Duration.ofSeconds(10),
                () -> HOOK_CHALLENGER.resolves() > challengerResolves);
        Answer hook = webhook("fleet-hook", "production");
        assertEquals(202, hook.status(), hook.body());
        assertTrue(hook.json().get("check_triggered").asBoolean(), hook.body());
        TestClient.await("fleet-hook v2 after its webhook", java.time.Duration.ofSeconds(10),
                () -> FLEET.get("fleet-hook").status().serving().map(ModelInfo::version).orElse("").equals("2"));
        assertEquals(msftResolves, MSFT.resolves(), "a webhook for fleet-hook must not check fleet-msft");
    }

    private Answer webhook(String model, String alias) {
        String body = "{\"entity\":\"model_version_alias\",\"action\":\"created\",\"data\":{\"name\":\"" + model
                + "\",\"alias\":\"" + alias + "\",\"version\":\"2\"}}";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String id = "d-" + model + "-" + alias;
        String ts = Long.toString(java.time.Instant.now().getEpochSecond());
        String signature = WebhookVerifier.create(SECRET, java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC()).sign(id, ts, bytes);
        Http1ClientRequest req = client.method(Method.POST).uri("/v1/webhooks/mlflow")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(WebhookService.DELIVERY_ID, id)
                .header(WebhookService.TIMESTAMP, ts)
                .header(WebhookService.SIGNATURE, signature);
        try (Http1ClientResponse res = req.submit(body)) {
            return new Answer(res.status().code(), res.as(String.class));
        }
    }

    private static final String FEEDBACK = "{\"date\": \"2024-12-30\", \"actual\": 100, \"predicted\": 101, \"last\": 98";

    /** The entry of one version in a feedback summary, or a failure naming the summary. */
    private static JsonNode version(Answer summary, String version) {
        for (JsonNode v : summary.json().get("versions")) {
            if (v.get("version").asText().equals(version)) {
                return v;
            }
        }
        throw new AssertionError("expected version " + version + " in " + summary.body());
    }

    private static List<String> versions(Answer summary) {
        List<String> out = new java.util.ArrayList<>();
        summary.json().get("versions").forEach(v -> out.add(v.get("version").asText()));
        return out;
    }

    @Test
    void eachModelKeepsItsOwnFeedbackEvenForTheSameVersionNumber() {
        // both models get feedback for a version "3": fleet-msft's forecast 1 off (naive 2), fleet-aapl's 4 off (naive 2)
        Answer msft = send(Method.POST, "/v1/models/fleet-msft/feedback", FEEDBACK + ", \"version\": \"3\", "
                + "\"intervals\": [{\"level\": 0.8, \"lower\": 99, \"upper\": 102}]}");
        assertEquals(200, msft.status(), msft.body());
        assertEquals("fleet-msft", msft.json().get("model").asText());
        assertEquals("3", msft.json().at("/accepted/version").asText());
        assertEquals(1.0, msft.json().at("/summary/mae").asDouble(), 1e-12);
        assertTrue(msft.json().at("/accepted/inside/0/inside").asBoolean(), msft.body());
        Answer aapl = send(Method.POST, "/v1/models/fleet-aapl/feedback",
                "{\"date\": \"2024-12-30\", \"actual\": 100, \"predicted\": 104, \"last\": 98, \"version\": \"3\", "
                        + "\"intervals\": [{\"level\": 0.8, \"lower\": 101, \"upper\": 106}]}");
        assertEquals(200, aapl.status(), aapl.body());
        assertEquals(4.0, aapl.json().at("/summary/mae").asDouble(), 1e-12);
        assertEquals(1, aapl.json().at("/summary/count").asInt(), "fleet-msft's report is not fleet-aapl's: " + aapl.body());
        // without a version, each model's own serving version
        Answer msftDefault = send(Method.POST, "/v1/models/fleet-msft/feedback", FEEDBACK + "}");
        assertEquals("1", msftDefault.json().at("/accepted/version").asText(), msftDefault.body());
        Answer aaplDefault = send(Method.POST, "/v1/models/fleet-aapl/feedback", FEEDBACK + "}");
        assertEquals("7", aaplDefault.json().at("/accepted/version").asText(), aaplDefault.body());

        Answer msftSummary = send(Method.GET, "/v1/models/fleet-msft/feedback/summary", null);
        assertEquals(200, msftSummary.status(), msftSummary.body());
        assertEquals("fleet-msft", msftSummary.json().get("model").asText());
        assertEquals("1", msftSummary.json().get("serving_version").asText());
        assertEquals(List.of("3", "1"), versions(msftSummary));
        assertEquals(1, version(msftSummary, "3").get("count").asInt());
        assertEquals(1.0, version(msftSummary, "3").get("mae").asDouble(), 1e-12);
        assertEquals(0.5, version(msftSummary, "3").get("mase").asDouble(), 1e-12);
        assertEquals(1.0, version(msftSummary, "3").at("/coverage/0/coverage").asDouble(), 1e-12);
        Answer aaplSummary = send(Method.GET, "/v1/models/fleet-aapl/feedback/summary", null);
        assertEquals("7", aaplSummary.json().get("serving_version").asText());
        assertEquals(List.of("7", "3"), versions(aaplSummary));
        assertEquals(4.0, version(aaplSummary, "3").get("mae").asDouble(), 1e-12);
        assertEquals(2.0, version(aaplSummary, "3").get("mase").asDouble(), 1e-12);
        assertEquals(0.0, version(aaplSummary, "3").at("/coverage/0/coverage").asDouble(), 1e-12);
        Answer none = send(Method.GET, "/v1/models/fleet-none.SA/feedback/summary", null);
        assertEquals(200, none.status(), none.body());
        assertTrue(none.json().get("serving_version").isNull(), none.body());
        assertEquals(0, none.json().get("versions").size(), none.body());

        // and the gauges carry the model: version "3" is one series per model
        assertEquals(0.5, online("closecast_online_mase", "fleet-msft", "3"), 1e-12);
        assertEquals(2.0, online("closecast_online_mase", "fleet-aapl", "3"), 1e-12);
    }

    private static double online(String gauge, String model, String version) {
        return Metrics.globalRegistry().gauge(gauge, List.of(io.helidon.metrics.api.Tag.create("model", model),
                io.helidon.metrics.api.Tag.create("version", version))).orElseThrow().value().doubleValue();
    }

    @Test
    void feedbackForAnUnknownModelIs404NamingIt() {
        for (Answer a : List.of(send(Method.POST, "/v1/models/fleet-nope/feedback", FEEDBACK + "}"),
                send(Method.GET, "/v1/models/fleet-nope/feedback/summary", null))) {
            JsonNode err = error(a, 404, "model_not_found");
            assertTrue(err.path("message").asText().contains("fleet-nope"), err.toString());
            assertTrue(err.path("message").asText().contains("fleet-msft, fleet-aapl, fleet-none.SA, fleet-hook"), err.toString());
        }
        error(send(Method.GET, "/v1/models/fleet-msft/feedback", null), 405, "method_not_allowed");
        error(send(Method.POST, "/v1/models/fleet-msft/feedback/summary", "{}"), 405, "method_not_allowed");
    }

    @Test
    void theSingleModelFeedbackRoutesAre409NamingThePerModelRoutes() {
        for (Answer a : List.of(send(Method.POST, "/v1/feedback", FEEDBACK + ", \"version\": \"1\"}"),
                send(Method.GET, "/v1/feedback/summary", null))) {
            JsonNode err = error(a, 409, "model_required");
            assertTrue(err.path("message").asText().contains("POST /v1/models/{name}/feedback"), err.toString());
            assertTrue(err.path("message").asText().contains("GET /v1/models/{name}/feedback/summary"), err.toString());
            assertTrue(err.path("message").asText().contains("fleet-msft, fleet-aapl, fleet-none.SA, fleet-hook"), err.toString());
        }
    }

    @Test
    void perModelFeedbackChecksTheFieldsAsStrictly() {
        JsonNode extra = error(send(Method.POST, "/v1/models/fleet-aapl/feedback", FEEDBACK + ", \"model\": \"x\"}"), 400, "invalid_field");
        assertEquals("model", extra.path("field").asText(), extra.toString());
        JsonNode badVersion = error(send(Method.POST, "/v1/models/fleet-aapl/feedback", FEEDBACK + ", \"version\": \"v7\"}"), 400,
                "invalid_field");
        assertEquals("version", badVersion.path("field").asText(), badVersion.toString());
        JsonNode badLevel = error(send(Method.POST, "/v1/models/fleet-aapl/feedback", FEEDBACK
                + ", \"intervals\": [{\"level\": 80, \"lower\": 1, \"upper\": 2}]}"), 400, "invalid_field");
        assertEquals("intervals[0].level", badLevel.path("field").asText(), badLevel.toString());
        // a model with no serving version has nothing to default to: the message names the model
        JsonNode noDefault = error(send(Method.POST, "/v1/models/fleet-none.SA/feedback", FEEDBACK + "}"), 400, "invalid_field");
        assertEquals("version", noDefault.path("field").asText(), noDefault.toString());
        assertTrue(noDefault.path("message").asText().contains("fleet-none.SA"), noDefault.toString());
        error(send(Method.POST, "/v1/models/fleet-aapl/feedback", "[1]"), 400, "malformed_body");
    }

    @Test
    void predictionsAreCountedPerModel() {
        double before = count("fleet-aapl");
        assertEquals(200, send(Method.POST, "/v1/models/fleet-aapl/predict", BODY).status());
        assertEquals(before + 1, count("fleet-aapl"), 1e-9);
    }

    private static double count(String model) {
        return Metrics.globalRegistry().counter("closecast_predictions", List.of(io.helidon.metrics.api.Tag.create("model", model)))
                .map(c -> (double) c.count()).orElse(0.0);
    }

}
