package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.TradingCalendar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A challenger in shadow with the embedded store and test model sources: production (drift over 5 closes, v1)
 * answers; the challenger (drift over the last 3, v2, alias {@code challenger}) is logged for the same requests under
 * its own version and alias; both are scored on the same days and the track record's comparison equals the one
 * computed here from the closes. A challenger that cannot load changes no answer and no readiness.
 */
class ShadowChallengerTest {

    static final String MODEL = "shadow-unit";
    static final int DAYS = 33;
    static final int HORIZON = 2;
    static final int WINDOW = 5;

    @TempDir
    Path dir;

    private static TestModelSource challenger(String version) {
        return new TestModelSource(MODEL, 3, 10, version) {
            @Override
            public String alias() {
                return "challenger";
            }
        };
    }

    private static List<PriceBar> bars(int n) {
        Random random = new Random(42);
        List<LocalDate> days = TradingCalendar.forSymbol("MSFT").next(LocalDate.of(2024, 1, 2), n);
        List<PriceBar> out = new ArrayList<>();
        double close = 100;
        for (LocalDate d : days) {
            close *= Math.exp(random.nextGaussian() * 0.015);
            out.add(new PriceBar(d, close, close, close, close, close, 1000));
        }
        return out;
    }

    private ServingConfig config() {
        return ServingConfig.builder().host("127.0.0.1").port(0).addModel(MODEL, "production", "challenger")
                .trackDir(dir.resolve("track")).trackPricesDir(dir.resolve("prices"))
                .trackRefreshInterval(Duration.ofHours(1)).build();
    }

    private static double drift(double[] w, int from, int step) {
        double last = w[w.length - 1];
        return last + (last - w[from]) / (w.length - 1 - from) * step;
    }

    @Test
    void theChallengerIsLoggedAndComparedOnTheSameDays() throws Exception {
        List<PriceBar> bars = bars(WINDOW + DAYS + HORIZON + 1);
        PriceSeries series = PriceSeries.create("MSFT", "test", bars);
        Files.createDirectories(dir.resolve("prices"));
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        @SuppressWarnings("unchecked") // per step: {production error, challenger error} per day
        List<double[]>[] pairs = new List[HORIZON];
        for (int s = 0; s < HORIZON; s++) {
            pairs[s] = new ArrayList<>();
        }
        try (RunningService service = Main.start(config(), List.of(new TestModelSource(MODEL, WINDOW, 10, "1")),
                Map.of(MODEL, challenger("2")), clock)) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            ModelManager shadow = service.fleet().shadow(MODEL).orElseThrow();
            TestClient.await("challenger serving", Duration.ofSeconds(20), () -> shadow.status().ready());
            Tracker tracker = service.tracker().orElseThrow();
            TestClient http = new TestClient(service.port());
            int answered = 0;
            for (int k = 0; k <= DAYS + HORIZON; k++) {
                int today = WINDOW - 1 + k;
                clock.setDay(bars.get(today).date());
                PriceCsv.write(series.withBars(bars.subList(0, today + 1)), dir.resolve("prices/MSFT.csv"));
                assertTrue(tracker.flush(Duration.ofSeconds(10)));
                tracker.refresh();
                if (k >= DAYS) {
                    continue;
                }
                List<PriceBar> window = bars.subList(today + 1 - WINDOW, today + 1);
                double[] w = window.stream().mapToDouble(PriceBar::close).toArray();
                StringBuilder body = new StringBuilder("{\"closes\":[");
                StringBuilder dates = new StringBuilder("],\"dates\":[");
                for (int i = 0; i < window.size(); i++) {
                    body.append(i > 0 ? "," : "").append(w[i]);
                    dates.append(i > 0 ? "," : "").append('"').append(window.get(i).date()).append('"');
                }
                HttpResponse<String> res = http.post("/v1/predict", "application/json",
                        body.append(dates).append("],\"horizon\":").append(HORIZON).append('}').toString());
                assertEquals(200, res.statusCode(), res.body());
                answered++;
                JsonNode json = TestClient.json(res);
                assertEquals("1", json.at("/model/version").asText(), "production answers, never the challenger");
                for (int s = 1; s <= HORIZON; s++) {
                    double production = drift(w, 0, s);
                    assertEquals(production, json.get("predictions").get(s - 1).asDouble(), 1e-9);
                    double actual = bars.get(today + s).close();
                    pairs[s - 1].add(new double[] {production - actual, drift(w, 2, s) - actual});
                }
            }
            assertTrue(tracker.flush(Duration.ofSeconds(10)));
            tracker.refresh();
            JsonNode record = TestClient.json(http.get("/v1/models/" + MODEL + "/track-record"));
            assertEquals(2 * answered, record.at("/log/requests").asInt(), "each request logged twice: production and shadow");
            JsonNode challenger = record.get("challenger");
            assertEquals("challenger", challenger.get("alias").asText(), record.toString());
            assertEquals("2", challenger.get("version").asText());
            assertEquals("1", challenger.get("production_version").asText());
            JsonNode comparison = challenger.get("comparison");
            assertEquals(HORIZON, comparison.size(), record.toString());
            for (int s = 1; s <= HORIZON; s++) {
                JsonNode c = comparison.get(s - 1);
                List<double[]> p = pairs[s - 1];
                double[] eP = p.stream().mapToDouble(e -> e[0]).toArray();
                double[] eC = p.stream().mapToDouble(e -> e[1]).toArray();
                assertEquals(s, c.get("step").asInt());
                assertEquals(DAYS, c.get("days").asInt(), "every day scored for both");
                double maeP = java.util.Arrays.stream(eP).map(Math::abs).average().orElseThrow();
                double maeC = java.util.Arrays.stream(eC).map(Math::abs).average().orElseThrow();
                assertEquals(maeP, c.get("production_mae").asDouble(), 1e-9);
                assertEquals(maeC, c.get("challenger_mae").asDouble(), 1e-9);
                assertEquals(maeC / maeP, c.get("ratio").asDouble(), 1e-9);
                DieboldMariano.Result dm = DieboldMariano.test(eC, eP, s, DieboldMariano.Loss.ABSOLUTE);
                assertEquals(dm.statistic(), c.at("/dm/statistic").asDouble(), 1e-9, c.toString());
                assertEquals(dm.pBetter(), c.at("/dm/p_better").asDouble(), 1e-9);
                assertEquals(DAYS, c.at("/dm/days").asInt());
            }
            // the model card says the same in words: the first step's comparison against production
            JsonNode verdict = TestClient.json(http.get("/v1/models/" + MODEL + "/verdict"));
            JsonNode first = comparison.get(0);
            assertEquals("2", verdict.at("/challenger/version").asText(), verdict.toString());
            assertEquals(first.get("ratio").asDouble(), verdict.at("/challenger/ratio").asDouble(), 1e-12);
            assertEquals(DAYS, verdict.at("/challenger/days").asInt());
            String words = io.closecast.serving.dashboard.Comparison.of(first.get("challenger_mae").asDouble(),
                    first.get("production_mae").asDouble(), first.at("/dm/p_better").asDouble(), "production").text();
            assertEquals("Challenger v2 (@challenger, in shadow): " + DAYS + " common scored days, MAE "
                    + String.format(java.util.Locale.ROOT, "%.2f", first.get("ratio").asDouble()) + " of production's, " + words,
                    verdict.at("/lines").get(verdict.get("lines").size() - 1).get("text").asText());
            JsonNode ready = TestClient.json(http.get("/health/ready"));
            assertEquals("serving", ready.at("/challengers/" + MODEL + "/condition").asText(), ready.toString());
            assertEquals("2", ready.at("/challengers/" + MODEL + "/serving_version").asText());
        }
    }

    @Test
    void aBrokenChallengerChangesNoAnswerAndNoReadiness() throws Exception {
        List<PriceBar> bars = bars(WINDOW + 1);
        TestModelSource broken = challenger("2").failOnLoad("2");
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        clock.setDay(bars.getLast().date());
        try (RunningService service = Main.start(config(), List.of(new TestModelSource(MODEL, WINDOW, 10, "1")),
                Map.of(MODEL, broken), clock)) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient.await("challenger refused", Duration.ofSeconds(20), () -> broken.loadAttempts("2") > 0
                    && !service.fleet().shadow(MODEL).orElseThrow().status().condition().text().equals("loading"));
            TestClient http = new TestClient(service.port());
            StringBuilder body = new StringBuilder("{\"closes\":[");
            StringBuilder dates = new StringBuilder("],\"dates\":[");
            for (int i = 1; i <= WINDOW; i++) {
                body.append(i > 1 ? "," : "").append(bars.get(i).close());
                dates.append(i > 1 ? "," : "").append('"').append(bars.get(i).date()).append('"');
            }
            HttpResponse<String> res = http.post("/v1/predict", "application/json",
                    body.append(dates).append("],\"horizon\":1}").toString());
            assertEquals(200, res.statusCode(), res.body());
            assertEquals("1", TestClient.json(res).at("/model/version").asText());
            HttpResponse<String> readyRes = http.get("/health/ready");
            assertEquals(200, readyRes.statusCode(), "a broken challenger never holds readiness back: " + readyRes.body());
            JsonNode ready = TestClient.json(readyRes);
            assertFalse(ready.at("/challengers/" + MODEL + "/condition").asText().equals("serving"), ready.toString());
            assertFalse(ready.at("/challengers/" + MODEL + "/affects_readiness").asBoolean());
            assertTrue(service.tracker().orElseThrow().flush(Duration.ofSeconds(10)));
            JsonNode record = TestClient.json(http.get("/v1/models/" + MODEL + "/track-record"));
            assertEquals(1, record.at("/log/requests").asInt(), "only production's forecast is logged: " + record);
            assertEquals(0, record.at("/challenger/comparison").size());
        }
    }

    @Test
    void datedInvocationsRunTheChallengerToo() throws Exception {
        List<PriceBar> bars = bars(WINDOW);
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        clock.setDay(bars.getLast().date());
        try (RunningService service = Main.start(config(), List.of(new TestModelSource(MODEL, WINDOW, 10, "1")),
                Map.of(MODEL, challenger("2")), clock)) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient.await("challenger serving", Duration.ofSeconds(20),
                    () -> service.fleet().shadow(MODEL).orElseThrow().status().ready());
            java.io.StringWriter csv = new java.io.StringWriter();
            PriceCsv.write(PriceSeries.create("MSFT", "test", bars), csv);
            TestClient http = new TestClient(service.port());
            HttpResponse<String> res = http.post("/invocations?horizon=2", "text/csv", csv.toString());
            assertEquals(200, res.statusCode(), res.body());
            assertTrue(service.tracker().orElseThrow().flush(Duration.ofSeconds(10)));
            JsonNode record = TestClient.json(http.get("/v1/models/" + MODEL + "/track-record"));
            assertEquals(2, record.at("/log/requests").asInt(), "production and challenger: " + record);
            assertEquals(4, record.at("/log/forecasts").asInt(), "two steps of two versions: " + record);
        }
    }

    /**
     * The challenger runs off the request thread: while a challenger's forward pass hangs, production keeps answering
     * (on one keep-alive connection too, which waited for the shadow run when it ran on the request's thread); the run
     * is on a shadow thread, and once it is let go the challenger's forecasts are logged (a flush waits for them).
     */
    @Test
    void aHangingChallengerHoldsNoRequestBack() throws Exception {
        List<PriceBar> bars = bars(WINDOW);
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        clock.setDay(bars.getLast().date());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(); // not the load's check
        TestModelSource hanging = new TestModelSource(MODEL, 3, 10, "2") {
            @Override
            public String alias() {
                return "challenger";
            }

            @Override
            public io.closecast.serving.models.Forecaster load(io.closecast.serving.models.VersionRef ref) {
                return new DriftForecaster(DriftForecaster.info(ref.name(), ref.version(), 3, 10)) {
                    @Override
                    public io.closecast.model.bundle.ForecastModel.Forecast forecastWithIntervals(double[] w, int h) {
                        if (!armed.get()) {
                            return super.forecastWithIntervals(w, h);
                        }
                        threads.add(Thread.currentThread().getName());
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.forecastWithIntervals(w, h);
                    }
                };
            }
        };
        try (RunningService service = Main.start(config(), List.of(new TestModelSource(MODEL, WINDOW, 10, "1")),
                Map.of(MODEL, hanging), clock)) {
            TestClient.await("ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient.await("challenger serving", Duration.ofSeconds(20),
                    () -> service.fleet().shadow(MODEL).orElseThrow().status().ready());
            armed.set(true);
            StringBuilder body = new StringBuilder("{\"closes\":[");
            StringBuilder dates = new StringBuilder("],\"dates\":[");
            for (int i = 0; i < WINDOW; i++) {
                body.append(i > 0 ? "," : "").append(bars.get(i).close());
                dates.append(i > 0 ? "," : "").append('"').append(bars.get(i).date()).append('"');
            }
            String request = body.append(dates).append("],\"horizon\":1}").toString();
            TestClient http = new TestClient(service.port());
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.post("/v1/predict", "application/json", request).statusCode());
            }
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "answered while the challenger hangs");
            TestClient.await("the challenger running", Duration.ofSeconds(10), () -> !threads.isEmpty());
            assertEquals(java.util.Set.of("closecast-shadow-1"), threads, "the challenger runs on the shadow thread");
            Tracker tracker = service.tracker().orElseThrow();
            assertFalse(tracker.flush(Duration.ofMillis(200)), "a flush waits for the challenger's runs");
            release.countDown();
            assertTrue(tracker.flush(Duration.ofSeconds(10)));
            JsonNode record = TestClient.json(http.get("/v1/models/" + MODEL + "/track-record"));
            assertEquals(6, record.at("/log/requests").asInt(), "three requests, each logged for both: " + record);
            assertEquals(0, tracker.shadowDropped());
        }
    }
}
