package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

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
        assertTrue(text(By.id("test-metrics")).contains("beats naive"), text(By.id("test-metrics")));
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
        // directional accuracy beside the up-day share (always up), not beside the naive forecast's ~0
        WebElement direction = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='directional_accuracy']"));
        assertEquals("0.53 (up-day share)", direction.findElement(By.className("baseline-value")).getText());
        assertTrue(direction.getText().endsWith("beats always up"), direction.getText());
        WebElement coverage = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='coverage_80']"));
        assertTrue(coverage.getText().startsWith("coverage 80% 0.79 0.84 (constant width) nominal 0.8"), coverage.getText());
        // R² is higher-better: below naive's it reads as worse, not as beating it
        WebElement r2 = driver.findElement(By.cssSelector("#test-metrics tr[data-metric='r2']"));
        assertEquals("0.981 (naive)", r2.findElement(By.className("baseline-value")).getText());
        assertTrue(r2.getText().endsWith("worse than naive"), r2.getText());

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
