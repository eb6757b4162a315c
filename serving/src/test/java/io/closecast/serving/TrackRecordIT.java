package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.registry.MlflowModelSourceFactory;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;

/**
 * The live track record against a real MLflow and a real tiny LSTM, over a replayed stretch of days: a price
 * directory that grows by one day at a time, a clock the test moves (not the wall). The service answers dated
 * forecasts each day (some asked twice, through both predict routes), the closes arrive, and the track record's
 * counts, MAE, MASE, coverage and DM test equal those computed here from the answers and the closes. A restart keeps
 * the log and the scoring state.
 */
class TrackRecordIT extends RegistryTestBase {

    static final int DAYS = 36;
    static final int HORIZON = 2;

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        volatile Instant now;

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }

        void setDay(LocalDate day) {
            now = day.atTime(22, 0).toInstant(ZoneOffset.UTC);
        }
    }

    /** One answered dated forecast, as the client saw it. */
    record Answer(String requestId, LocalDate asOf, double[] points, double naive, List<LocalDate> targets,
                  Map<Double, double[][]> bounds) {
    }

    private static ServingConfig config(String model, Path track, Path prices) {
        return ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(uri).modelName(model)
                .pollInterval(Duration.ofSeconds(30)).modelCacheDir(work.resolve("cache-track"))
                .trackDir(track).trackPricesDir(prices).trackRefreshInterval(Duration.ofHours(1)).build();
    }

    private static RunningService start(ServingConfig config, Clock clock) {
        return Main.start(config, new MlflowModelSourceFactory().create(config, Map.of()), clock);
    }

    @Test
    void theTrackRecordEqualsOneComputedFromTheAnswersAndTheCloses() throws Exception {
        String model = RegistryFixture.unique("closecast-track");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        Path prices = Files.createDirectories(work.resolve("prices-" + model));
        Path track = work.resolve("track-" + model);
        PriceSeries series = fixture.series;
        List<PriceBar> bars = series.bars();
        int first = bars.size() - DAYS - HORIZON - 1; // replay DAYS days, then the days their last forecasts are for
        TestClock clock = new TestClock();
        clock.setDay(bars.get(first).date());
        Map<LocalDate, Double> closes = new HashMap<>();
        bars.forEach(b -> closes.put(b.date(), b.close()));

        List<Answer> answers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String before;
        try (RunningService service = start(config(model, track, prices), clock)) {
            TestClient.await("ready", Duration.ofSeconds(60), service.models()::ready);
            Tracker tracker = service.tracker().orElseThrow();
            TestClient http = new TestClient(service.port());
            for (int k = 0; k <= DAYS + HORIZON; k++) {
                int today = first + k;
                LocalDate day = bars.get(today).date();
                clock.setDay(day);
                PriceCsv.write(series.withBars(bars.subList(0, today + 1)), prices.resolve("MSFT.csv"));
                assertTrue(tracker.flush(Duration.ofSeconds(10)));
                tracker.refresh();
                if (k >= DAYS) {
                    continue; // the last days only bring closes
                }
                List<PriceBar> window = bars.subList(today + 1 - RegistryFixture.WINDOW, today + 1);
                answers.add(predict(http, window));
                if (k % 4 == 0) { // the same forecast again, through the CSV route: one logical forecast, two requests
                    Answer again = predictCsv(http, series.withBars(window));
                    assertEquals(answers.getLast().points()[0], again.points()[0], 1e-12);
                    answers.add(again);
                }
                HttpResponse<String> undated = http.post("/v1/predict", "application/json", TestClient.predictBody(
                        window.stream().mapToDouble(PriceBar::close).toArray(), 1));
                assertEquals(200, undated.statusCode(), undated.body());
            }
            answers.forEach(a -> assertTrue(ids.add(a.requestId()), "request ids are unique: " + a.requestId()));

            JsonNode record = TestClient.json(http.get("/v1/models/" + model + "/track-record"));
            int requests = answers.size();
            assertEquals(requests, record.at("/log/requests").asInt(), record.toString());
            assertEquals(DAYS * HORIZON, record.at("/log/forecasts").asInt(), "logical forecasts: one per day and step");
            assertEquals(DAYS * HORIZON, record.at("/log/scored").asInt(), "every logical forecast scored, once");
            assertEquals(DAYS, record.at("/log/undated").asInt());
            JsonNode lines = record.get("versions");
            assertEquals(HORIZON, lines.size(), record.toString());
            for (int step = 1; step <= HORIZON; step++) {
                checkStep(lines.get(step - 1), step, answers, closes, v1.number());
            }
            JsonNode ready = TestClient.json(http.get("/health/ready"));
            assertTrue(ready.at("/forecast_log/store_up").asBoolean(), ready.toString());
            assertEquals(requests, ready.at("/forecast_log/written").asInt(), ready.toString());
            assertEquals(0, ready.at("/forecast_log/not_written").asInt(), ready.toString());
            before = record.toString();
        }

        // a restart keeps the log and the scoring state: the same record, and nothing is scored twice
        try (RunningService service = start(config(model, track, prices), clock)) {
            TestClient.await("ready again", Duration.ofSeconds(60), service.models()::ready);
            assertEquals(0, service.tracker().orElseThrow().refresh().scored(), "nothing left to score after a restart");
            JsonNode after = TestClient.json(new TestClient(service.port()).get("/v1/track-record"));
            assertEquals(DAYS * HORIZON, after.at("/log/scored").asInt());
            assertEquals(before.replaceAll("\"undated\":\\d+", ""), after.toString().replaceAll("\"undated\":\\d+", ""),
                    "the same track record after a restart (undated counts are per process)");
        }
    }

    /** One step's line against the figures computed from the first answer of each logical forecast. */
    private static void checkStep(JsonNode line, int step, List<Answer> answers, Map<LocalDate, Double> closes, int version) {
        assertEquals(Integer.toString(version), line.get("version").asText());
        assertEquals(step, line.get("step").asInt());
        Map<LocalDate, Answer> firstByAsOf = new TreeMap<>();
        answers.forEach(a -> firstByAsOf.putIfAbsent(a.asOf(), a));
        List<Double> errors = new ArrayList<>();
        double err = 0;
        double naive = 0;
        Map<Double, int[]> inside = new TreeMap<>();
        List<double[]> dm = new ArrayList<>();
        for (Answer a : firstByAsOf.values()) {
            double actual = closes.get(a.targets().get(step - 1));
            double p = a.points()[step - 1];
            err += Math.abs(actual - p);
            naive += Math.abs(actual - a.naive());
            errors.add(Math.abs(actual - p));
            dm.add(new double[] {p - actual, a.naive() - actual});
            a.bounds().forEach((level, b) -> {
                int[] c = inside.computeIfAbsent(level, l -> new int[2]);
                c[0] += actual >= b[0][step - 1] && actual <= b[1][step - 1] ? 1 : 0;
                c[1]++;
            });
        }
        int n = firstByAsOf.size();
        assertEquals(n, line.get("days").asInt());
        assertEquals(err / n, line.get("mae").asDouble(), 1e-9);
        assertEquals(naive / n, line.get("naive_mae").asDouble(), 1e-9);
        assertEquals((err / n) / (naive / n), line.get("mase").asDouble(), 1e-9);
        assertFalse(inside.isEmpty(), "the model gives intervals");
        JsonNode coverage = line.get("coverage");
        assertEquals(inside.size(), coverage.size(), line.toString());
        int i = 0;
        for (Map.Entry<Double, int[]> e : inside.entrySet()) {
            JsonNode c = coverage.get(i++);
            assertEquals(e.getKey(), c.get("level").asDouble(), 1e-12);
            assertEquals(e.getValue()[0], c.get("inside").asInt(), "inside at " + e.getKey());
            assertEquals(n, c.get("days").asInt());
        }
        DieboldMariano.Result expected = DieboldMariano.test(dm.stream().mapToDouble(d -> d[0]).toArray(),
                dm.stream().mapToDouble(d -> d[1]).toArray(), step, DieboldMariano.Loss.ABSOLUTE);
        assertNotNull(line.get("dm"));
        assertEquals(expected.statistic(), line.at("/dm/statistic").asDouble(), 1e-9, line.toString());
    }

    private static Answer predict(TestClient http, List<PriceBar> window) {
        StringBuilder body = new StringBuilder("{\"closes\":[");
        StringBuilder dates = new StringBuilder("],\"dates\":[");
        for (int i = 0; i < window.size(); i++) {
            body.append(i > 0 ? "," : "").append(window.get(i).close());
            dates.append(i > 0 ? "," : "").append('"').append(window.get(i).date()).append('"');
        }
        HttpResponse<String> res = http.post("/v1/predict", "application/json",
                body.append(dates).append("],\"horizon\":").append(HORIZON).append('}').toString());
        return answer(res, window.getLast().date());
    }

    private static Answer predictCsv(TestClient http, PriceSeries window) throws Exception {
        java.io.StringWriter csv = new java.io.StringWriter();
        PriceCsv.write(window, csv);
        HttpResponse<String> res = http.post("/v1/predict/csv?horizon=" + HORIZON, "text/csv", csv.toString());
        return answer(res, window.lastDate());
    }

    private static Answer answer(HttpResponse<String> res, LocalDate asOf) {
        assertEquals(200, res.statusCode(), res.body());
        JsonNode json = TestClient.json(res);
        String id = res.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        double[] points = new double[HORIZON];
        List<LocalDate> targets = new ArrayList<>();
        for (int s = 0; s < HORIZON; s++) {
            points[s] = json.get("predictions").get(s).asDouble();
            targets.add(LocalDate.parse(json.get("dates").get(s).asText()));
        }
        Map<Double, double[][]> bounds = new LinkedHashMap<>();
        for (JsonNode interval : json.get("intervals")) {
            double[][] b = new double[2][HORIZON];
            for (int s = 0; s < HORIZON; s++) {
                b[0][s] = interval.get("lower").get(s).asDouble();
                b[1][s] = interval.get("upper").get(s).asDouble();
            }
            bounds.put(interval.get("level").asDouble(), b);
        }
        return new Answer(id, asOf, points, json.get("naive").get(0).asDouble(), targets, bounds);
    }
}
