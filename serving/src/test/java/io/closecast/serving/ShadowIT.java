package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.registry.MlflowModelSourceFactory;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;

/**
 * A challenger in shadow against a real MLflow: production (v1) and challenger (v2, another network of the same data)
 * are registered under the aliases {@code production} and {@code challenger}; the service answers dated forecasts
 * over a replayed stretch of days (a price directory growing day by day, a test clock) with production only, and
 * the track record's comparison (both scored on the same days: MAE each, ratio, DM) equals the one computed here from
 * the answers, the challenger's bundle run locally, and the closes.
 */
class ShadowIT extends RegistryTestBase {

    static final int DAYS = 32;
    static final int HORIZON = 2;

    @Test
    void productionAnswersAndTheChallengerIsScoredOnTheSameDays() throws Exception {
        String model = RegistryFixture.unique("closecast-shadow");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        RegistryFixture.Registered v2 = fixture.registerVariant(client, model, 11);
        client.registry().setAlias(model, "production", v1.number());
        client.registry().setAlias(model, "challenger", v2.number());
        ForecastModel challenger = v2.load();
        Path prices = Files.createDirectories(work.resolve("prices-" + model));
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(uri)
                .addModel(model, "production", "challenger").pollInterval(Duration.ofSeconds(30))
                .modelCacheDir(work.resolve("cache-shadow")).trackDir(work.resolve("track-" + model))
                .trackPricesDir(prices).trackRefreshInterval(Duration.ofHours(1)).build();
        PriceSeries series = fixture.series;
        List<PriceBar> bars = series.bars();
        int first = bars.size() - DAYS - HORIZON - 1;
        TrackRecordIT.TestClock clock = new TrackRecordIT.TestClock();
        clock.setDay(bars.get(first).date());
        @SuppressWarnings("unchecked") // per step: {production error, challenger error} per day
        List<double[]>[] pairs = new List[] {new ArrayList<double[]>(), new ArrayList<double[]>()};
        MlflowModelSourceFactory factory = new MlflowModelSourceFactory();
        try (RunningService service = Main.start(config, factory.create(config, Map.of()), factory.shadows(config, Map.of()),
                clock)) {
            TestClient.await("ready", Duration.ofSeconds(60), service.models()::ready);
            TestClient.await("challenger serving", Duration.ofSeconds(60),
                    () -> service.fleet().shadow(model).orElseThrow().status().ready());
            Tracker tracker = service.tracker().orElseThrow();
            TestClient http = new TestClient(service.port());
            for (int k = 0; k <= DAYS + HORIZON; k++) {
                int today = first + k;
                clock.setDay(bars.get(today).date());
                PriceCsv.write(series.withBars(bars.subList(0, today + 1)), prices.resolve("MSFT.csv"));
                assertTrue(tracker.flush(Duration.ofSeconds(10)));
                tracker.refresh();
                if (k >= DAYS) {
                    continue;
                }
                List<PriceBar> window = bars.subList(today + 1 - RegistryFixture.WINDOW, today + 1);
                double[] closes = window.stream().mapToDouble(PriceBar::close).toArray();
                StringBuilder body = new StringBuilder("{\"closes\":[");
                StringBuilder dates = new StringBuilder("],\"dates\":[");
                for (int i = 0; i < window.size(); i++) {
                    body.append(i > 0 ? "," : "").append(closes[i]);
                    dates.append(i > 0 ? "," : "").append('"').append(window.get(i).date()).append('"');
                }
                HttpResponse<String> res = http.post("/v1/predict", "application/json",
                        body.append(dates).append("],\"horizon\":").append(HORIZON).append('}').toString());
                assertEquals(200, res.statusCode(), res.body());
                JsonNode json = TestClient.json(res);
                assertEquals(Integer.toString(v1.number()), json.at("/model/version").asText(), "production answers");
                double[] theirs = challenger.forecast(closes, HORIZON);
                for (int s = 1; s <= HORIZON; s++) {
                    LocalDate target = LocalDate.parse(json.get("dates").get(s - 1).asText());
                    assertEquals(bars.get(today + s).date(), target);
                    double actual = bars.get(today + s).close();
                    pairs[s - 1].add(new double[] {json.get("predictions").get(s - 1).asDouble() - actual,
                            theirs[s - 1] - actual});
                }
            }
            JsonNode record = TestClient.json(http.get("/v1/models/" + model + "/track-record"));
            assertEquals(2 * DAYS, record.at("/log/requests").asInt(), "production's and the challenger's forecast per request");
            JsonNode c = record.get("challenger");
            assertEquals(Integer.toString(v2.number()), c.get("version").asText(), record.toString());
            assertEquals(Integer.toString(v1.number()), c.get("production_version").asText());
            JsonNode comparison = c.get("comparison");
            assertEquals(HORIZON, comparison.size(), record.toString());
            for (int s = 1; s <= HORIZON; s++) {
                JsonNode line = comparison.get(s - 1);
                double[] eP = pairs[s - 1].stream().mapToDouble(e -> e[0]).toArray();
                double[] eC = pairs[s - 1].stream().mapToDouble(e -> e[1]).toArray();
                double maeP = java.util.Arrays.stream(eP).map(Math::abs).average().orElseThrow();
                double maeC = java.util.Arrays.stream(eC).map(Math::abs).average().orElseThrow();
                assertNotEquals(maeP, maeC, "two different networks");
                assertEquals(DAYS, line.get("days").asInt(), line.toString());
                assertEquals(maeP, line.get("production_mae").asDouble(), 1e-6, line.toString());
                assertEquals(maeC, line.get("challenger_mae").asDouble(), 1e-6, line.toString());
                DieboldMariano.Result dm = DieboldMariano.test(eC, eP, s, DieboldMariano.Loss.ABSOLUTE);
                assertEquals(dm.statistic(), line.at("/dm/statistic").asDouble(), 1e-6, line.toString());
                assertEquals(dm.pTwoSided(), line.at("/dm/p_two_sided").asDouble(), 1e-6, line.toString());
            }
            JsonNode ready = TestClient.json(http.get("/health/ready"));
            assertEquals("serving", ready.at("/challengers/" + model + "/condition").asText(), ready.toString());
        }
    }
}
