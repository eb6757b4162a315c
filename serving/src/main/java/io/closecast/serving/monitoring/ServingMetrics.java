package io.closecast.serving.monitoring;


import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The service's own meters, registered in a Helidon {@link MeterRegistry} and exposed with the JVM's system
 * meters at {@code GET /metrics}. Names as Prometheus shows them: {@code closecast_requests_total{route,status}},
 * {@code closecast_request_duration_seconds{route}} (histogram), and per served model ({@link ModelMeters}, label
 * {@code model}) {@code closecast_predictions_total}, {@code closecast_model_load_duration_seconds},
 * {@code closecast_model_info{name,version,run_id}}, {@code closecast_model_ready}, {@code closecast_model_reloads_total{result}}.
 */
public final class ServingMetrics {

    /** The route label for paths no endpoint serves, so unknown paths cannot grow the label set. */
    public static final String OTHER_ROUTE = "other";

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofNanos(2_500_000_000L), Duration.ofSeconds(5)};
    private static final Duration[] LOAD_BUCKETS = {
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofNanos(2_500_000_000L), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Map<String, Timer> durations;
    private final Map<String, String> templates; // "/v1/samples/" -> "/v1/samples/{symbol}": one label for every path it matches
    private final Map<String, AtomicReferenceArray<Counter>> requests; // by route, then status - 100
    private final List<String[]> inner; // templates with a parameter before the last segment, e.g. /v1/models/{name}/predict
    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();

    /**
     * The meters of one served model, each labelled {@code model="NAME"}: {@code closecast_predictions_total},
     * {@code closecast_model_load_duration_seconds}, {@code closecast_model_reloads_total{result}},
     * {@code closecast_model_check_failures_total}, {@code closecast_registry_up}, {@code closecast_model_ready},
     * {@code closecast_model_alias_mismatch} and {@code closecast_model_info{name,version,run_id}}.
     */
    public final class ModelMeters {
        private final String model;
        private final List<Tag> tags;
        private final Counter predictions;
        private final Timer load;
        private final Counter reloadSuccess;
        private final Counter reloadFailure;
        private final Counter checkFailures;
        private volatile int registryUp = 1;
        private final Object infoLock = new Object();
        private Meter info;

        private ModelMeters(String model) {
            this.model = model;
            this.tags = List.of(Tag.create("model", model));
            this.predictions = registry.getOrCreate(Counter.builder("closecast_predictions")
                    .description("Forecasts answered (one per forecast window), by model")
                    .tags(tags));
            this.load = registry.getOrCreate(Timer.builder("closecast_model_load_duration")
                    .description("Time to download, verify, load and warm up one model version, by model")
                    .baseUnit(Timer.BaseUnits.SECONDS)
                    .percentiles(new double[0]) // buckets only: quantile series inside a histogram family fail promtool check metrics
                    .buckets(LOAD_BUCKETS)
                    .tags(tags));
            this.reloadSuccess = registry.getOrCreate(Counter.builder("closecast_model_reloads")
                    .description("Model (re)loads by model and result")
                    .tags(List.of(Tag.create("model", model), Tag.create("result", "success"))));
            this.reloadFailure = registry.getOrCreate(Counter.builder("closecast_model_reloads")
                    .description("Model (re)loads by model and result")
                    .tags(List.of(Tag.create("model", model), Tag.create("result", "failure"))));
            this.checkFailures = registry.getOrCreate(Counter.builder("closecast_model_check_failures")
                    .description("Registry checks that failed unexpectedly (the loader logged it, backed off and kept polling), by model")
                    .tags(tags));
            registry.gauge("closecast_registry_up", tags).ifPresent(registry::remove);
            registry.getOrCreate(Gauge.builder("closecast_registry_up", () -> registryUp)
                    .description("1 while the model registry answered the model's last check, else 0")
                    .tags(tags));
        }

        /** The registered model these meters count for. */
        public String model() {
            return model;
        }

        /**
         * Registers {@code closecast_model_ready{model}} and {@code closecast_model_alias_mismatch{model}}, read at each
         * scrape (replacing earlier ones of the same model in the same registry).
         */
        public void registerState(BooleanSupplier ready, BooleanSupplier aliasMismatch) {
            registry.gauge("closecast_model_ready", tags).ifPresent(registry::remove);
            registry.getOrCreate(Gauge.builder("closecast_model_ready", () -> ready.getAsBoolean() ? 1 : 0)
                    .description("1 when a version of the model is loaded and serving, else 0")
                    .tags(tags));
            registry.gauge("closecast_model_alias_mismatch", tags).ifPresent(registry::remove);
            registry.getOrCreate(Gauge.builder("closecast_model_alias_mismatch", () -> aliasMismatch.getAsBoolean() ? 1 : 0)
                    .description("1 while the model's registry alias points at a version other than the one that serves, else 0")
                    .tags(tags));
        }

        /** Counts answered forecasts. */
        public void predictions(int count) {
            predictions.increment(count);
        }

        /** A registry check raised something unexpected. */
        public void checkFailed() {
            checkFailures.increment();
        }

        /** Whether the registry answered the last check. */
        public void registryReachable(boolean up) {
            registryUp = up ? 1 : 0;
        }

        /**
         * A version was loaded, warmed up and now serves.
         *
         * @param name    its registered model name
         * @param version its version
         * @param runId   the run that produced it
         * @param took    how long loading and warming up took
         */
        public void modelLoaded(String name, String version, String runId, Duration took) {
            load.record(took);
            reloadSuccess.increment();
            synchronized (infoLock) {
                removeInfo();
                info = registry.getOrCreate(Gauge.builder("closecast_model_info", () -> 1)
                        .description("1 for the model version that serves, by model")
                        .tags(List.of(Tag.create("model", model), Tag.create("name", name),
                                Tag.create("version", version), Tag.create("run_id", runId))));
            }
        }

        /** A version failed to load or warm up and was refused. */
        public void modelLoadFailed(Duration took) {
            load.record(took);
            reloadFailure.increment();
        }

        /** Removes the model-info gauge (the manager closes). */
        public void modelUnloaded() {
            synchronized (infoLock) {
                removeInfo();
            }
        }

        private void removeInfo() {
            if (info != null) {
                registry.remove(info);
                info = null;
            }
        }

        /** Successful (re)loads of this model so far. */
        public long reloadSuccesses() {
            return reloadSuccess.count();
        }

        /** Refused (re)loads of this model so far. */
        public long reloadFailures() {
            return reloadFailure.count();
        }

        /** Forecasts answered by this model so far. */
        public long predictions() {
            return predictions.count();
        }
    }

    private ServingMetrics(MeterRegistry registry, List<String> routes) {
        this.registry = registry;
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        for (String route : routes) {
            timers.put(route, timer(route));
        }
        timers.put(OTHER_ROUTE, timer(OTHER_ROUTE));
        this.durations = Map.copyOf(timers);
        Map<String, String> prefixes = new java.util.HashMap<>();
        for (String route : routes) {
            int brace = route.indexOf("/{");
            if (brace >= 0 && route.endsWith("}") && route.indexOf('{', brace + 2) < 0) {
                prefixes.put(route.substring(0, brace + 1), route);
            }
        }
        this.templates = Map.copyOf(prefixes);
        List<String[]> withInner = new java.util.ArrayList<>();
        for (String route : routes) {
            String[] segments = route.split("/", -1);
            for (int i = 0; i < segments.length - 1; i++) {
                if (segments[i].startsWith("{")) {
                    withInner.add(segments);
                    break;
                }
            }
        }
        this.inner = List.copyOf(withInner);
        Map<String, AtomicReferenceArray<Counter>> byRoute = new ConcurrentHashMap<>();
        for (String route : durations.keySet()) {
            byRoute.put(route, new AtomicReferenceArray<>(500));
        }
        this.requests = Map.copyOf(byRoute);
        JvmMeters.register(registry);
    }

    /** The meters of one served model (created on first use, then the same ones). */
    public ModelMeters model(String name) {
        return models.computeIfAbsent(name, ModelMeters::new);
    }

    /**
     * Registers the meters.
     *
     * @param registry where they live (the one {@code /metrics} shows)
     * @param routes   the route labels requests are counted under (route templates such as {@code /v1/predict})
     */
    public static ServingMetrics create(MeterRegistry registry, List<String> routes) {
        return new ServingMetrics(registry, routes);
    }

    private Timer timer(String route) {
        return registry.getOrCreate(Timer.builder("closecast_request_duration")
                .description("Request latency by route, from routing to the response being sent")
                .baseUnit(Timer.BaseUnits.SECONDS)
                .percentiles(new double[0])
                .buckets(LATENCY_BUCKETS)
                .tags(List.of(Tag.create("route", route))));
    }

    /**
     * The route label to use for a path: the path itself when it is a known route, the template when the path fills
     * a route's one trailing parameter ({@code /v1/samples/MSFT} -> {@code /v1/samples/{symbol}}) or a parameter segment
     * inside it ({@code /v1/models/closecast-MSFT/predict} -> {@code /v1/models/{name}/predict}), else {@link #OTHER_ROUTE}.
     */
    public String routeLabel(String path) {
        if (durations.containsKey(path)) {
            return path;
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0 && slash < path.length() - 1) {
            String template = templates.get(path.substring(0, slash + 1));
            if (template != null) {
                return template;
            }
        }
        if (!inner.isEmpty()) {
            String[] segments = path.split("/", -1);
            for (String[] template : inner) {
                if (matches(template, segments)) {
                    return String.join("/", template);
                }
            }
        }
        return OTHER_ROUTE;
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith("{");
            if (parameter ? segments[i].isEmpty() : !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** The registry these meters live in (other parts of the service add theirs to it). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one finished request and records its latency. */
    public void request(String route, int status, long nanos) {
        Timer timer = durations.get(route);
        if (timer == null) {
            route = OTHER_ROUTE;
            timer = durations.get(OTHER_ROUTE);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
        int slot = Math.clamp(status - 100, 0, 499);
        AtomicReferenceArray<Counter> counters = requests.get(route);
        Counter counter = counters.get(slot);
        if (counter == null) {
            counter = registry.getOrCreate(Counter.builder("closecast_requests")
                    .description("Requests by route and HTTP status")
                    .tags(List.of(Tag.create("route", route), Tag.create("status", Integer.toString(slot + 100)))));
            counters.compareAndSet(slot, null, counter); // getOrCreate returns the same meter to racing threads
        }
        counter.increment();
    }

    /** Successful (re)loads so far, all models. */
    public long reloadSuccesses() {
        return models.values().stream().mapToLong(ModelMeters::reloadSuccesses).sum();
    }

    /** Refused (re)loads so far, all models. */
    public long reloadFailures() {
        return models.values().stream().mapToLong(ModelMeters::reloadFailures).sum();
    }

    /** Requests timed so far for a route: {count, total seconds} (the server's share of the latency). */
    public double[] requestTime(String route) {
        Timer t = durations.getOrDefault(route, durations.get(OTHER_ROUTE));
        return new double[] {t.count(), t.totalTime(TimeUnit.SECONDS)};
    }

    /** Requests counted so far for a route and status. */
    public long requests(String route, int status) {
        AtomicReferenceArray<Counter> counters = requests.get(route);
        return counters == null ? 0 : Optional.ofNullable(counters.get(Math.clamp(status - 100, 0, 499))).map(Counter::count).orElse(0L);
    }
}
