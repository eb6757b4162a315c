package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.models.VersionRef;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency benchmark (run by {@code bench/serving-bench.sh}, not a test): the service in-process with a model that
 * spins ~0.1 ms per forecast, 16 keep-alive connections, {@code GET /health/live} (the HTTP stack alone) beside
 * {@code POST /v1/predict}; several rounds, medians of p50/p99 and the ratio predict/live.
 * <pre>ServingBench [rounds=5] [seconds=5] [connections=16]</pre>
 */
public final class ServingBench {

    static final int WINDOW = 60;

    private ServingBench() {
    }

    /** A forecaster that costs about {@code spinNanos} of CPU per call, like a small LSTM on the pure-Java path. */
    static class SpinForecaster implements Forecaster {
        private final ModelInfo info;
        private final long spinNanos;

        SpinForecaster(ModelInfo info, long spinNanos) {
            this.info = info;
            this.spinNanos = spinNanos;
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public double[] forecast(double[] window, int horizon) {
            long end = System.nanoTime() + spinNanos;
            double acc = 0;
            while (System.nanoTime() < end) {
                acc += Math.sqrt(window[(int) (acc % window.length)]);
            }
            double[] out = new double[horizon];
            Arrays.fill(out, window[window.length - 1] + (acc > 0 ? 0 : 1e-9));
            return out;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        ModelSource source = source();
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName("closecast-bench")
                .pollInterval(Duration.ofMinutes(10)).apiKeys(List.of("bench-key")).build();
        StringBuilder closes = new StringBuilder("{\"closes\":[");
        for (int i = 0; i < WINDOW; i++) {
            closes.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.2f", 30 + Math.sin(i / 5.0)));
        }
        String body = closes.append("],\"horizon\":5}").toString();
        try (RunningService service = Main.start(config, source)) {
            while (!service.models().ready()) {
                Thread.sleep(20);
            }
            String base = "http://127.0.0.1:" + service.port();
            HttpRequest live = HttpRequest.newBuilder(URI.create(base + "/health/live")).GET().build();
            HttpRequest predict = HttpRequest.newBuilder(URI.create(base + "/v1/predict"))
                    .header("Content-Type", "application/json").header("X-API-Key", "bench-key")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            System.out.printf(Locale.ROOT, "closecast serving benchmark: %d connections, %d rounds x %d s per endpoint, "
                    + "model ~0.1 ms/forecast, window %d, horizon 5, %d cores (shared), Java %s%n",
                    connections, rounds, seconds, WINDOW, Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            run(live, connections, 2, service, "/health/live"); // warm-up
            run(predict, connections, 2, service, "/v1/predict");
            System.out.printf(Locale.ROOT, "%-6s %-16s %10s %10s %10s %10s %14s%n", "round", "endpoint", "p50 ms", "p99 ms", "max ms", "req/s",
                    "server mean ms");
            List<double[]> liveResults = new ArrayList<>();
            List<double[]> predictResults = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                double[] l = run(live, connections, seconds, service, "/health/live");
                print(r, "GET /health/live", l);
                double[] p = run(predict, connections, seconds, service, "/v1/predict");
                print(r, "POST /v1/predict", p);
                liveResults.add(l);
                predictResults.add(p);
            }
            double[] lm = medians(liveResults);
            double[] pm = medians(predictResults);
            System.out.println("medians over rounds:");
            print(0, "GET /health/live", lm);
            print(0, "POST /v1/predict", pm);
            System.out.printf(Locale.ROOT, "ratio predict/live: p50 %.2fx, p99 %.2fx, throughput %.2fx%n",
                    pm[0] / lm[0], pm[1] / lm[1], pm[3] / lm[3]);
            System.out.printf(Locale.ROOT, "target p50 < 1 ms: %s (%.3f ms); target p99 < 5 ms: %s (%.3f ms)%n",
                    pm[0] < 1 ? "met" : "NOT met", pm[0], pm[1] < 5 ? "met" : "NOT met", pm[1]);
        }
    }

    /**
     * The forecast log benches' model: a {@link SpinForecaster} of ~0.1 ms as {@link #source()}'s, but trained on
     * {@code MSFT} (so its dated answers count US trading days: holidays, Good Friday) and calibrated at two levels
     * (80 % and 95 %, bounds +-2 % and +-5 %), as a served msft.yaml model is: each logged forecast has 5 steps of 2
     * bounds.
     */
    static ModelSource loggedSource() {
        return new ModelSource() {
            @Override
            public String name() {
                return "closecast-bench";
            }

            @Override
            public java.util.Optional<VersionRef> resolve() {
                return java.util.Optional.of(VersionRef.create("closecast-bench", "1", "run-bench"));
            }

            @Override
            public Forecaster load(VersionRef ref) {
                ModelInfo info = new ModelInfo(ref.name(), ref.version(), ref.runId(), "production",
                        LocalDate.of(2010, 1, 4), LocalDate.of(2022, 12, 30), WINDOW, 5, List.of("Close"), Map.of(),
                        Instant.now(), "MSFT");
                return new SpinForecaster(info, 100_000) {
                    @Override
                    public io.closecast.model.bundle.ForecastModel.Forecast forecastWithIntervals(double[] window, int horizon) {
                        double[] p = forecast(window, horizon);
                        List<io.closecast.model.intervals.ForecastInterval> levels = new ArrayList<>();
                        for (double[] lw : new double[][] {{0.8, 0.02}, {0.95, 0.05}}) {
                            double[] lower = new double[horizon];
                            double[] upper = new double[horizon];
                            for (int i = 0; i < horizon; i++) {
                                lower[i] = p[i] * (1 - lw[1]);
                                upper[i] = p[i] * (1 + lw[1]);
                            }
                            levels.add(new io.closecast.model.intervals.ForecastInterval(lw[0], lower, upper));
                        }
                        return new io.closecast.model.bundle.ForecastModel.Forecast(p, levels, "bench");
                    }
                };
            }

            @Override
            public String describe() {
                return "in-process bench model for MSFT (~0.1 ms per forecast, intervals at 80 and 95 %)";
            }
        };
    }

    /** The bench model as a source: one version, a {@link SpinForecaster} of ~0.1 ms, window 60, horizon 5. */
    static ModelSource source() {
        return new ModelSource() {
            @Override
            public String name() {
                return "closecast-bench";
            }

            @Override
            public java.util.Optional<VersionRef> resolve() {
                return java.util.Optional.of(VersionRef.create("closecast-bench", "1", "run-bench"));
            }

            @Override
            public Forecaster load(VersionRef ref) {
                return new SpinForecaster(new ModelInfo(ref.name(), ref.version(), ref.runId(), "production",
                        LocalDate.of(2010, 1, 4), LocalDate.of(2022, 12, 30), WINDOW, 5, List.of("Close"), Map.of(),
                        Instant.now()), 100_000);
            }

            @Override
            public String describe() {
                return "in-process bench model (~0.1 ms per forecast)";
            }
        };
    }

    private static void print(int round, String name, double[] r) {
        System.out.printf(Locale.ROOT, "%-6s %-16s %10.3f %10.3f %10.3f %10.0f %14.3f%n", round == 0 ? "median" : Integer.toString(round),
                name, r[0], r[1], r[2], r[3], r[4]);
    }

    static double[] medians(List<double[]> results) {
        double[] out = new double[5];
        for (int k = 0; k < 5; k++) {
            double[] v = new double[results.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = results.get(i)[k];
            }
            Arrays.sort(v);
            out[k] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return out;
    }

    /**
     * Returns {p50 ms, p99 ms, max ms, requests/s, server mean ms} (client-measured, except the last: the server's
     * own time from closecast_request_duration_seconds); fails on any non-200 answer.
     */
    static double[] run(HttpRequest request, int connections, int seconds, RunningService service, String route)
            throws InterruptedException {
        double[] before = service.metrics().requestTime(route);
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        long[][] samples = new long[connections][];
        int[] counts = new int[connections];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            threads.add(Thread.ofPlatform().start(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] lat = new long[1 << 16];
                int n = 0;
                while (go.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> res = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (res.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        errors.incrementAndGet();
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - t0;
                }
                samples[id] = lat;
                counts[id] = n;
                http.close();
            }));
        }
        Thread.sleep(seconds * 1000L);
        go.set(false);
        for (Thread t : threads) {
            t.join();
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " requests failed during the benchmark");
        }
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(samples[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        double[] after = service.metrics().requestTime(route);
        double serverMean = (after[1] - before[1]) / Math.max(1, after[0] - before[0]) * 1e3;
        return new double[] {all[(int) (total * 0.50)] / 1e6, all[(int) Math.min(total - 1, total * 0.99)] / 1e6,
                all[total - 1] / 1e6, total / (double) seconds, serverMean};
    }
}
