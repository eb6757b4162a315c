package io.closecast.serving;

import io.closecast.model.DebianPackages;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.track.Tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a real headless Chromium (Debian's chromium + chromium-driver, installed by the test when
 * missing): against the running service with a drift test model (window 20, max horizon 10, version 7) and the
 * repository's data/ as samples, with API keys off and on. Saves target/dashboard.png.
 */
class DashboardIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path ROOT = Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();
    static final int WINDOW = 20;
    static final String KEY = "dash-test-key-1";

    @TempDir
    Path profile;

    RunningService service;
    WebDriver driver;

    @BeforeAll
    static void browser() {
        DebianPackages.ensure("the dashboard browser test (DashboardIT)", List.of(CHROMIUM, CHROMEDRIVER), "chromium", "chromium-driver");
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.close();
        }
    }

    private TestClient start(List<String> keys) {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .apiKeys(keys).dataDir(ROOT.resolve("data")).build();
        service = Main.start(config, new TestModelSource(WINDOW, 10, "7"));
        TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
        return browse();
    }

    /** A headless Chromium for the running {@link #service}. */
    private TestClient browse() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1360,1400", "--force-device-scale-factor=1");
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(driverService, options);
        return new TestClient(service.port());
    }

    private String base() {
        return "http://127.0.0.1:" + service.port();
    }

    @Test
    void forecastsFromEachInputWithoutKeysAndShowsApiErrorsAsWritten() throws IOException {
        TestClient client = start(List.of());
        driver.get(base() + "/");
        String version = TestClient.json(client.get("/v1/model")).get("version").asText();
        assertEquals("7", version);
        assertEquals(version, waitForText(By.id("model-version")));
        assertEquals(TestModelSource.NAME, text(By.id("model-name")));
        assertEquals("2010-01-04 to 2022-12-30", text(By.id("model-trained")));
        // the verdict leads, in the service's words: MAE 0.42 against 0.45 with no test recorded is not "beats"
        JsonNode verdict = TestClient.json(client.get("/v1/model/verdict"));
        assertEquals("Test period MAE: 0.42 against naive's 0.45, no significance test recorded", verdict.at("/lines/0/text").asText());
        assertEquals(verdict.at("/lines/0/text").asText(), waitForText(By.cssSelector("#verdict li[data-topic='test']")));
        assertFalse(driver.findElement(By.id("key-box")).isDisplayed(), "no key asked for when keys are off");

        // a bundled symbol: the forecast drawn is the API's forecast for the file's last window
        JsonNode sample = TestClient.json(client.get("/v1/samples/MSFT?days=" + WINDOW));
        JsonNode expected = TestClient.json(client.post("/v1/predict", "application/json",
                "{\"closes\": " + sample.get("closes") + ", \"horizon\": 7}"));
        forecast("sample", "MSFT", 7);
        List<WebElement> points = points(7);
        assertEquals(7, driver.findElements(By.cssSelector("#chart-svg circle.naive-point")).size());
        for (int i = 0; i < 7; i++) {
            assertEquals(expected.get("predictions").get(i).asDouble(), Double.parseDouble(points.get(i).getAttribute("data-value")), 1e-9);
        }
        List<WebElement> rows = driver.findElements(By.cssSelector("#forecast-days tr"));
        assertEquals(8, rows.size(), "a header and one row per forecast day");
        assertTrue(rows.get(1).getText().startsWith("2024-12-31"), "MSFT's last day is 2024-12-30, found " + rows.get(1).getText());
        String title = driver.findElement(By.id("chart-title")).getDomProperty("textContent");
        assertEquals("MSFT Close: last 90 days and the next 7", title);

        // an API error is shown as the API wrote it
        String tooFar = TestClient.json(client.post("/v1/predict", "application/json",
                "{\"closes\": " + sample.get("closes") + ", \"horizon\": 99}")).at("/error/message").asText();
        forecast("sample", "MSFT", 99);
        assertEquals(tooFar, waitForError());
        assertEquals("horizon: expected an integer 1..10 (the model's maximum horizon), found \"99\"", tooFar);

        String shortWindow = TestClient.json(client.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3], \"horizon\": 3}"))
                .at("/error/message").asText();
        click(By.id("source-paste"));
        driver.findElement(By.id("closes")).sendKeys("1, 2, 3");
        forecast("paste", "", 3);
        assertEquals(shortWindow, waitForError());

        // pasted closes that fit the window
        WebElement closes = driver.findElement(By.id("closes"));
        closes.clear();
        StringBuilder twenty = new StringBuilder();
        for (int i = 0; i < WINDOW; i++) {
            twenty.append(50 + i * 0.5).append(i % 5 == 4 ? "\n" : ", ");
        }
        closes.sendKeys(twenty);
        forecast("paste", "", 2);
        points = points(2);
        assertEquals(60.0, Double.parseDouble(points.get(0).getAttribute("data-value")), 1e-9, "drift of 0.5 a day after 59.5");

        // an uploaded CSV goes to /v1/predict/csv
        Path csv = ROOT.resolve("data/PETR4.SA.csv");
        JsonNode csvExpected = TestClient.json(client.post("/v1/predict/csv?horizon=4", "text/csv", Files.readAllBytes(csv)));
        click(By.id("source-csv"));
        driver.findElement(By.id("csv-file")).sendKeys(csv.toString());
        forecast("csv", "", 4);
        points = points(4);
        assertEquals(csvExpected.get("predictions").get(3).asDouble(), Double.parseDouble(points.get(3).getAttribute("data-value")), 1e-9);

        // online accuracy appears once feedback exists: MAE 1, naive MAE 2, MASE 0.5 on three days
        assertTrue(text(By.id("accuracy-body")).startsWith("No feedback yet"), text(By.id("accuracy-body")));
        for (String fb : List.of(
                "{\"date\": \"2024-12-26\", \"actual\": 100, \"predicted\": 101, \"last\": 98, \"version\": \"7\"}",
                "{\"date\": \"2024-12-27\", \"actual\": 102, \"predicted\": 101.5, \"last\": 100}",
                "{\"date\": \"2024-12-30\", \"actual\": 99, \"predicted\": 100.5, \"last\": 101}")) {
            assertEquals(200, client.post("/v1/feedback", "application/json", fb).statusCode());
        }
        driver.navigate().refresh();
        waitForText(By.id("model-version"));
        WebElement row = new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElement(By.cssSelector("#accuracy-table tr[data-version='7']")));
        assertEquals("1", row.findElement(By.className("mae")).getText());
        assertEquals("2", row.findElement(By.className("naive-mae")).getText());
        assertEquals("0.5", row.findElement(By.className("mase")).getText());
        assertTrue(row.getText().startsWith("v7 (serving) 3"), row.getText());

        forecast("sample", "MSFT", 10);
        points(10);
        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 20_000, "a real screenshot, found " + Files.size(shot) + " bytes");
    }

    /**
     * Every element of a card whose box leaves the card's, or whose content is wider than its own box without
     * scrolling (text cut off or spilling out); inside a box that scrolls ({@code .scroll}) only the box counts. The
     * page itself must not scroll sideways. Not rendered elements (hidden, closed details) are skipped.
     */
    static final String OVERFLOW = """
            const out = [];
            const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
              + ' "' + (e.textContent || '').trim().slice(0, 40) + '"';
            for (const card of document.querySelectorAll('.card')) {
              const box = card.getBoundingClientRect();
              if (card.scrollWidth > card.clientWidth + 1) {
                out.push(card.id + ': its content is ' + card.scrollWidth + ' px wide in ' + card.clientWidth + ' px');
              }
              for (const e of card.querySelectorAll('*')) {
                if (!(e instanceof HTMLElement)) { continue; }
                const r = e.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) { continue; }
                const scroller = e.parentElement.closest('.scroll');
                if (scroller && card.contains(scroller)) { continue; }
                if (r.right > box.right + 0.5 || r.left < box.left - 0.5) {
                  out.push(card.id + ' ' + describe(e) + ': [' + Math.round(r.left) + ', ' + Math.round(r.right)
                    + '] outside the card [' + Math.round(box.left) + ', ' + Math.round(box.right) + ']');
                }
                const ox = getComputedStyle(e).overflowX;
                if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) && e.clientWidth > 0
                    && e.scrollWidth > e.clientWidth + 1 && ox !== 'auto' && ox !== 'scroll') {
                  out.push(card.id + ' ' + describe(e) + ': content ' + e.scrollWidth + ' px wide in ' + e.clientWidth + ' px');
                }
              }
            }
            if (document.documentElement.scrollWidth > window.innerWidth + 1) {
              out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + window.innerWidth + ' px');
            }
            return out;""";

    /** The case: MAE 3.829 against naive's 3.862, DM p 0.11; calibrated at 80 %, under-covering at 95 %. */
    static ModelInfo cardModel(String version) {
        Map<String, Double> m = new HashMap<>(DriftForecaster.info(TestModelSource.NAME, version, WINDOW, 10).testMetrics());
        m.putAll(Map.ofEntries(Map.entry("test_mae", 3.829), Map.entry("naive_test_mae", 3.862), Map.entry("test_mase", 0.9915),
                Map.entry("test_dm_abs_stat", -1.23), Map.entry("test_dm_abs_p_better", 0.11), Map.entry("test_dm_abs_p_two_sided", 0.22),
                Map.entry("test_dm_sq_stat", -0.8), Map.entry("test_dm_sq_p_better", 0.21), Map.entry("test_dm_sq_p_two_sided", 0.42),
                Map.entry("test_days", 250.0), Map.entry("test_rmse", 5.1), Map.entry("naive_test_rmse", 5.2),
                Map.entry("test_mape", 1.31), Map.entry("naive_test_mape", 1.32), Map.entry("test_drift_mase", 1.001),
                Map.entry("test_majority_sign_accuracy", 0.53), Map.entry("test_forecast_up_share", 0.61),
                Map.entry("test_kupiec_p_80", 0.62), Map.entry("test_christoffersen_ind_p_80", 0.41),
                Map.entry("test_christoffersen_cc_p_80", 0.58), Map.entry("test_interval_score_80", 18.5),
                Map.entry("garch_test_interval_score_80", 18.2), Map.entry("test_dm_garch_interval_score_80_p_better", 0.71),
                Map.entry("test_coverage_95", 0.921), Map.entry("test_kupiec_p_95", 0.012), Map.entry("test_christoffersen_cc_p_95", 0.03),
                Map.entry("test_interval_score_95", 30.1), Map.entry("garch_test_interval_score_95", 29.0),
                Map.entry("baseline_test_interval_score_95", 31.0), Map.entry("test_dm_garch_interval_score_95_p_better", 0.8),
                Map.entry("test_pinball_80", 1.2), Map.entry("test_misses_80", 52.0),
                // a long label with no break opportunity: it must wrap, not spill out of the card
                Map.entry("test_averyveryverylongmetricnamewithoutanybreakopportunityinthewholelabelatall", 1.0)));
        ModelInfo base = DriftForecaster.info(TestModelSource.NAME, version, WINDOW, 10);
        return new ModelInfo(base.name(), base.version(), base.runId(), base.alias(), base.trainedFrom(), base.trainedTo(),
                base.windowLength(), base.maxHorizon(), base.features(), m, base.loadedAt(), base.symbol());
    }

    @Test
    void leadsWithTheTestedVerdictBesideTheLiveRecordAndNothingOverflowsAtDesktopOrPhoneWidth() throws IOException {
        TestModelSource source = new TestModelSource(WINDOW, 10, "7") {
            @Override
            public io.closecast.serving.models.Forecaster load(io.closecast.serving.models.VersionRef ref) {
                return new DriftForecaster(cardModel(ref.version()));
            }
        };
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .dataDir(ROOT.resolve("data")).trackDir(profile.resolve("track")).trackPricesDir(ROOT.resolve("data"))
                .trackRefreshInterval(Duration.ofHours(1)).build();
        service = Main.start(config, source);
        TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
        TestClient client = browse();
        // five dated forecasts of MSFT a day ahead, their closes in data/MSFT.csv: a live record of five scored days
        JsonNode sample = TestClient.json(client.get("/v1/samples/MSFT?days=" + (WINDOW + 10)));
        for (int end = WINDOW; end < WINDOW + 5; end++) {
            StringBuilder closes = new StringBuilder();
            StringBuilder dates = new StringBuilder();
            for (int i = end - WINDOW; i < end; i++) {
                closes.append(i > end - WINDOW ? "," : "").append(sample.get("closes").get(i).asDouble());
                dates.append(i > end - WINDOW ? "," : "").append('"').append(sample.get("dates").get(i).asText()).append('"');
            }
            HttpResponse<String> r = client.post("/v1/predict", "application/json",
                    "{\"closes\": [" + closes + "], \"dates\": [" + dates + "], \"horizon\": 1}");
            assertEquals(200, r.statusCode(), r.body());
        }
        Tracker tracker = service.tracker().orElseThrow();
        assertTrue(tracker.flush(Duration.ofSeconds(10)));
        tracker.refresh();
        JsonNode verdict = TestClient.json(client.get("/v1/model/verdict"));
        assertEquals(5, verdict.at("/live/days").asInt(), verdict.toString());

        driver.get(base() + "/");
        cdp(1400, 900);
        // the verdict in words first: level with naive, not "beats"; the intervals named per level; live beside
        assertEquals("Test period MAE: level with naive (DM p = 0.11)", waitForText(By.cssSelector("#verdict li[data-topic='test']")));
        assertEquals("level", driver.findElement(By.cssSelector("#verdict li[data-topic='test']")).getAttribute("data-tone"));
        assertEquals("95 % interval under-covers (coverage 0.92, Kupiec p = 0.012); calibrated at 80 %",
                text(By.cssSelector("#verdict li[data-topic='intervals']")));
        assertEquals("80 % interval score: level with GARCH(1,1) (DM p = 0.29)",
                text(By.cssSelector("#verdict li[data-topic='interval_score'][data-level='0.8']")));
        String live = text(By.cssSelector("#verdict li[data-topic='live']"));
        assertEquals(verdict.at("/lines/4/text").asText(), live);
        assertTrue(live.startsWith("Live: 5 scored days (") && live.endsWith("too few to test (30 needed)"), live);
        List<String> lines = driver.findElements(By.cssSelector("#verdict li")).stream().map(WebElement::getText).toList();
        List<String> served = new java.util.ArrayList<>();
        verdict.get("lines").forEach(l -> served.add(l.get("text").asText()));
        assertEquals(served, lines, "the page shows the service's words, in order");
        String card = text(By.id("model-card"));
        assertFalse(card.toLowerCase(java.util.Locale.ROOT).contains("beats"), card);
        // a handful of numbers behind it, the test period beside the live record
        String mae = text(By.cssSelector("#key-figures tr[data-figure='mae']")).replaceAll("\\s+", " ");
        assertTrue(mae.startsWith("MAE 3.829 (naive 3.862) ") && mae.split("naive").length == 3, "test and live MAE beside naive's: " + mae);
        assertEquals("DM p vs naive 0.11 \u2013", text(By.cssSelector("#key-figures tr[data-figure='dm_p']")));
        assertEquals(7, driver.findElements(By.cssSelector("#key-figures tr")).size(), "a header, days, MAE, MASE, DM p, two coverages");
        assertFalse(driver.findElement(By.id("test-metrics")).isDisplayed(), "the 30-odd raw rows wait behind details");

        assertNoOverflow("1400 px, details closed");
        screenshot("dashboard-1400.png");
        click(By.cssSelector("#model-details summary"));
        assertTrue(driver.findElement(By.id("calibration")).isDisplayed());
        assertEquals("95 % 0.921 0.012 0.03 30.1 29 31", text(By.cssSelector("#calibration tr[data-level='0.95']")));
        assertEquals("95 % interval under-covers (coverage 0.92, Kupiec p = 0.012)",
                text(By.cssSelector("#calibration-verdicts li[data-level='0.95']")));
        assertEquals("bad", driver.findElement(By.cssSelector("#calibration-verdicts li[data-level='0.95']")).getAttribute("class")
                .replace("tone-", ""));
        assertNoOverflow("1400 px, details open");
        screenshot("dashboard-1400-details.png");

        cdp(390, 844);
        assertNoOverflow("390 px, details open");
        screenshot("dashboard-390.png");
        // the whole page at phone width, in one picture: a viewport as tall as the page
        long tall = (Long) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight");
        cdp(390, (int) Math.min(tall, 6000));
        assertNoOverflow("390 px, the whole page");
        screenshot("dashboard-390-full.png");

        // the check itself sees text that spills out of its card (one unbroken line that may not wrap)
        ((JavascriptExecutor) driver).executeScript("const p = document.createElement('p'); p.id = 'spill';"
                + "p.style.whiteSpace = 'nowrap'; p.textContent = 'x'.repeat(300); document.getElementById('verdict').after(p);");
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) ((JavascriptExecutor) driver).executeScript(OVERFLOW);
        assertTrue(seen.stream().anyMatch(o -> o.contains("p#spill")), "the check must see the spilled line: " + seen);
    }

    /** The viewport at exactly {@code width} x {@code height} CSS pixels (a phone's below 760 px). */
    private void cdp(int width, int height) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
                "height", height, "deviceScaleFactor", 1, "mobile", width < 760));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d ->
                ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth")).intValue() == width);
    }

    private void assertNoOverflow(String where) {
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) ((JavascriptExecutor) driver).executeScript(OVERFLOW);
        assertEquals(List.of(), found, "nothing may overflow its card at " + where);
    }

    private void screenshot(String name) throws IOException {
        Path shot = Path.of("target", name);
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 10_000, "a real screenshot, found " + Files.size(shot) + " bytes");
    }

    @Test
    void opensOnTheModelsOwnSymbolWithItsIntervalBandsAndWarnsForAnotherSymbol() throws IOException {
        TestClient client = start(List.of());
        driver.get(base() + "/");
        // no click: the production model's forecast for its own symbol (MSFT, /v1/model's symbol), default horizon 5
        assertEquals("MSFT", TestClient.json(client.get("/v1/model")).get("symbol").asText());
        List<WebElement> points = points(5);
        assertEquals("MSFT", new Select(driver.findElement(By.id("symbol"))).getFirstSelectedOption().getAttribute("value"));
        assertFalse(driver.findElement(By.id("symbol-warning")).isDisplayed(), "no warning for the model's own symbol");
        JsonNode sample = TestClient.json(client.get("/v1/samples/MSFT?days=" + WINDOW));
        JsonNode expected = TestClient.json(client.post("/v1/predict", "application/json",
                "{\"closes\": " + sample.get("closes") + ", \"horizon\": 5}"));
        for (int i = 0; i < 5; i++) {
            assertEquals(expected.get("predictions").get(i).asDouble(), Double.parseDouble(points.get(i).getAttribute("data-value")), 1e-9);
        }
        // the bands drawn are the API's intervals, the widest first
        List<WebElement> bands = driver.findElements(By.cssSelector("#chart-svg polygon.band"));
        assertEquals(2, bands.size(), "one band per level");
        JsonNode intervals = expected.get("intervals");
        for (int b = 0; b < 2; b++) {
            JsonNode api = intervals.get(1 - b);
            WebElement band = bands.get(b);
            assertEquals(api.get("level").asDouble(), Double.parseDouble(band.getAttribute("data-level")));
            assertEquals(api.get("lower"), TestClient.MAPPER.readTree(band.getAttribute("data-lower")));
            assertEquals(api.get("upper"), TestClient.MAPPER.readTree(band.getAttribute("data-upper")));
            assertEquals(1 + 2 * 5, band.getAttribute("points").trim().split("\\s+").length, "the last close, 5 upper, 5 lower");
            assertTrue(api.at("/upper/4").asDouble() - api.at("/lower/4").asDouble() > api.at("/upper/0").asDouble() - api.at("/lower/0").asDouble(),
                    "the band widens with the horizon: " + api);
        }
        assertEquals(10, driver.findElements(By.cssSelector("#forecast-days td.interval-value")).size(), "two intervals a day");
        // behind "details": every test metric beside its baseline, no verdict of its own; directional accuracy beside
        // the up-day share (always up), not beside the naive forecast's ~0
        assertFalse(driver.findElement(By.id("test-metrics")).isDisplayed(), "the raw metrics wait behind details");
        click(By.cssSelector("#model-details summary"));
        WebElement direction = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='directional_accuracy']"));
        assertEquals("0.53 (up-day share)", direction.findElement(By.className("baseline-value")).getText());
        WebElement coverage = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='coverage_80']"));
        assertEquals("coverage 80% 0.79 0.84 (constant width)", coverage.getText());
        WebElement r2 = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='r2']"));
        assertEquals("0.981 (naive)", r2.findElement(By.className("baseline-value")).getText());
        assertFalse(text(By.id("model-card")).contains("beats"), text(By.id("model-card")));

        // another symbol: the forecast comes with a visible warning
        forecast("sample", "AAPL", 3);
        points(3);
        WebElement warning = driver.findElement(By.id("symbol-warning"));
        assertTrue(warning.isDisplayed(), "a warning for a symbol the model was not trained on");
        assertTrue(warning.getText().startsWith("This model was trained and evaluated on MSFT closes only"), warning.getText());
        new Select(driver.findElement(By.id("symbol"))).selectByValue("MSFT");
        assertFalse(driver.findElement(By.id("symbol-warning")).isDisplayed());
    }

    @Test
    void inAFleetAPickerChoosesTheModelAndItsRoutes() throws IOException {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).models("fleet-msft", "fleet-aapl")
                .dataDir(ROOT.resolve("data")).build();
        service = Main.start(config, List.of(new TestModelSource("fleet-msft", WINDOW, 10, "7"),
                new TestModelSource("fleet-aapl", 12, 10, "3")));
        TestClient client = browse();
        TestClient.await("both models ready", Duration.ofSeconds(20), service.fleet()::ready);
        // feedback for a version "7" of each model: fleet-msft's forecasts 1 off (naive 2), fleet-aapl's 4 off (naive 2)
        for (String day : List.of("2024-12-27", "2024-12-30")) {
            assertEquals(200, client.post("/v1/models/fleet-msft/feedback", "application/json", "{\"date\": \"" + day
                    + "\", \"actual\": 100, \"predicted\": 101, \"last\": 98}").statusCode());
            assertEquals(200, client.post("/v1/models/fleet-aapl/feedback", "application/json", "{\"date\": \"" + day
                    + "\", \"actual\": 100, \"predicted\": 96, \"last\": 102, \"version\": \"7\"}").statusCode());
        }
        driver.get(base() + "/");
        // opens on the first model, its forecast from its own route (the single-model routes answer 409 in a fleet)
        Select pick = new Select(new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> d.findElement(By.id("model-pick")).isDisplayed() ? d.findElement(By.id("model-pick")) : null));
        assertEquals(List.of("fleet-msft", "fleet-aapl"), pick.getOptions().stream().map(o -> o.getAttribute("value")).toList());
        assertEquals("fleet-msft", pick.getFirstSelectedOption().getAttribute("value"));
        assertForecastOf(client, "fleet-msft", WINDOW, points(5));
        // the accuracy card is the picked model's own (GET /v1/models/{name}/feedback/summary)
        WebElement msftRow = accuracyRow("fleet-msft", "7");
        assertEquals("1", msftRow.findElement(By.className("mae")).getText());
        assertEquals("2", msftRow.findElement(By.className("naive-mae")).getText());
        assertEquals("0.5", msftRow.findElement(By.className("mase")).getText());
        assertTrue(msftRow.getText().startsWith("v7 (serving) 2"), msftRow.getText());

        // another model: its card, its window and its route; the address remembers it
        ((JavascriptExecutor) driver).executeScript("document.getElementById('chart').replaceChildren();");
        pick.selectByValue("fleet-aapl");
        assertForecastOf(client, "fleet-aapl", 12, points(5));
        assertTrue(text(By.id("forecast-table")).contains("Model fleet-aapl v3"), text(By.id("forecast-table")));
        // the card's verdict is the picked model's own (GET /v1/models/{name}/verdict): its version, 3
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector("#verdict[data-version='3'] li")).isEmpty());
        assertTrue(driver.getCurrentUrl().endsWith("?model=fleet-aapl"), driver.getCurrentUrl());
        // fleet-aapl's own version 7, not fleet-msft's: MAE 4, MASE 2, and not the version fleet-aapl serves (3)
        WebElement aaplRow = accuracyRow("fleet-aapl", "7");
        assertEquals("4", aaplRow.findElement(By.className("mae")).getText());
        assertEquals("2", aaplRow.findElement(By.className("mase")).getText());
        assertTrue(aaplRow.getText().startsWith("v7 2"), aaplRow.getText());
        assertEquals(1, driver.findElements(By.cssSelector("#accuracy-table tr[data-version]")).size(), text(By.id("accuracy-body")));
        driver.navigate().refresh();
        assertEquals("fleet-aapl", new Select(new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> d.findElement(By.id("model-pick")).isDisplayed() ? d.findElement(By.id("model-pick")) : null))
                .getFirstSelectedOption().getAttribute("value"));
        assertForecastOf(client, "fleet-aapl", 12, points(5));
    }

    /** The accuracy card's row of {@code version} once the card shows {@code model}'s online accuracy. */
    private WebElement accuracyRow(String model, String version) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#accuracy-body[data-model='" + model + "'] #accuracy-table tr[data-version='"
                    + version + "']"));
            return rows.isEmpty() ? null : rows.getFirst();
        });
    }

    /** The points drawn are {@code model}'s answer from its own route for the last {@code window} MSFT closes. */
    private static void assertForecastOf(TestClient client, String model, int window, List<WebElement> points)
            throws IOException {
        JsonNode sample = TestClient.json(client.get("/v1/samples/MSFT?days=" + window));
        JsonNode expected = TestClient.json(client.post("/v1/models/" + model + "/predict", "application/json",
                "{\"closes\": " + sample.get("closes") + ", \"horizon\": 5}"));
        assertEquals(model, expected.at("/model/name").asText());
        for (int i = 0; i < 5; i++) {
            assertEquals(expected.get("predictions").get(i).asDouble(),
                    Double.parseDouble(points.get(i).getAttribute("data-value")), 1e-9, model + " point " + i);
        }
    }

    @Test
    void withKeysOnThePageAsksForOneAndSendsIt() {
        TestClient client = start(List.of(KEY));
        HttpResponse<String> page = client.get("/");
        assertEquals(200, page.statusCode(), "the page itself is open");
        String missing = TestClient.json(client.get("/v1/model")).at("/error/message").asText();
        String wrong = TestClient.json(client.get("/v1/model", "X-API-Key", "not-the-key")).at("/error/message").asText();

        driver.get(base() + "/");
        assertEquals(missing, waitForError());
        assertTrue(driver.findElement(By.id("key-box")).isDisplayed(), "the key form shows after a 401");

        driver.findElement(By.id("api-key")).sendKeys("not-the-key");
        click(By.id("key-save"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> wrong.equals(d.findElement(By.id("error-message")).getText()));

        driver.findElement(By.id("api-key")).sendKeys(KEY);
        click(By.id("key-save"));
        assertEquals(TestClient.json(client.get("/v1/model", "X-API-Key", KEY)).get("version").asText(), waitForText(By.id("model-version")));
        assertEquals(KEY, ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('closecast.apiKey')"));
        assertFalse(driver.findElement(By.id("error")).isDisplayed(), "the 403 message is cleared once the key works");

        forecast("sample", "AAPL", 3);
        assertEquals(3, points(3).size());
    }

    // ---------- page helpers ----------

    private void forecast(String source, String symbol, int horizon) {
        click(By.id("source-" + source));
        if (source.equals("sample")) {
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !new Select(d.findElement(By.id("symbol"))).getOptions().isEmpty());
            new Select(driver.findElement(By.id("symbol"))).selectByValue(symbol);
        }
        WebElement h = driver.findElement(By.id("horizon"));
        h.clear();
        h.sendKeys(Integer.toString(horizon));
        ((JavascriptExecutor) driver).executeScript("document.getElementById('chart').replaceChildren();"
                + "document.getElementById('error').hidden = true;");
        click(By.id("run"));
    }

    private List<WebElement> points(int expected) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            if (d.findElement(By.id("error")).isDisplayed()) {
                throw new AssertionError("expected " + expected + " forecast points, found the error: " + d.findElement(By.id("error")).getText());
            }
            List<WebElement> p = d.findElements(By.cssSelector("#chart-svg circle.forecast-point"));
            return p.size() == expected ? p : null;
        });
    }

    private String waitForError() {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            WebElement e = d.findElement(By.id("error"));
            return e.isDisplayed() ? d.findElement(By.id("error-message")).getText() : null;
        });
    }

    private String waitForText(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            List<WebElement> e = d.findElements(by);
            return e.isEmpty() || e.getFirst().getText().isBlank() ? null : e.getFirst().getText();
        });
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    private void click(By by) {
        driver.findElement(by).click();
    }
}
