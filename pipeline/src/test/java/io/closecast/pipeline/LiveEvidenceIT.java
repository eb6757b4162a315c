package io.closecast.pipeline;

import io.closecast.serving.Main;
import io.closecast.serving.RunningService;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.registry.MlflowModelSourceFactory;
import io.closecast.serving.track.Tracker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.TradingCalendar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live evidence end to end, with the shared MLflow and a real service (serving's {@code Main}, in this JVM, with a
 * test clock): two real bundles registered as {@code production} (v1) and {@code challenger} (v2); the service answers
 * dated forecasts over a replayed stretch of days (a price directory growing day by day) with production and scores
 * both. {@code closecast models compare NAME --live URL} shows both versions' live figures, which equal the ones
 * computed here from the answers, the challenger's bundle run locally and the closes. After {@value #FEW} days
 * {@code closecast promote NAME --version 2 --live-evidence URL} refuses with too few common days, naming them, and
 * tags the version with the evidence; after {@value #DAYS} the service's Diebold-Mariano test (equal to the one computed
 * here) finds the challenger worse and promote refuses it for that; the alias stays. The same model served without a
 * challenger, and behind an API key, gives the errors that say so.
 */
class LiveEvidenceIT {

    static {
        // The service started in this JVM would otherwise set Helidon's JVM-wide deserialization filter ("!*": reject
        // all) on start, and the ITs that run after this one in the same failsafe JVM read Java-serialized files
        // (SweepUiIT: DL4J's MapDB stats storage failed with "filter status: REJECTED"). The filter is the service's
        // business in its own process, not the pipeline's tests'.
        System.setProperty("helidon.serialFilter.missing.action", "IGNORE");
    }
    static final int FEW = 8;
    static final int DAYS = 32;
    static final int WINDOW = 5;
    static final ObjectMapper JSON = new ObjectMapper();

    private static MlflowClient client;
    @TempDir
    static Path work;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** A test clock: the service stamps its forecasts and refuses future bars by it. */
    static final class DayClock extends Clock {
        volatile Instant now;

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }

        void setDay(LocalDate day) {
            now = day.atTime(22, 0).toInstant(ZoneOffset.UTC);
        }
    }

    /** A tiny real bundle with every weight {@code weight}, uploaded and registered as a version of {@code name}. */
    private static int register(String name, String experiment, float weight, Path dir) throws Exception {
        String runId = client.createRun(RunSpec.create(experiment, "live-evidence-it")).info().runId();
        TinyBundle.write(dir, runId, weight);
        client.artifacts().uploadDirectory(runId, dir, "model");
        client.setTerminated(runId, RunStatus.FINISHED);
        return client.registry().createModelVersion(ModelVersionSpec.create(name, runId, "model")).version();
    }

    /** Synthetic US trading days around 100 (the tiny bundle's scaler spans 90..110), every bar consistent. */
    private static List<PriceBar> bars(int count) {
        SplittableRandom random = new SplittableRandom(20261207);
        List<PriceBar> bars = new ArrayList<>();
        LocalDate day = LocalDate.of(2024, 3, 1);
        double close = 100;
        while (bars.size() < count) {
            if (TradingCalendar.US.isTradingDay(day)) {
                double open = close;
                close = Math.max(92, Math.min(108, close * (1 + 0.01 * random.nextGaussian())));
                bars.add(new PriceBar(day, open, Math.max(open, close) * 1.003, Math.min(open, close) * 0.997, close,
                        close, 1_000_000));
            }
            day = day.plusDays(1);
        }
        return bars;
    }

    @Test
    void compareShowsProductionAndChallengerLiveAndPromoteRefusesWithTooFewCommonDays() throws Exception {
        String model = ItServers.unique("closecast-it-live");
        String experiment = client.getOrCreateExperiment("closecast-it-live").id();
        client.registry().createRegisteredModel(model);
        int v1 = register(model, experiment, 0.3f, work.resolve("v1"));
        Path v2Dir = work.resolve("v2");
        int v2 = register(model, experiment, 0.1f, v2Dir);
        client.registry().setAlias(model, "production", v1);
        client.registry().setAlias(model, "challenger", v2);
        ForecastModel challenger = ForecastModel.load(v2Dir);

        Path prices = Files.createDirectories(work.resolve("prices"));
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(ItServers.trackingUri())
                .addModel(model, "production", "challenger").pollInterval(Duration.ofSeconds(30))
                .modelCacheDir(work.resolve("cache")).trackDir(work.resolve("track"))
                .trackPricesDir(prices).trackRefreshInterval(Duration.ofHours(1)).build();
        List<PriceBar> bars = bars(WINDOW + DAYS + 2);
        PriceSeries series = PriceSeries.create("TEST", "synthetic", bars);
        DayClock clock = new DayClock();
        int first = WINDOW - 1;
        clock.setDay(bars.get(first).date());
        double[] productionErrors = new double[DAYS];
        double[] challengerErrors = new double[DAYS];
        MlflowModelSourceFactory factory = new MlflowModelSourceFactory();
        try (RunningService service = Main.start(config, factory.create(config, Map.of()),
                factory.shadows(config, Map.of()), clock)) {
            await("ready", service.models()::ready);
            await("challenger serving", () -> service.fleet().shadow(model).orElseThrow().status().ready());
            Tracker tracker = service.tracker().orElseThrow();
            String url = "http://127.0.0.1:" + service.port();
            HttpClient http = HttpClient.newHttpClient();
            Path seen = Files.createDirectories(ItServers.root().resolve("pipeline/target/live-evidence-it"));
            for (int k = 0; k <= DAYS; k++) {
                int today = first + k;
                clock.setDay(bars.get(today).date());
                PriceCsv.write(series.withBars(bars.subList(0, today + 1)), prices.resolve("TEST.csv"));
                assertTrue(tracker.flush(Duration.ofSeconds(10)));
                tracker.refresh();
                if (k == FEW) {
                    fewDays(model, url, v1, v2, Arrays.copyOf(productionErrors, FEW),
                            Arrays.copyOf(challengerErrors, FEW), bars.get(first + 1).date(), bars.get(first + FEW).date(),
                            seen);
                }
                if (k == DAYS) {
                    break;
                }
                List<PriceBar> window = bars.subList(today + 1 - WINDOW, today + 1);
                double[] closes = window.stream().mapToDouble(PriceBar::close).toArray();
                String body = JSON.writeValueAsString(Map.of("closes", closes, "horizon", 1,
                        "dates", window.stream().map(b -> b.date().toString()).toList()));
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/predict"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, res.statusCode(), res.body());
                JsonNode answer = JSON.readTree(res.body());
                assertEquals(Integer.toString(v1), answer.at("/model/version").asText(), "production answers");
                double actual = bars.get(today + 1).close();
                productionErrors[k] = answer.at("/predictions/0").asDouble() - actual;
                challengerErrors[k] = challenger.forecast(closes, 1)[0] - actual;
            }
            // kept for a reader (and as the shape the unit tests replay): the service's answer and the CLI's
            Files.writeString(seen.resolve("track-record.json"), http.send(HttpRequest.newBuilder(
                    URI.create(url + "/v1/models/" + model + "/track-record")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            Cli json = Cli.run("models", "compare", model, "--live", url, "--json");
            assertEquals(0, json.code(), json.out() + json.err());
            Files.writeString(seen.resolve("compare-" + DAYS + ".json"), json.out());
            JsonNode comparison = JSON.readTree(json.out()).at("/steps/0/comparison");
            DieboldMariano.Result dm = DieboldMariano.test(challengerErrors, productionErrors, 1,
                    DieboldMariano.Loss.ABSOLUTE);
            assertEquals(DAYS, comparison.get("days").asInt(), json.out());
            assertEquals(dm.statistic(), comparison.at("/dm/statistic").asDouble(), 1e-6, json.out());
            assertEquals(dm.pWorse(), comparison.at("/dm/p_worse").asDouble(), 1e-6, json.out());
            assertTrue(dm.pWorse() < 0.05, "the challenger (every weight 0.1) is much worse than production (0.3): " + dm);

            Cli worse = Cli.run("promote", model, "--version", Integer.toString(v2), "--live-evidence", url);
            assertEquals(1, worse.code(), worse.out() + worse.err());
            Files.writeString(seen.resolve("promote-" + DAYS + ".txt"), worse.out());
            assertTrue(worse.out().contains(String.format(Locale.ROOT, "refused live: worse than production version %d"
                    + " live by the Diebold-Mariano test (p = %.4f < 0.05; MAE %.4f vs production's %.4f", v1,
                    dm.pWorse(), meanAbs(challengerErrors), meanAbs(productionErrors))), worse.out());
            ModelVersion tagged = client.registry().getModelVersion(model, v2);
            assertEquals(Integer.toString(DAYS), tagged.tag("closecast.promotion.live.days").orElseThrow());
            assertEquals(dm.pWorse(), Double.parseDouble(tagged.tag("closecast.promotion.live.dm_p_worse").orElseThrow()),
                    1e-5);
            assertEquals(v1, client.registry().getModelVersionByAlias(model, "production").version(), "the alias stays");

            Cli notChallenger = Cli.run("promote", model, "--version", Integer.toString(v1), "--alias", "canary",
                    "--live-evidence", url);
            assertEquals(1, notChallenger.code(), notChallenger.out() + notChallenger.err());
            assertTrue(notChallenger.out().contains("refused live: the service's challenger in shadow (alias challenger)"
                    + " is version " + v2 + ", not version " + v1), notChallenger.out());
        }
        otherServices(model, v2);
        Cli down = Cli.run("models", "compare", model, "--live", "http://127.0.0.1:" + freePort());
        assertEquals(1, down.code());
        assertTrue(down.err().contains("cannot reach the closecast service at http://127.0.0.1:"), down.err());
    }

    /** After {@value #FEW} replayed days: compare shows both, the DM test not yet run; promote refuses, too few days. */
    private static void fewDays(String model, String url, int v1, int v2, double[] productionErrors,
                                double[] challengerErrors, LocalDate from, LocalDate to, Path seen) throws Exception {
        Cli text = Cli.run("models", "compare", model, "--live", url);
        assertEquals(0, text.code(), text.out() + text.err());
        Files.writeString(seen.resolve("compare-" + FEW + ".txt"), text.out());
        assertTrue(text.out().contains("challenger in shadow: alias challenger, version " + v2 + " (serving),"
                + " beside production version " + v1), text.out());
        assertTrue(text.out().matches("(?s).*scored days\\s+" + FEW + "\\s+" + FEW + "\n.*"), text.out());
        assertTrue(text.out().contains("common days: " + FEW + " (" + from + ".." + to + ")"), text.out());
        assertTrue(text.out().contains("Diebold-Mariano, challenger vs production: not yet (the service runs it"
                + " from 30 common days)"), text.out());

        Cli json = Cli.run("models", "compare", model, "--live", url, "--json");
        assertEquals(0, json.code(), json.out() + json.err());
        Files.writeString(seen.resolve("compare-" + FEW + ".json"), json.out());
        JsonNode step = JSON.readTree(json.out()).at("/steps/0");
        assertEquals(1, step.get("step").asInt(), json.out());
        double productionMae = meanAbs(productionErrors);
        double challengerMae = meanAbs(challengerErrors);
        assertTrue(Math.abs(productionMae - challengerMae) > 1e-6, "two different networks");
        assertEquals(FEW, step.at("/production/days").asInt(), json.out());
        assertEquals(FEW, step.at("/challenger/days").asInt(), json.out());
        assertEquals(productionMae, step.at("/production/mae").asDouble(), 1e-6, json.out());
        assertEquals(challengerMae, step.at("/challenger/mae").asDouble(), 1e-6, json.out());
        assertEquals(productionMae, step.at("/comparison/production_mae").asDouble(), 1e-6, json.out());
        assertEquals(challengerMae, step.at("/comparison/challenger_mae").asDouble(), 1e-6, json.out());
        assertEquals(FEW, step.at("/comparison/days").asInt(), json.out());
        assertTrue(step.at("/comparison/dm").isNull(), json.out());

        Cli unknown = Cli.run("models", "compare", "closecast-not-served", "--live", url);
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("does not serve model 'closecast-not-served' (404)"), unknown.err());

        Cli refused = Cli.run("promote", model, "--version", Integer.toString(v2), "--live-evidence", url);
        assertEquals(1, refused.code(), refused.out() + refused.err());
        Files.writeString(seen.resolve("promote-" + FEW + ".txt"), refused.out());
        String reason = String.format(Locale.ROOT, "refused live: %d common scored days of version %d and production"
                + " version %d (%s..%s), the live rule needs at least 30 (--live-min-days)", FEW, v2, v1, from, to);
        assertTrue(refused.out().contains(reason), refused.out());
        ModelVersion tagged = client.registry().getModelVersion(model, v2);
        assertEquals("refused", tagged.tag("closecast.promotion.verdict").orElseThrow());
        assertEquals(reason, tagged.tag("closecast.promotion.reason").orElseThrow());
        assertEquals("passed", tagged.tag("closecast.servability.verdict").orElseThrow());
        assertEquals(url, tagged.tag("closecast.promotion.live.source").orElseThrow());
        assertEquals(Integer.toString(FEW), tagged.tag("closecast.promotion.live.days").orElseThrow());
        assertEquals("30", tagged.tag("closecast.promotion.live.min_days").orElseThrow());
        assertEquals(Integer.toString(v1), tagged.tag("closecast.promotion.live.production_version").orElseThrow());
        assertEquals(challengerMae, Double.parseDouble(tagged.tag("closecast.promotion.live.challenger_mae")
                .orElseThrow()), 1e-4);
        assertEquals("refused", tagged.tag("closecast.promotion.live.verdict").orElseThrow());
        assertEquals(v1, client.registry().getModelVersionByAlias(model, "production").version(), "the alias stays");
    }

    /**
     * The same model served without a challenger (compare and promote say there is none) and behind an API key that
     * this JVM does not have in {@code CLOSECAST_API_KEY} (the 401 says to set it).
     */
    private static void otherServices(String model, int v2) throws Exception {
        ServingConfig plain = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(ItServers.trackingUri())
                .addModel(model, "production").pollInterval(Duration.ofSeconds(30))
                .modelCacheDir(work.resolve("cache-plain")).trackDir(work.resolve("track-plain"))
                .trackPricesDir(Files.createDirectories(work.resolve("prices-plain")))
                .trackRefreshInterval(Duration.ofHours(1)).build();
        try (RunningService service = Main.start(plain, new MlflowModelSourceFactory().create(plain, Map.of()))) {
            await("ready", service.models()::ready);
            String url = "http://127.0.0.1:" + service.port();
            Cli compare = Cli.run("models", "compare", model, "--live", url);
            assertEquals(1, compare.code(), compare.out() + compare.err());
            assertTrue(compare.err().contains("the closecast service at " + url + " serves " + model + " with no"
                    + " challenger in shadow (models[].shadow-alias in its config)"), compare.err());
            Cli promote = Cli.run("promote", model, "--version", Integer.toString(v2), "--live-evidence", url);
            assertEquals(1, promote.code(), promote.out() + promote.err());
            assertTrue(promote.out().contains("refused live: the service serves " + model + " with no challenger in"
                    + " shadow (models[].shadow-alias)"), promote.out());
        }
        ServingConfig keyed = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(ItServers.trackingUri())
                .addModel(model, "production").pollInterval(Duration.ofSeconds(30)).apiKeys(List.of("it-key-1234567890"))
                .modelCacheDir(work.resolve("cache-keyed")).trackDir(work.resolve("track-keyed"))
                .trackPricesDir(Files.createDirectories(work.resolve("prices-keyed")))
                .trackRefreshInterval(Duration.ofHours(1)).build();
        try (RunningService service = Main.start(keyed, new MlflowModelSourceFactory().create(keyed, Map.of()))) {
            await("ready", service.models()::ready);
            String url = "http://127.0.0.1:" + service.port();
            Cli compare = Cli.run("models", "compare", model, "--live", url, "--json");
            assertEquals(1, compare.code(), compare.out() + compare.err());
            JsonNode error = JSON.readTree(compare.out()).get("error");
            assertEquals("failure", error.get("kind").asText(), compare.out());
            String expected = System.getenv("CLOSECAST_API_KEY") == null ? "wants an API key (401): set CLOSECAST_API_KEY"
                    + " to one of its keys" : "refused the API key in CLOSECAST_API_KEY (403)";
            assertTrue(error.get("message").asText().startsWith("the closecast service at " + url + "/v1/models/" + model
                    + "/track-record " + expected), compare.out());
        }
    }

    private static double meanAbs(double[] errors) {
        return java.util.Arrays.stream(errors).map(Math::abs).average().orElseThrow();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(what + ": not within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
