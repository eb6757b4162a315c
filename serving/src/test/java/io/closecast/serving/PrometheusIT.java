package io.closecast.serving;

import io.closecast.model.DebianPackages;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.http.RoutesTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed when missing) scrapes the real service (drift test model) every
 * second with the project's own prometheus.yml and rules.yml; after a short load with some 4xx and a few feedbacks,
 * EVERY expression scripts/promql-exprs.py prints (Grafana dashboard + alert rules without their thresholds) is
 * evaluated through the Prometheus HTTP API.
 * <p>
 * No MLflow server runs here: the {@code mlflow} job is pointed at a closed local port. The expressions that read
 * MLflow's own metrics ({@code mlflow_*}, {@code up{job="mlflow"}}) are checked to return exactly what they return
 * with MLflow down (the dashboard's fallback value, {@code up == 0}); every other expression must return data that
 * does not come from an {@code or on() vector(...)} fallback, with at least one finite value.
 */
class PrometheusIT {

    static final Path ROOT = Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();
    static final Pattern FALLBACK = Pattern.compile("^(.*) or on\\(\\) vector\\((0|NaN)\\)$");

    @TempDir
    Path dir;

    @Test
    void everyDashboardAndRuleExpressionReturnsData() throws Exception {
        Path prometheus = onPath("prometheus");
        Path promtool = onPath("promtool");
        DebianPackages.ensure("the Prometheus test (PrometheusIT)", List.of(prometheus, promtool), "prometheus");
        Map<String, String> exprs = expressions();
        assertTrue(exprs.size() >= 20, "expected the dashboard's and the rules' expressions, found " + exprs);

        // a forecast log of its own: feedback is scored there, and other tests' days must not mix with these
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .trackDir(dir.resolve("track")).build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "4"))) {
            TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
            int promPort = freePort();
            int mlflowPort = freePort(); // closed again at once: nothing listens there, the mlflow target is down
            Path yml = writeConfig(service.port(), mlflowPort);
            Process check = new ProcessBuilder(promtool.toString(), "check", "config", yml.toString()).redirectErrorStream(true).start();
            String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), "promtool check config " + yml + ":\n" + checkOut);

            Path log = dir.resolve("prometheus.log");
            Process prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + yml, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                TestClient prom9 = new TestClient(promPort);
                awaitOrLog("Prometheus ready", log, () -> ready(prom9));
                awaitOrLog("the first scrape of the service", log,
                        () -> value(query(prom9, "up{job=\"closecast-serving\"}")).equals("1"));
                // the counter lives in the JVM-wide registry, so other ITs in this JVM may have counted feedback before
                double feedbackBefore = Double.parseDouble(value(query(prom9, "closecast_feedback_total{model=\"closecast-test\"}")));
                load(new TestClient(service.port()));

                Map<String, String> failures = new LinkedHashMap<>();
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do {
                    failures.clear();
                    for (Map.Entry<String, String> e : exprs.entrySet()) {
                        String why = check(prom9, e.getValue());
                        if (why != null) {
                            failures.put(e.getKey() + ": " + e.getValue(), why);
                        }
                    }
                    if (!failures.isEmpty()) {
                        Thread.sleep(1000);
                    }
                } while (!failures.isEmpty() && System.nanoTime() < end);
                assertTrue(failures.isEmpty(), failures.size() + " of " + exprs.size() + " expressions fail:\n"
                        + String.join("\n", failures.entrySet().stream().map(f -> f.getKey() + "\n    -> " + f.getValue()).toList())
                        + "\nPrometheus log:\n" + Files.readString(log));

                // the online-accuracy gauges Prometheus stored are the service's figures
                assertEquals(0.5, Double.parseDouble(value(query(prom9, "closecast_online_mase{model=\"closecast-test\",version=\"4\"}"))), 1e-12);
                assertEquals(0.6, Double.parseDouble(value(query(prom9, "closecast_online_coverage{model=\"closecast-test\",version=\"5\",level=\"0.8\"}"))), 1e-12);
                assertEquals(50, Double.parseDouble(value(query(prom9, "closecast_online_coverage_reports{model=\"closecast-test\",version=\"5\",level=\"0.8\"}"))), 0.0);
                assertEquals(feedbackBefore + 4 + 50, Double.parseDouble(value(query(prom9, "closecast_feedback_total{model=\"closecast-test\"}"))), 0.0);
            } finally {
                prom.destroy();
                if (!prom.waitFor(20, TimeUnit.SECONDS)) {
                    prom.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** Null when the expression passes, else why it does not. */
    private static String check(TestClient prom, String expr) {
        boolean mlflow = expr.contains("mlflow");
        JsonNode whole = query(prom, expr);
        if (!whole.path("status").asText().equals("success")) {
            return "query failed: " + whole;
        }
        JsonNode result = whole.at("/data/result");
        if (result.isEmpty()) {
            return "no data";
        }
        Matcher m = FALLBACK.matcher(expr);
        if (mlflow) {
            // MLflow is deliberately not running: its expressions must return their "MLflow down" answer
            if (m.matches()) {
                JsonNode left = query(prom, m.group(1)).at("/data/result");
                if (!left.isEmpty()) {
                    return "expected no MLflow series (no MLflow is scraped here), found " + left;
                }
                return result.size() == 1 && result.at("/0/value/1").asText().equals(m.group(2)) ? null
                        : "expected only the fallback " + m.group(2) + ", found " + result;
            }
            return expr.startsWith("up{job=\"mlflow\"}") && value(whole).equals("0") ? null
                    : "expected up{job=\"mlflow\"} = 0 (the mlflow target is a closed port), found " + result;
        }
        JsonNode own = m.matches() ? query(prom, m.group(1)).at("/data/result") : result;
        if (own.isEmpty()) {
            return "data only from the fallback 'or on() vector(" + m.group(2) + ")': " + m.group(1) + " returns none";
        }
        for (JsonNode sample : own) {
            String v = sample.at("/value/1").asText();
            if (!v.equals("NaN") && !v.contains("Inf")) {
                return null;
            }
        }
        return "expected at least one finite value, found " + own;
    }

    private static void load(TestClient c) throws InterruptedException {
        String[] feedback = {
                "{\"date\": \"2024-12-23\", \"actual\": 100, \"predicted\": 101, \"last\": 98, \"version\": \"4\"}",
                "{\"date\": \"2024-12-24\", \"actual\": 102, \"predicted\": 101.5, \"last\": 100, \"version\": \"4\"}",
                "{\"date\": \"2024-12-26\", \"actual\": 99, \"predicted\": 100.5, \"last\": 101, \"version\": \"4\"}",
                "{\"date\": \"2024-12-27\", \"actual\": 99, \"predicted\": 100, \"last\": 97, \"version\": \"4\"}"};
        for (int round = 0; round < 6; round++) { // spread over several scrapes, so rates and quantiles have two samples
            for (int i = 0; i < 20; i++) {
                RoutesTest.ok(c.post("/v1/predict", "application/json", "{\"closes\": [100, 101, 102, 103, " + (104 + i) + "], \"horizon\": 3}"));
            }
            RoutesTest.assertError(c.post("/v1/predict", "application/json", "{\"closes\": [1, 2, 3]}"), 400, "closes");
            RoutesTest.assertError(c.get("/no/such/path"), 404, null);
            RoutesTest.ok(c.get("/v1/model"));
            if (round < feedback.length) {
                RoutesTest.ok(c.post("/v1/feedback", "application/json", feedback[round]));
            }
            if (round == 0) { // 50 trading days of version 5 with their intervals: 30 inside the 80 % one
                List<LocalDate> days = io.closecast.model.prices.TradingCalendar.US.next(LocalDate.of(2023, 12, 29), 50);
                for (int day = 0; day < 50; day++) {
                    String lower = day < 30 ? "95" : "100.5";
                    RoutesTest.ok(c.post("/v1/feedback", "application/json", "{\"date\": \"" + days.get(day)
                            + "\", \"actual\": 100, \"predicted\": 101, \"last\": 99, \"version\": \"5\", \"intervals\": ["
                            + "{\"level\": 0.8, \"lower\": " + lower + ", \"upper\": 105}, {\"level\": 0.95, \"lower\": 90, \"upper\": 110}]}"));
                }
            }
            Thread.sleep(1000);
        }
    }

    private Path writeConfig(int servingPort, int mlflowPort) throws IOException {
        String yml = Files.readString(ROOT.resolve("configs/prometheus/prometheus.yml"));
        yml = replaceOnce(yml, "targets: [\"serving:8080\"]", "targets: [\"127.0.0.1:" + servingPort + "\"]");
        yml = replaceOnce(yml, "targets: [\"mlflow:5000\"]", "targets: [\"127.0.0.1:" + mlflowPort + "\"]");
        yml = replaceOnce(yml, "scrape_interval: 15s", "scrape_interval: 1s");
        yml = replaceOnce(yml, "scrape_timeout: 10s", "scrape_timeout: 1s");
        yml = replaceOnce(yml, "evaluation_interval: 15s", "evaluation_interval: 1s");
        assertTrue(yml.contains("- rules.yml"), "expected prometheus.yml to load rules.yml:\n" + yml);
        Files.copy(ROOT.resolve("configs/prometheus/rules.yml"), dir.resolve("rules.yml"));
        Path out = dir.resolve("prometheus.yml");
        Files.writeString(out, yml);
        return out;
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new AssertionError("expected exactly one " + from + " in configs/prometheus/prometheus.yml to rewrite, found "
                    + (at < 0 ? "none" : "several"));
        }
        return text.replace(from, to);
    }

    /** source -> expression, as scripts/promql-exprs.py prints them. */
    private static Map<String, String> expressions() throws IOException, InterruptedException {
        List<List<String>> commands = List.of(
                List.of("python3", ROOT.resolve("scripts/promql-exprs.py").toString(), "--with-source", "--root", ROOT.toString()),
                List.of("bash", ROOT.resolve("registry-server/mlflow-server.sh").toString(), "python",
                        ROOT.resolve("scripts/promql-exprs.py").toString(), "--with-source", "--root", ROOT.toString()));
        List<String> tried = new ArrayList<>();
        for (List<String> cmd : commands) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) {
                Map<String, String> exprs = new LinkedHashMap<>();
                for (String line : out.split("\n")) {
                    int tab = line.indexOf('\t');
                    if (tab > 0) {
                        exprs.put(line.substring(0, tab), line.substring(tab + 1));
                    }
                }
                return exprs;
            }
            tried.add(String.join(" ", cmd) + " -> " + err.strip());
        }
        throw new AssertionError("expected scripts/promql-exprs.py to print the expressions (it needs PyYAML: python3-yaml, or the MLflow "
                + "venv via CLOSECAST_MLFLOW_VENV), found failures:\n" + String.join("\n", tried));
    }

    private static JsonNode query(TestClient prom, String expr) {
        HttpResponse<String> res = prom.get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        return TestClient.json(res);
    }

    /** The value of a one-sample answer, or "" when there is not exactly one. */
    private static String value(JsonNode answer) {
        JsonNode r = answer.at("/data/result");
        return r.size() == 1 ? r.at("/0/value/1").asText() : "";
    }

    private static boolean ready(TestClient prom) {
        try {
            return prom.get("/-/ready").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void awaitOrLog(String what, Path log, java.util.function.BooleanSupplier condition) throws IOException {
        try {
            TestClient.await(what, Duration.ofSeconds(60), condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; Prometheus log:\n" + Files.readString(log), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("/usr/bin", name);
    }
}
