package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code closecast retrain --listen PORT}: Alertmanager's webhook receiver. {@code POST /alerts} needs
 * {@code Authorization: Bearer TOKEN} (401 without), takes the version-4 payload ({@link AlertPayload}; 400 naming the
 * field when malformed) and answers 202 at once: each firing alert whose name is configured and whose firing
 * (fingerprint and start) was not seen before starts a retrain in the background, unless one runs already (one per
 * model at a time); resolved alerts, unknown names and repeats are ignored and counted. {@code GET /metrics} gives the
 * counts in Prometheus's text format, {@code GET /health} 200.
 */
public final class AlertReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED = 10_000;

    private final HttpServer server;
    private final byte[] token;
    private final Set<String> alertNames;
    private final Function<String, Retrainer.Status> retrain;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "closecast-retrain");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Map<String, AtomicLong> alerts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> retrains = new ConcurrentHashMap<>();
    private volatile double lastSuccess = 0;
    /** The last success, or the receiver's start before any: what the staleness gauge counts sessions from. */
    private volatile java.time.Instant since;
    /** The newest retrain that ended without failing as MLflow records it, whoever ran it (a CronJob's pod...). */
    private final java.util.function.Supplier<java.util.Optional<java.time.Instant>> recorded;
    private volatile java.time.Instant recordedSuccess = java.time.Instant.EPOCH;
    private final java.util.concurrent.ScheduledExecutorService recorder;

    /**
     * A receiver on {@code port} (0: any free one), not started yet.
     *
     * @param token      the bearer token Alertmanager sends ({@code http_config.authorization.credentials})
     * @param alertNames the alerts that start a retrain
     * @param retrain    one retrain, given its trigger ({@code alert:NAME}); returns its decision
     */
    public AlertReceiver(int port, String token, Set<String> alertNames, Function<String, Retrainer.Status> retrain,
                         Clock clock) throws IOException {
        this(port, token, alertNames, retrain, clock, java.util.Optional::empty);
    }

    /**
     * As above; {@code recorded} tells when a retrain of the same models last ended without failing as MLflow records
     * it (any process's: {@link Retrainer#lastFinished}), asked once a minute in the background (a failure keeps the
     * last answer), so the staleness gauge also counts the retrains of a CronJob or another receiver.
     */
    public AlertReceiver(int port, String token, Set<String> alertNames, Function<String, Retrainer.Status> retrain,
                         Clock clock, java.util.function.Supplier<java.util.Optional<java.time.Instant>> recorded)
            throws IOException {
        if (token == null || token.isBlank()) {
            throw new PipelineException("the webhook receiver needs a bearer token (CLOSECAST_RETRAIN_TOKEN), found none");
        }
        if (alertNames.isEmpty()) {
            throw new PipelineException("--alert must name at least one alert that starts a retrain, found none");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.alertNames = Set.copyOf(alertNames);
        this.retrain = Objects.requireNonNull(retrain, "retrain");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.instant();
        this.recorded = Objects.requireNonNull(recorded, "recorded");
        this.recorder = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-retrain-recorded");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/alerts", this::alerts);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", e -> answer(e, 200, Map.of("status", "up")));
    }

    public AlertReceiver start() {
        recorder.scheduleWithFixedDelay(this::refreshRecorded, 0, 1, java.util.concurrent.TimeUnit.MINUTES);
        server.start();
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void alerts(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, error("method must be POST, found " + exchange.getRequestMethod()));
                return;
            }
            String auth = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Authorization"), "");
            if (!auth.startsWith("Bearer ") || !MessageDigest.isEqual(token, auth.substring(7).getBytes(StandardCharsets.UTF_8))) {
                count(alerts, "unauthorized");
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                answer(exchange, 401, error("Authorization must be 'Bearer <token>' with the receiver's token"));
                return;
            }
            AlertPayload payload;
            try (InputStream in = exchange.getRequestBody()) {
                payload = AlertPayload.parse(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            } catch (AlertPayload.Malformed e) {
                count(alerts, "malformed");
                answer(exchange, 400, error(e.getMessage()));
                return;
            }
            Map<String, Object> outcome = new LinkedHashMap<>();
            for (AlertPayload.Alert alert : payload.alerts()) {
                String result = handle(alert);
                count(alerts, result);
                outcome.merge(result, 1, (a, b) -> (Integer) a + (Integer) b);
            }
            answer(exchange, 202, outcome);
        }
    }

    private String handle(AlertPayload.Alert alert) {
        if (!alert.firing()) {
            return "resolved";
        }
        if (!alertNames.contains(alert.name())) {
            LOG.info("Ignoring alert {}: not one of {}", alert.name(), alertNames);
            return "unknown";
        }
        synchronized (seen) {
            if (seen.containsKey(alert.firingId())) {
                return "duplicate";
            }
            seen.put(alert.firingId(), Boolean.TRUE);
        }
        if (!running.compareAndSet(false, true)) {
            return "busy";
        }
        worker.submit(() -> counted("alert:" + alert.name()));
        return "accepted";
    }

    /** One retrain, counted; {@code running} is set by the caller and cleared here. */
    private void counted(String trigger) {
        count(retrains, "started");
        try {
            Retrainer.Status status = retrain.apply(trigger);
            count(retrains, status.name().toLowerCase(Locale.ROOT));
            java.time.Instant now = clock.instant();
            since = now;
            lastSuccess = now.toEpochMilli() / 1000.0;
        } catch (RuntimeException | Error e) {
            count(retrains, "failed");
            LOG.warn("Retrain ({}) failed: {}", trigger, e.getMessage());
        } finally {
            running.set(false);
        }
    }

    /**
     * A scheduled retrain beside the webhook ({@code --every} with {@code --listen}), on the caller's thread and in the
     * same counts; skipped (and counted {@code busy}) while an alert's retrain runs.
     */
    public void runNow(String trigger) {
        if (!running.compareAndSet(false, true)) {
            count(retrains, "busy");
            return;
        }
        counted(trigger);
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            StringBuilder text = new StringBuilder();
            text.append("# HELP closecast_retrain_alerts_total Alerts the webhook received, by what became of them.\n")
                    .append("# TYPE closecast_retrain_alerts_total counter\n");
            alerts.forEach((k, v) -> text.append("closecast_retrain_alerts_total{outcome=\"").append(k).append("\"} ")
                    .append(v.get()).append('\n'));
            text.append("# HELP closecast_retrain_total Retrains started, and how those that ended ended.\n")
                    .append("# TYPE closecast_retrain_total counter\n");
            retrains.forEach((k, v) -> text.append("closecast_retrain_total{result=\"").append(k).append("\"} ")
                    .append(v.get()).append('\n'));
            text.append("# HELP closecast_retrain_last_success_timestamp_seconds When a retrain last ended without failing.\n")
                    .append("# TYPE closecast_retrain_last_success_timestamp_seconds gauge\n")
                    .append("closecast_retrain_last_success_timestamp_seconds ").append(lastSuccess).append('\n');
            text.append("# HELP closecast_retrain_trading_sessions_since_success US trading sessions closed since a retrain")
                    .append(" last ended without failing (or since the receiver started).\n")
                    .append("# TYPE closecast_retrain_trading_sessions_since_success gauge\n")
                    .append("closecast_retrain_trading_sessions_since_success ")
                    .append(tradingSessionsSinceSuccess()).append('\n');
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * US trading sessions ({@link TradingSessions}) closed since a retrain last ended without failing, or since the
     * receiver started when none has yet; computed from the clock on each scrape.
     */
    public int tradingSessionsSinceSuccess() {
        java.time.Instant own = since;
        java.time.Instant other = recordedSuccess;
        return TradingSessions.closedBetween(other.isAfter(own) ? other : own, clock.instant());
    }

    /** Asks MLflow (through {@code recorded}) when a retrain last ended without failing; a failure keeps the last answer. */
    void refreshRecorded() {
        try {
            recorded.get().ifPresent(at -> recordedSuccess = at);
        } catch (RuntimeException e) {
            LOG.debug("Last finished retrain not read from MLflow: {}", e.getMessage());
        }
    }

    private static void count(Map<String, AtomicLong> counters, String key) {
        counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Waits for a running retrain (tests, shutdown). */
    public void awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (running.get() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        worker.shutdownNow();
        recorder.shutdownNow();
    }
}
