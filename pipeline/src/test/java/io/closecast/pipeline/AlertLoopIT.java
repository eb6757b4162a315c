package io.closecast.pipeline;

import io.closecast.model.DebianPackages;
import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.retrain.AlertReceiver;
import io.closecast.pipeline.retrain.Retrainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert loop end to end, with a real Prometheus and a real Alertmanager (Debian's {@code prometheus} and
 * {@code prometheus-alertmanager}, installed when missing and the test runs as root) and the shared MLflow: a rule
 * fires, Alertmanager posts it (bearer token from a file, as configs/alertmanager/alertmanager.yml does) to the retrain
 * receiver, a real retrain runs and its verdict lands on the version; Alertmanager repeating the same firing alert
 * starts no second retrain.
 */
class AlertLoopIT {
    private static MlflowClient client;
    private static final List<Process> processes = new ArrayList<>();
    @TempDir
    static Path work;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        processes.forEach(Process::destroyForcibly);
        client.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process start(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    @Test
    void aFiringRuleRetrainsOnceThroughAlertmanagerAndTheVerdictLandsOnTheVersion() throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        Path alertmanager = Path.of("/usr/bin/prometheus-alertmanager");
        DebianPackages.ensure("AlertLoopIT", List.of(prometheus, alertmanager), "prometheus", "prometheus-alertmanager");

        String model = ItServers.unique("closecast-it-alert");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-alert"));
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-train",
                "registered-model: " + model));
        Path prices = Files.createDirectories(work.resolve("prices"));
        Files.copy(Cli.data("MSFT.csv"), prices.resolve("MSFT.csv"));
        StringWriter console = new StringWriter();
        Retrainer retrainer = new Retrainer(client, Clock.systemUTC(), new PrintWriter(console));

        String token = "it-token-" + System.nanoTime();
        try (AlertReceiver receiver = new AlertReceiver(freePort(), token, Set.of("CloseCastWorseThanNaive"),
                trigger -> retrainer.run(new Retrainer.Request(config, Optional.of(prices), false, trigger,
                        new Gate.Policy(100, 3, false, 0.05), Duration.ofMinutes(5), Duration.ofSeconds(1),
                        Optional.empty())).status(), Clock.systemUTC()).start()) {
            Path tokenFile = work.resolve("retrain-token");
            Files.writeString(tokenFile, token);
            int amPort = freePort();
            Path amConfig = work.resolve("alertmanager.yml");
            Files.writeString(amConfig, """
                    route:
                      receiver: closecast-retrain
                      group_by: [alertname]
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 2s
                    receivers:
                      - name: closecast-retrain
                        webhook_configs:
                          - url: http://127.0.0.1:%d/alerts
                            send_resolved: true
                            http_config:
                              authorization:
                                type: Bearer
                                credentials_file: %s
                    """.formatted(receiver.port(), tokenFile));
            start(work.resolve("alertmanager.log"), alertmanager.toString(), "--config.file=" + amConfig,
                    "--storage.path=" + work.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort,
                    "--cluster.listen-address=");
            Path rules = work.resolve("rules.yml");
            Files.writeString(rules, """
                    groups:
                      - name: it
                        rules:
                          - alert: CloseCastWorseThanNaive
                            expr: vector(2) > 1
                            labels:
                              model: %s
                    """.formatted(model));
            Path promConfig = work.resolve("prometheus.yml");
            Files.writeString(promConfig, """
                    global:
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    alerting:
                      alertmanagers:
                        - static_configs:
                            - targets: ["127.0.0.1:%d"]
                    """.formatted(rules, amPort));
            start(work.resolve("prometheus.log"), prometheus.toString(), "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + freePort());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            Optional<ModelVersion> version = Optional.empty();
            while (version.isEmpty() || version.get().tag("closecast.retrain.verdict").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no retrained version after 300 s; receiver metrics:\n"
                        + metrics(receiver) + "\nalertmanager:\n" + tail(work.resolve("alertmanager.log"))
                        + "\nprometheus:\n" + tail(work.resolve("prometheus.log")) + "\nretrain:\n" + console);
                Thread.sleep(1000);
                version = versions(model).stream().findFirst();
            }
            ModelVersion v = client.registry().getModelVersion(model, version.get().version());
            assertEquals("alert:CloseCastWorseThanNaive", v.tag("closecast.retrain.trigger").orElseThrow());
            assertEquals("promoted", v.tag("closecast.retrain.verdict").orElseThrow(), v.tags().toString());
            receiver.awaitIdle(Duration.ofSeconds(60));
            // Alertmanager re-sends the still-firing alert every repeat_interval: wait for a repeat, then count
            while (!metrics(receiver).contains("closecast_retrain_alerts_total{outcome=\"duplicate\"}")) {
                assertTrue(System.nanoTime() < deadline, "Alertmanager did not repeat the alert:\n" + metrics(receiver));
                Thread.sleep(500);
            }
            String metrics = metrics(receiver);
            assertTrue(metrics.contains("closecast_retrain_total{result=\"started\"} 1\n"), metrics);
            assertTrue(metrics.contains("closecast_retrain_total{result=\"promoted\"} 1\n"), metrics);
            assertEquals(1, versions(model).size(), "the repeated alert started no second retrain");
            assertTrue(metrics.contains("closecast_retrain_trading_sessions_since_success 0\n"), metrics);
            // the receiver's exposition passes promtool's lint (no unit-like suffix such as _days, HELP and TYPE)
            Process lint = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
            try (var in = lint.getOutputStream()) {
                in.write(metrics.getBytes(StandardCharsets.UTF_8));
            }
            String said = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(lint.waitFor(30, TimeUnit.SECONDS), "promtool check metrics did not end");
            assertEquals(0, lint.exitValue(), "promtool check metrics:\n" + said + "\non:\n" + metrics);
        }
    }

    private static List<ModelVersion> versions(String model) {
        return client.registry().searchModelVersions("name = '" + model + "'", List.of());
    }

    private static String metrics(AlertReceiver receiver) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)";
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }
}
