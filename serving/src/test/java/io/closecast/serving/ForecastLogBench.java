package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.track.ForecastLog;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cost of the forecast log on the request path (issue 26: throughput with logging at least 0.95 of without at 16
 * connections), run by {@code bench/serving-bench.sh --log} (not a test): two services in this JVM, the
 * {@link ServingBench#loggedSource()} model (~0.1 ms per forecast, MSFT, two interval levels), one with the forecast log on (the embedded H2 store in a fresh
 * directory), one with it off ({@code track.enabled: false}); every request is a dated {@code POST /v1/predict}
 * (horizon 5, two interval levels), so every answer of the first is logged. Rounds alternate
 * which service goes first; per round the ratio of throughputs on/off, then the median ratio. At the end the log must
 * have written every forecast it was offered (none lost), or the comparison is void. With a fourth argument
 * {@code store-down} the logging service's store is a PostgreSQL URL nobody listens on, with a queue that holds the whole
 * run: the requests build and queue their forecasts as always but nothing is written, which prices the request path
 * alone (the writer thread only backs off).
 * <pre>ForecastLogBench [rounds=5] [seconds=5] [connections=16] [store-down]</pre>
 */
public final class ForecastLogBench {

    private ForecastLogBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path dir = Files.createTempDirectory("closecast-log-bench");
        boolean storeDown = args.length > 3 && args[3].equals("store-down");
        ServingConfig on = config(storeDown ? "store-down" : "on", dir).build();
        ServingConfig off = config("off", dir).build();
        String body = datedBody();
        try (RunningService logged = Main.start(on, ServingBench.loggedSource());
             RunningService unlogged = Main.start(off, ServingBench.loggedSource())) {
            while (!logged.models().ready() || !unlogged.models().ready()) {
                Thread.sleep(20);
            }
            HttpRequest toLogged = predict(logged, body);
            HttpRequest toUnlogged = predict(unlogged, body);
            System.out.printf(Locale.ROOT, "closecast forecast log on vs off: %d connections, %d rounds x %d s per service "
                    + "(order alternating), dated POST /v1/predict, horizon 5, MSFT model ~0.1 ms/forecast with 2 interval levels, %d cores (shared), "
                    + "Java %s, log in %s%n", connections, rounds, seconds, Runtime.getRuntime().availableProcessors(),
                    Runtime.version(), storeDown ? "a store that is down (the request path alone)" : dir);
            ServingBench.run(toLogged, connections, 2, logged, "/v1/predict"); // warm-up, both
            ServingBench.run(toUnlogged, connections, 2, unlogged, "/v1/predict");
            System.out.printf(Locale.ROOT, "%-6s %-8s %10s %10s %10s %10s %8s%n", "round", "log", "p50 ms", "p99 ms",
                    "max ms", "req/s", "on/off");
            List<double[]> onResults = new ArrayList<>();
            List<double[]> offResults = new ArrayList<>();
            double[] ratios = new double[rounds];
            for (int r = 1; r <= rounds; r++) {
                double[] a;
                double[] b;
                if (r % 2 == 1) {
                    a = ServingBench.run(toLogged, connections, seconds, logged, "/v1/predict");
                    b = ServingBench.run(toUnlogged, connections, seconds, unlogged, "/v1/predict");
                } else {
                    b = ServingBench.run(toUnlogged, connections, seconds, unlogged, "/v1/predict");
                    a = ServingBench.run(toLogged, connections, seconds, logged, "/v1/predict");
                }
                ratios[r - 1] = a[3] / b[3];
                print(Integer.toString(r), "on", a, ratios[r - 1]);
                print(Integer.toString(r), "off", b, Double.NaN);
                onResults.add(a);
                offResults.add(b);
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            print("median", "on", ServingBench.medians(onResults), median);
            print("median", "off", ServingBench.medians(offResults), Double.NaN);
            ForecastLog.Status status = logged.tracker().orElseThrow().status().log();
            if (storeDown) {
                System.out.printf(Locale.ROOT, "forecast log: %d queued for a store that is down (request path alone)%n"
                        + "throughput with the log's request path / without (median of the per-round ratios): %.3f%n",
                        status.queued(), median);
                return;
            }
            logged.tracker().orElseThrow().flush(Duration.ofSeconds(30));
            ForecastLog.Status flushed = logged.tracker().orElseThrow().status().log();
            System.out.printf(Locale.ROOT, "forecast log: %d written, %d lost, %d queued at the end of the last round%n",
                    flushed.written(), flushed.lost(), status.queued());
            System.out.printf(Locale.ROOT, "throughput with the log / without (median of the per-round ratios): %.3f; "
                    + "target >= 0.95: %s%n", median, median >= 0.95 ? "met" : "NOT met");
            if (flushed.lost() > 0 || flushed.written() == 0) {
                throw new IllegalStateException("the log lost " + flushed.lost() + " and wrote " + flushed.written()
                        + " forecasts: the comparison does not measure logging every request");
            }
        }
    }

    /**
     * The bench service's config: {@code on} (the embedded H2 store under {@code dir}), {@code off}, or
     * {@code store-down} (a PostgreSQL URL nobody listens on, a queue of 5,000,000 that holds a whole run).
     */
    static ServingConfig.Builder config(String log, Path dir) throws java.io.IOException {
        ServingConfig.Builder b = ServingConfig.builder().host("127.0.0.1").port(0).modelName("closecast-bench")
                .pollInterval(Duration.ofMinutes(10)).apiKeys(List.of("bench-key"));
        switch (log) {
            case "off" -> b.trackEnabled(false);
            case "on" -> b.trackEnabled(true).trackDir(dir).trackPricesDir(dir);
            case "store-down" -> {
                try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                    b.trackEnabled(true).trackDir(dir).trackPricesDir(dir)
                            .trackUrl("jdbc:postgresql://127.0.0.1:" + s.getLocalPort() + "/none?connectTimeout=1")
                            .trackQueueCapacity(5_000_000);
                }
            }
            default -> throw new IllegalArgumentException("log: expected on, off or store-down, found " + log);
        }
        return b;
    }

    private static HttpRequest predict(RunningService service, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/v1/predict"))
                .header("Content-Type", "application/json").header("X-API-Key", "bench-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The bench window with consecutive weekdays ending 2024-10-25 as its dates: a dated forecast, logged. */
    static String datedBody() {
        StringBuilder closes = new StringBuilder("{\"closes\":[");
        List<String> dates = new ArrayList<>();
        LocalDate d = LocalDate.of(2024, 10, 25);
        while (dates.size() < ServingBench.WINDOW) {
            if (d.getDayOfWeek().getValue() <= 5) {
                dates.addFirst("\"" + d + "\"");
            }
            d = d.minusDays(1);
        }
        for (int i = 0; i < ServingBench.WINDOW; i++) {
            closes.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.2f", 30 + Math.sin(i / 5.0)));
        }
        return closes.append("],\"dates\":[").append(String.join(",", dates)).append("],\"horizon\":5}").toString();
    }

    private static void print(String round, String log, double[] r, double ratio) {
        System.out.printf(Locale.ROOT, "%-6s %-8s %10.3f %10.3f %10.3f %10.0f %8s%n", round, log, r[0], r[1], r[2], r[3],
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio));
    }
}
