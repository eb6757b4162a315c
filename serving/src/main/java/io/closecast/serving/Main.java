package io.closecast.serving;

import io.closecast.serving.adaptive.AdaptiveIntervals;
import io.closecast.serving.adaptive.AdaptiveModelSource;
import io.closecast.serving.adaptive.AlphaStore;
import io.closecast.serving.adaptive.FileAlphaStore;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.dashboard.SampleFiles;
import io.closecast.serving.http.DashboardService;
import io.closecast.serving.http.FeedbackService;
import io.closecast.serving.http.HealthService;
import io.closecast.serving.http.InvocationsService;
import io.closecast.serving.http.KeysService;
import io.closecast.serving.http.ModelService;
import io.closecast.serving.http.OipService;
import io.closecast.serving.http.OpenApiService;
import io.closecast.serving.http.PredictService;
import io.closecast.serving.http.SamplesService;
import io.closecast.serving.http.TrackRecordService;
import io.closecast.serving.http.WebhookService;
import io.closecast.serving.http.filter.ApiKeyFilter;
import io.closecast.serving.http.filter.ConnectionGuard;
import io.closecast.serving.http.filter.HeaderDeadline;
import io.closecast.serving.http.filter.RequestMetricsFilter;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.security.ApiKeys;
import io.closecast.serving.security.IssuedKeys;
import io.closecast.serving.security.WebhookVerifier;
import io.closecast.serving.track.Score;
import io.closecast.serving.track.TrackSettings;
import io.closecast.serving.track.TrackStoreException;
import io.closecast.serving.track.Tracker;
import io.closecast.serving.track.jdbc.JdbcAlphaStore;
import io.closecast.serving.track.jdbc.JdbcKeyStore;
import io.closecast.serving.track.jdbc.JdbcTrackStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

import io.closecast.model.lstm.LstmForecaster;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the closecast serving process: loads the config, builds the collaborators by hand, starts the server.
 * The models load in the background; {@code GET /health/ready} says when they serve.
 * <pre>java -cp ... io.closecast.serving.Main [configs/serving.yaml]</pre>
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** The routes requests are counted and timed under. */
    public static final List<String> ROUTES = List.of("/v1/predict", "/v1/predict/csv", "/invocations", "/v1/model",
            "/v1/models", "/v1/models/{name}", "/v1/models/{name}/predict", "/v1/models/{name}/predict/csv",
            "/v1/models/{name}/feedback", "/v1/models/{name}/feedback/summary", "/v1/prices",
            "/v1/webhooks/mlflow", "/health/live", "/health/ready", "/ping", "/health", "/version", "/metrics", "/openapi",
            "/", "/dashboard/{asset}", "/v1/feedback", "/v1/feedback/summary", "/v1/samples", "/v1/samples/{symbol}",
            "/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/{name}", "/v2/models/{name}/ready",
            "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}",
            "/v2/models/{name}/versions/{version}/ready", "/v2/models/{name}/versions/{version}/infer",
            "/v1/track-record", "/v1/models/{name}/track-record", "/v1/keys", "/v1/keys/{id}",
            "/v1/model/verdict", "/v1/models/{name}/verdict");

    private static final double OBSERVE_WEIGHT = 1000;

    private Main() {
    }

    public static void main(String[] args) {
        // the JIT compiles the forward-pass kernels while the server starts and the model downloads
        Thread.ofPlatform().daemon().name("closecast-kernel-warmup").start(LstmForecaster::warmUpKernels);
        LogConfig.configureRuntime();
        if (!"1".equals(System.getProperty("jdk.readPollers"))) {
            LOG.info("Started without -Djdk.readPollers=1 (bin/closecast-serve and the image set it): with the JDK's "
                    + "one socket poller per core, connections wait for a poller that fell behind and the p99 under "
                    + "load grows (docs/serving.md)");
        }
        Path yaml = Path.of(args.length > 0 ? args[0] : "configs/serving.yaml");
        if (!Files.isRegularFile(yaml)) {
            throw new ServingException("expected the serving config at " + yaml.toAbsolutePath()
                    + " (pass its path as the first argument), found no file");
        }
        ServingConfig config = ServingConfig.load(yaml, System.getenv());
        ModelSourceFactory factory = ServiceLoader.load(ModelSourceFactory.class).findFirst()
                .orElseThrow(() -> new ServingException("expected a ModelSourceFactory on the class path "
                        + "(META-INF/services/io.closecast.serving.ModelSourceFactory), found none"));
        RunningService service = start(config, factory.create(config), factory.shadows(config), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "closecast-shutdown"));
    }

    /** Builds and starts everything around one model source; the caller closes the result. */
    public static RunningService start(ServingConfig config, ModelSource source) {
        return start(config, List.of(source));
    }

    /** Builds and starts everything around the model sources, one per served model; the caller closes the result. */
    public static RunningService start(ServingConfig config, List<ModelSource> sources) {
        return start(config, sources, Clock.systemUTC());
    }

    /**
     * As {@link #start(ServingConfig, List)} with the clock the forecast log stamps requests with and the price feed
     * refuses future bars by (tests replay days with their own).
     */
    public static RunningService start(ServingConfig config, List<ModelSource> sources, Clock clock) {
        return start(config, sources, Map.of(), clock);
    }

    /** As {@link #start(ServingConfig, List, Clock)} with challengers in shadow, keyed by the model they shadow. */
    @SuppressWarnings("removal") // Helidon's MetricsObserver reports the global registry
    public static RunningService start(ServingConfig config, List<ModelSource> sources, Map<String, ModelSource> shadows,
                                       Clock clock) {
        MeterRegistry registry = Metrics.globalRegistry();
        ServingMetrics metrics = ServingMetrics.create(registry, ROUTES);
        Optional<AdaptiveIntervals> adaptive = adaptive(config, registry);
        List<ModelSource> served = adaptive.map(a -> sources.stream().map(s -> AdaptiveModelSource.wrap(s, a)).toList())
                .orElse(sources);
        Map<String, ModelSource> challengers = new java.util.LinkedHashMap<>(shadows);
        adaptive.ifPresent(a -> challengers.replaceAll((name, s) -> AdaptiveModelSource.wrap(s, a)));
        ModelFleet models = ModelFleet.create(served, challengers, config.registry().loader(), metrics);
        // each model resolves and downloads on its own thread while the web server starts
        models.start();
        Optional<Tracker> tracker = tracker(config.track(), registry, clock);
        tracker.ifPresent(t -> adaptive.ifPresent(a -> t.onScored((model, scores) -> a.observeAll(model, outcomes(scores)))));
        Optional<IssuedKeys> issued = issuedKeys(config.track(), config.security(), clock);
        HeaderDeadline headerDeadline = new HeaderDeadline(config.server().timeouts().headers());
        WebServer server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                // small request and response bodies: no Nagle delay; every accepted connection must send its first
                // request headers within the header timeout, also one that never sends a byte (HeaderDeadline: Helidon's
                // idle check skips connections not yet identified as HTTP/1.1)
                .connectionOptions(headerDeadline.socketOptions(SocketOptions.builder().tcpNoDelay(true)
                        .readTimeout(config.server().timeouts().idle()).build()))
                .writeQueueLength(config.server().writeQueueLength())
                // idle keep-alive connections and request lines trickled in are closed by Helidon's idle check,
                // headers trickled in by HeaderDeadline, bodies by Bodies.read (docs/serving.md)
                .idleConnectionTimeout(config.server().timeouts().idle())
                .idleConnectionPeriod(idlePeriod(config.server().timeouts().idle()))
                .addProtocol(Http1Config.builder().addReceiveListener(headerDeadline).build())
                // errors the web server answers itself (bad request line, headers, chunk sizes) as JSON too
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, Responses.directHandler());
                    }
                })
                .addFeature(ObserveFeature.builder()
                        .observersDiscoverServices(false)
                        .addObserver(MetricsObserver.builder().endpoint("/metrics").build())
                        .weight(OBSERVE_WEIGHT) // above the application routing, so its catch-all 404 does not hide /metrics
                        .build())
                .routing(r -> routing(r, config, models, metrics, tracker, issued, adaptive))
                .build()
                .start();
        LOG.info("closecast serving on port {}, {} {}", server.port(), sources.size() == 1 ? "model" : sources.size() + " models",
                sources.stream().map(ModelSource::describe).toList());
        return new RunningService(server, models, metrics, headerDeadline, tracker, issued, adaptive);
    }

    /**
     * The adaptive intervals when some model sets {@code intervals.adaptive.gamma}: their state in the forecast log's
     * database, or in a JSON file under {@code track.dir} while the log is off.
     */
    static Optional<AdaptiveIntervals> adaptive(ServingConfig config, MeterRegistry registry) {
        if (!config.adaptive().any()) {
            return Optional.empty();
        }
        TrackSettings track = config.track();
        AlphaStore store;
        if (track.enabled()) {
            if (track.url().isEmpty()) {
                try {
                    Files.createDirectories(track.dir());
                } catch (java.io.IOException e) {
                    throw new TrackStoreException("track.dir: cannot create " + track.dir().toAbsolutePath() + ": " + e, false, e);
                }
            }
            store = JdbcAlphaStore.open(track.url().orElseGet(() -> JdbcTrackStore.embeddedUrl(track.dir())), track.user(),
                    track.password());
        } else {
            store = FileAlphaStore.open(track.dir());
        }
        LOG.info("Adaptive intervals (ACI) for {}, state in {}", config.adaptive().gammas(), store.describe());
        return Optional.of(AdaptiveIntervals.create(config.adaptive().gammas(), store, registry));
    }

    /** The track record's scores as the adaptive intervals' outcomes (per level: outside the interval served). */
    static List<AdaptiveIntervals.Outcome> outcomes(List<Score> scores) {
        return scores.stream().map(s -> new AdaptiveIntervals.Outcome(s.key().version(), s.target(), s.key().step(),
                s.bounds().stream().collect(java.util.stream.Collectors.toMap(Score.Coverage::level, c -> !c.inside(),
                        (a, b) -> a)))).toList();
    }

    /** The forecast log and track record loop, unless {@code track.enabled} is false. */
    static Optional<Tracker> tracker(TrackSettings track, MeterRegistry registry, Clock clock) {
        if (!track.enabled()) {
            LOG.info("Forecast log off (track.enabled: false): forecasts are not logged, no track record");
            return Optional.empty();
        }
        String url = track.url().orElseGet(() -> JdbcTrackStore.embeddedUrl(track.dir()));
        return Optional.of(Tracker.start(track, () -> {
            if (track.url().isEmpty()) {
                try {
                    Files.createDirectories(track.dir());
                } catch (java.io.IOException e) {
                    throw new TrackStoreException("track.dir: cannot create " + track.dir().toAbsolutePath() + ": " + e, false, e);
                }
            }
            return JdbcTrackStore.open(url, track.user(), track.password());
        }, registry, clock));
    }

    /**
     * The keys issued by the service, kept in the forecast log's database; while it is off, in
     * {@code security.issued-keys-file} (by default beside the config file); none without either.
     */
    public static Optional<IssuedKeys> issuedKeys(TrackSettings track, io.closecast.serving.config.SecuritySettings security,
                                                  Clock clock) {
        if (!track.enabled()) {
            if (security.issuedKeysFile().isPresent()) {
                io.closecast.serving.security.FileKeyStore store =
                        io.closecast.serving.security.FileKeyStore.open(security.issuedKeysFile().get());
                LOG.info("Issued API keys in {} (the forecast log is off)", store.file());
                return Optional.of(IssuedKeys.create(store, clock));
            }
            LOG.info("Issued API keys off (track.enabled: false and no security.issued-keys-file): /v1/keys answers 404");
            return Optional.empty();
        }
        if (track.url().isEmpty()) {
            try {
                Files.createDirectories(track.dir());
            } catch (java.io.IOException e) {
                throw new TrackStoreException("track.dir: cannot create " + track.dir().toAbsolutePath() + ": " + e, false, e);
            }
        }
        String url = track.url().orElseGet(() -> JdbcTrackStore.embeddedUrl(track.dir()));
        return Optional.of(IssuedKeys.create(JdbcKeyStore.open(url, track.user(), track.password()), clock));
    }

    /** How often idle connections are looked for: a quarter of the timeout, within 100 ms .. 2 min (Helidon's default). */
    static Duration idlePeriod(Duration idle) {
        Duration quarter = idle.dividedBy(4);
        Duration min = Duration.ofMillis(100);
        Duration max = Duration.ofMinutes(2);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** All endpoints, the API-key and metrics filters, and the one place errors become JSON. */
    public static void routing(HttpRouting.Builder routing, ServingConfig config, ModelFleet models, ServingMetrics metrics) {
        routing(routing, config, models, metrics, Optional.empty());
    }

    /** As {@link #routing(HttpRouting.Builder, ServingConfig, ModelFleet, ServingMetrics)}, with the forecast log. */
    public static void routing(HttpRouting.Builder routing, ServingConfig config, ModelFleet models, ServingMetrics metrics,
                               Optional<Tracker> tracker) {
        routing(routing, config, models, metrics, tracker, Optional.empty());
    }

    /** As {@link #routing(HttpRouting.Builder, ServingConfig, ModelFleet, ServingMetrics, Optional)}, with issued keys. */
    public static void routing(HttpRouting.Builder routing, ServingConfig config, ModelFleet models, ServingMetrics metrics,
                               Optional<Tracker> tracker, Optional<IssuedKeys> issued) {
        routing(routing, config, models, metrics, tracker, issued, Optional.empty());
    }

    /** As {@link #routing(HttpRouting.Builder, ServingConfig, ModelFleet, ServingMetrics, Optional, Optional)}, with ACI. */
    public static void routing(HttpRouting.Builder routing, ServingConfig config, ModelFleet models, ServingMetrics metrics,
                               Optional<Tracker> tracker, Optional<IssuedKeys> issued,
                               Optional<AdaptiveIntervals> adaptive) {
        Optional<WebhookVerifier> verifier = config.webhook().secret()
                .map(s -> WebhookVerifier.create(s, config.webhook().maxSkew(), Clock.systemUTC()));
        Set<String> open = new HashSet<>();
        Set<String> openPrefixes = new HashSet<>();
        open.add("/v1/webhooks/mlflow"); // authenticated by its HMAC signature
        if (config.security().openHealth()) {
            open.addAll(List.of("/health/live", "/health/ready", "/ping", "/health", "/version",
                    "/v2/health/live", "/v2/health/ready", "/v2"));
        }
        if (config.security().openMetrics()) {
            open.add("/metrics");
        }
        if (config.security().openOpenapi()) {
            open.add("/openapi");
        }
        if (config.security().openDashboard()) {
            open.add("/");
            openPrefixes.add("/dashboard/");
        }
        ApiKeys keys = ApiKeys.create(config.security().apiKeys(), config.security().apiKeysFile(),
                config.security().adminKeys(), issued);
        if (!keys.enabled()) {
            LOG.warn("No API keys configured (security.api-keys, CLOSECAST_API_KEYS, CLOSECAST_API_KEYS_FILE): every endpoint is open");
        }
        routing.addFilter(new RequestMetricsFilter(metrics))
                .addFilter(new ConnectionGuard(config.server().timeouts().body()))
                .addFilter(new ApiKeyFilter(keys, open, openPrefixes))
                .register(new PredictService(models, config.server().maxBodyBytes(), tracker),
                        new InvocationsService(models, metrics, config.server().maxBodyBytes(), tracker),
                        new OipService(models, config.server().maxBodyBytes()),
                        new ModelService(models, adaptive),
                        new TrackRecordService(models, tracker),
                        new io.closecast.serving.http.VerdictService(models, tracker),
                        new KeysService(issued, config.server().maxBodyBytes(), Clock.systemUTC()),
                        new io.closecast.serving.http.PricesService(models, tracker, config.server().maxBodyBytes()),
                        new io.closecast.serving.http.ForecastsService(models, tracker),
                        new HealthService(models, keys, tracker),
                        new WebhookService(models, verifier, config.server().maxBodyBytes()),
                        new OpenApiService(models),
                        new FeedbackService(models, metrics.registry(), config.dashboard().feedbackWindow(),
                                config.server().maxBodyBytes(), tracker, adaptive),
                        new SamplesService(models, SampleFiles.create(config.dashboard().dataDir())),
                        new DashboardService())
                // GET /metrics is the metrics observer's (it comes first); any other method is refused here
                .any("/metrics", (req, res) -> {
                    if (io.helidon.http.Method.GET.equals(req.prologue().method())) {
                        Responses.notFound(req, res);
                    } else {
                        Responses.methodNotAllowed(req, res, "GET");
                    }
                })
                .any(Responses::notFound)
                // ConnectionGuard maps failures as they pass; this catches what a filter outside it could raise
                .error(Throwable.class, Responses::failure);
    }
}
