package io.closecast.serving;

import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.TradingCalendar;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive intervals ({@code model.intervals.adaptive.gamma}) through the running service with the embedded forecast
 * log: misses reported by {@code /v1/feedback} and a close pushed to {@code /v1/prices} lower alpha_t by hand-worked
 * amounts, once per version and day whichever reports it; the served intervals widen, {@code /v1/model} and the
 * {@code closecast_aci_alpha} gauge show the state, a restart resumes it, and a new version starts from the nominal
 * levels.
 */
class AdaptiveIntervalsServiceTest {

    static final String MODEL = "aci-unit";
    static final int WINDOW = 5;
    static final double GAMMA = 0.05;

    @TempDir
    Path dir;

    private ServingConfig config() {
        return ServingConfig.builder().host("127.0.0.1").port(0).modelName(MODEL).adaptiveGamma(GAMMA)
                .trackDir(dir.resolve("track")).trackPricesDir(dir.resolve("prices"))
                .trackRefreshInterval(Duration.ofHours(1)).build();
    }

    private static List<PriceBar> bars(int n) {
        Random random = new Random(11);
        List<LocalDate> days = TradingCalendar.forSymbol("MSFT").next(LocalDate.of(2024, 3, 1), n);
        List<PriceBar> out = new ArrayList<>();
        double close = 100;
        for (LocalDate d : days) {
            close *= Math.exp(random.nextGaussian() * 0.015);
            out.add(new PriceBar(d, close, close, close, close, close, 1000));
        }
        return out;
    }

    private static String predict(List<PriceBar> window) {
        StringBuilder body = new StringBuilder("{\"closes\":[");
        StringBuilder dates = new StringBuilder("],\"dates\":[");
        for (int i = 0; i < window.size(); i++) {
            body.append(i > 0 ? "," : "").append(window.get(i).close());
            dates.append(i > 0 ? "," : "").append('"').append(window.get(i).date()).append('"');
        }
        return body.append(dates).append("],\"horizon\":1}").toString();
    }

    /** A report of {@code date} whose close 500 falls outside both intervals given (around 100). */
    private static String missed(LocalDate date) {
        return "{\"date\":\"" + date + "\",\"actual\":500,\"predicted\":100,\"last\":100,\"version\":\"1\",\"intervals\":"
                + "[{\"level\":0.8,\"lower\":95,\"upper\":105},{\"level\":0.95,\"lower\":90,\"upper\":110}]}";
    }

    private static double logWidth(JsonNode answer, int level) {
        JsonNode i = answer.get("intervals").get(level);
        return Math.log(i.get("upper").get(0).asDouble() / i.get("lower").get(0).asDouble());
    }

    private static double alpha(JsonNode model, double level) {
        for (JsonNode l : model.at("/adaptive_intervals/levels")) {
            if (l.get("level").asDouble() == level) {
                return l.get("alpha").asDouble();
            }
        }
        throw new AssertionError("no level " + level + " in " + model);
    }

    private static double gauge(String version, double level) {
        return Metrics.globalRegistry().gauge("closecast_aci_alpha", List.of(Tag.create("model", MODEL),
                        Tag.create("version", version), Tag.create("level", Double.toString(level))))
                .orElseThrow(() -> new AssertionError("no closecast_aci_alpha gauge for v" + version + " " + level))
                .value().doubleValue();
    }

    @Test
    void missesWidenTheServedIntervalsOncePerDayAndTheStateSurvivesARestart() throws Exception {
        List<PriceBar> bars = bars(WINDOW + 1);
        List<PriceBar> window = bars.subList(0, WINDOW);
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        clock.setDay(window.getLast().date());
        TestModelSource source = new TestModelSource(MODEL, WINDOW, 10, "1");
        double widened80;
        try (RunningService service = Main.start(config(), List.of(source), Map.of(), clock)) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient http = new TestClient(service.port());
            JsonNode first = TestClient.json(http.post("/v1/predict", "application/json", predict(window)));
            assertEquals("split-conformal-ewma-abs-return+aci", first.get("interval_method").asText(), first.toString());
            JsonNode model = TestClient.json(http.get("/v1/model"));
            assertEquals(GAMMA, model.at("/adaptive_intervals/gamma").asDouble(), model.toString());
            assertEquals(0, model.at("/adaptive_intervals/updates").asInt());
            assertEquals(0.2, alpha(model, 0.8), 1e-12, "a version starts at the nominal miss rate");
            assertEquals(0.05, alpha(model, 0.95), 1e-12);

            // three days missed by feedback: 0.2 + 3 * 0.05 * (0.2 - 1) = 0.08; 95 %: 0.05 - 3 * 0.0475 -> 0.0005
            for (int d = 1; d <= 3; d++) {
                HttpResponse<String> res = http.post("/v1/feedback", "application/json", missed(bars.get(d).date()));
                assertEquals(200, res.statusCode(), res.body());
            }
            HttpResponse<String> again = http.post("/v1/feedback", "application/json", missed(bars.get(2).date()));
            assertEquals(200, again.statusCode(), again.body());
            model = TestClient.json(http.get("/v1/model"));
            assertEquals(3, model.at("/adaptive_intervals/updates").asInt(), "a day reported twice counts once: " + model);
            assertEquals(0.08, alpha(model, 0.8), 1e-12);
            assertEquals(AdaptiveConformal.minAlpha(0.95), alpha(model, 0.95), 1e-12, "clipped at alpha / 100");
            assertEquals(0.08, gauge("1", 0.8), 1e-12);

            JsonNode second = TestClient.json(http.post("/v1/predict", "application/json", predict(window)));
            double half80 = logWidth(first, 0) / 2;
            double half95 = logWidth(first, 1) / 2;
            double expected80 = AdaptiveConformal.halfWidth(new double[] {0.2, 0.05}, new double[] {half80, half95}, 0.08);
            assertEquals(2 * expected80, logWidth(second, 0), 1e-9, "the 80 % interval re-read at alpha 0.08");
            assertTrue(logWidth(second, 0) > logWidth(first, 0) * 1.1, "widened: " + first + " then " + second);
            assertTrue(logWidth(second, 1) > logWidth(first, 1) * 2, "95 % at its floor: " + second);

            // the track record: the first request's forecast for the next day, scored by a pushed close outside it
            Tracker tracker = service.tracker().orElseThrow();
            assertTrue(tracker.flush(Duration.ofSeconds(10)));
            LocalDate target = bars.get(WINDOW).date();
            double close = first.get("intervals").get(1).get("upper").get(0).asDouble() * 1.05;
            clock.setDay(target);
            HttpResponse<String> pushed = http.post("/v1/prices", "application/json", "{\"symbol\":\"MSFT\",\"bars\":[{\"date\":\""
                    + target + "\",\"open\":" + close + ",\"high\":" + close + ",\"low\":" + close + ",\"close\":" + close
                    + ",\"volume\":1000}]}");
            assertEquals(200, pushed.statusCode(), pushed.body());
            assertEquals(1, TestClient.json(pushed).get("scored").asInt(), pushed.body());
            model = TestClient.json(http.get("/v1/model"));
            assertEquals(4, model.at("/adaptive_intervals/updates").asInt(), "the scored forecast is one outcome: " + model);
            assertEquals(0.04, alpha(model, 0.8), 1e-12);
            assertEquals(target.toString(), model.at("/adaptive_intervals/last_outcome").asText());
            // the same day reported by feedback after the price feed scored it: not counted again
            assertEquals(200, http.post("/v1/feedback", "application/json", missed(target)).statusCode());
            assertEquals(4, TestClient.json(http.get("/v1/model")).at("/adaptive_intervals/updates").asInt());
            widened80 = logWidth(TestClient.json(http.post("/v1/predict", "application/json", predict(window))), 0);
        }

        try (RunningService service = Main.start(config(), List.of(source), Map.of(), clock)) {
            TestClient.await("ready again", Duration.ofSeconds(20), service.models()::ready);
            TestClient http = new TestClient(service.port());
            JsonNode model = TestClient.json(http.get("/v1/model"));
            assertEquals(4, model.at("/adaptive_intervals/updates").asInt(), "resumed after the restart: " + model);
            assertEquals(0.04, alpha(model, 0.8), 1e-12);
            assertTrue(model.at("/adaptive_intervals/store").asText().contains("forecast-log"), model.toString());
            JsonNode answer = TestClient.json(http.post("/v1/predict", "application/json", predict(window)));
            assertEquals(widened80, logWidth(answer, 0), 1e-9, "the same widened interval after the restart");

            source.pointAt("2");
            service.models().checkNow();
            TestClient.await("v2 serving", Duration.ofSeconds(20),
                    () -> service.models().status().serving().map(i -> i.version().equals("2")).orElse(false));
            JsonNode v2 = TestClient.json(http.get("/v1/model"));
            assertEquals(0, v2.at("/adaptive_intervals/updates").asInt(), v2.toString());
            assertEquals(0.2, alpha(v2, 0.8), 1e-12, "a new version starts from the nominal level");
            assertEquals(0.04, gauge("1", 0.8), 1e-12, "v1 keeps its own state");
        }
    }

    @Test
    void withoutTheOptionTheIntervalsAreTheCalibratedOnes() throws Exception {
        List<PriceBar> window = bars(WINDOW);
        ServingConfig off = ServingConfig.builder().host("127.0.0.1").port(0).modelName(MODEL).trackEnabled(false).build();
        try (RunningService service = Main.start(off, List.of(new TestModelSource(MODEL, WINDOW, 10, "1")))) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient http = new TestClient(service.port());
            JsonNode answer = TestClient.json(http.post("/v1/predict", "application/json", predict(window)));
            assertEquals("split-conformal-ewma-abs-return", answer.get("interval_method").asText());
            assertTrue(TestClient.json(http.get("/v1/model")).get("adaptive_intervals").isNull());
        }
    }
}
