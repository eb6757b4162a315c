package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.LoaderSettings;
import io.closecast.serving.track.FeedSettings;
import io.closecast.serving.track.TrackSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.closecast.mlflow.artifacts.DownloadLimits;
import io.closecast.mlflow.MlflowException;
import io.helidon.config.Config;

/**
 * Everything the service is configured with, one record per section. Read from {@code configs/serving.yaml} (see
 * {@code docs/serving.md}) by {@link ServingConfigReader}, then environment variables override ({@link EnvOverrides}).
 * Tests build it in code with {@link #builder()}.
 *
 * @param server    {@code server.*} and {@code limits.*}
 * @param registry  {@code mlflow.*}, {@code model.*} and {@code models}
 * @param security  {@code security.*}
 * @param webhook   {@code webhook.*}
 * @param dashboard {@code feedback.*} and {@code dashboard.*}
 * @param track     {@code track.*}: the forecast log and the live track record
 * @param adaptive  {@code model.intervals.adaptive.*} and {@code models[].intervals.adaptive.*}: adaptive intervals
 */
public record ServingConfig(ServerSettings server, RegistrySettings registry, SecuritySettings security,
                            WebhookSettings webhook, DashboardSettings dashboard, TrackSettings track,
                            AdaptiveSettings adaptive) {

    public ServingConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(track, "track");
        Objects.requireNonNull(adaptive, "adaptive");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the YAML file, then applies the environment variables. */
    public static ServingConfig load(Path yaml, Map<String, String> env) {
        return ServingConfigReader.load(yaml, env);
    }

    /** From a Helidon config tree (the YAML's root), then the environment variables. */
    public static ServingConfig fromConfig(Config config, Map<String, String> env, String where) {
        return ServingConfigReader.read(config, env, where);
    }

    /** Builds a config in code; every part but the model names has a default. */
    public static final class Builder {
        /** A model to serve; without an alias it follows {@link #modelAlias(String)}. */
        record Entry(String name, Optional<String> alias, Optional<String> shadowAlias) {
            Entry(String name, Optional<String> alias) {
                this(name, alias, Optional.empty());
            }
        }

        private String host = "0.0.0.0";
        private int port = 8080;
        private int writeQueueLength = ServerSettings.DEFAULT_WRITE_QUEUE_LENGTH;
        private String trackingUri;
        private List<Entry> models = List.of();
        private String modelAlias = "production";
        private Duration pollInterval = Duration.ofSeconds(30);
        private Duration retryInitial = Duration.ofSeconds(1);
        private Duration retryMax = Duration.ofSeconds(60);
        private int warmupRounds = 3;
        private List<String> apiKeys = List.of();
        private Path apiKeysFile;
        private List<String> adminKeys = List.of();
        private Path issuedKeysFile;
        private boolean openHealth = true;
        private boolean openMetrics = true;
        private boolean openOpenapi = true;
        private boolean openDashboard = true;
        private long maxBodyBytes = 1024 * 1024;
        private String webhookSecret;
        private Duration webhookMaxSkew = Duration.ofMinutes(5);
        private Path modelCacheDir = Path.of(System.getProperty("java.io.tmpdir"), "closecast-models");
        private int feedbackWindow = 100;
        private Path dataDir = Path.of("data");
        private boolean serveCachedOnOutage = true;
        private Duration idleTimeout = ServerSettings.Timeouts.DEFAULT.idle();
        private Duration headerTimeout = ServerSettings.Timeouts.DEFAULT.headers();
        private Duration bodyTimeout = ServerSettings.Timeouts.DEFAULT.body();
        private long downloadMaxFileBytes = RegistrySettings.DEFAULT_DOWNLOAD.maxFileBytes();
        private long downloadMaxBundleBytes = RegistrySettings.DEFAULT_DOWNLOAD.maxTotalBytes();
        private int downloadMaxFiles = RegistrySettings.DEFAULT_DOWNLOAD.maxFiles();
        private int downloadMaxDepth = RegistrySettings.DEFAULT_DOWNLOAD.maxDepth();
        private Duration downloadTimeout = RegistrySettings.DEFAULT_DOWNLOAD.deadline();
        private final TrackSettings trackDefaults = TrackSettings.defaults();
        private boolean trackEnabled = trackDefaults.enabled();
        private Path trackDir = trackDefaults.dir();
        private String trackUrl;
        private String trackUser;
        private String trackPassword;
        private int trackQueueCapacity = trackDefaults.queueCapacity();
        private int trackBatchSize = trackDefaults.batchSize();
        private Path trackPricesDir = trackDefaults.pricesDir();
        private Duration trackRefreshInterval = trackDefaults.refreshInterval();
        private int trackWindow = trackDefaults.window();
        private Double adaptiveGamma;
        private final Map<String, Double> adaptiveGammas = new java.util.LinkedHashMap<>();
        private String trackFeedSource = trackDefaults.feed().source().key();
        private Duration trackFeedDelay = trackDefaults.feed().delay();
        private String trackFeedBaseUrl;

        private Builder() {
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder writeQueueLength(int v) { writeQueueLength = v; return this; }
        public Builder trackingUri(String v) { trackingUri = v; return this; }
        /** Serves this one registered model (replaces earlier names). */
        public Builder modelName(String v) { models = List.of(new Entry(v, Optional.empty())); return this; }
        /** The alias a model follows unless it names its own. */
        public Builder modelAlias(String v) { modelAlias = v; return this; }
        /** Serves these registered models, each following {@link #modelAlias(String)} (replaces earlier names). */
        public Builder models(String... names) {
            models = Arrays.stream(names).map(n -> new Entry(n, Optional.empty())).toList();
            return this;
        }
        /** Adds one model following its own alias. */
        public Builder addModel(String name, String alias) {
            List<Entry> more = new ArrayList<>(models);
            more.add(new Entry(name, Optional.of(alias)));
            models = List.copyOf(more);
            return this;
        }
        /** Adds one model following its own alias, with a challenger in shadow following {@code shadowAlias}. */
        public Builder addModel(String name, String alias, String shadowAlias) {
            List<Entry> more = new ArrayList<>(models);
            more.add(new Entry(name, Optional.of(alias), Optional.of(shadowAlias)));
            models = List.copyOf(more);
            return this;
        }
        Builder models(List<Entry> v) { models = List.copyOf(v); return this; }
        boolean hasModels() { return !models.isEmpty(); }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder retryInitial(Duration v) { retryInitial = v; return this; }
        public Builder retryMax(Duration v) { retryMax = v; return this; }
        public Builder warmupRounds(int v) { warmupRounds = v; return this; }
        public Builder apiKeys(List<String> v) { apiKeys = List.copyOf(v); return this; }
        public Builder apiKeysFile(Path v) { apiKeysFile = v; return this; }
        public Builder adminKeys(List<String> v) { adminKeys = List.copyOf(v); return this; }
        public Builder issuedKeysFile(Path v) { issuedKeysFile = v; return this; }
        public Builder openHealth(boolean v) { openHealth = v; return this; }
        public Builder openMetrics(boolean v) { openMetrics = v; return this; }
        public Builder openOpenapi(boolean v) { openOpenapi = v; return this; }
        public Builder openDashboard(boolean v) { openDashboard = v; return this; }
        public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
        public Builder webhookSecret(String v) { webhookSecret = v; return this; }
        public Builder webhookMaxSkew(Duration v) { webhookMaxSkew = v; return this; }
        public Builder modelCacheDir(Path v) { modelCacheDir = v; return this; }
        public Builder feedbackWindow(int v) { feedbackWindow = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder serveCachedOnOutage(boolean v) { serveCachedOnOutage = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder headerTimeout(Duration v) { headerTimeout = v; return this; }
        public Builder bodyTimeout(Duration v) { bodyTimeout = v; return this; }
        public Builder downloadMaxFileBytes(long v) { downloadMaxFileBytes = v; return this; }
        public Builder downloadMaxBundleBytes(long v) { downloadMaxBundleBytes = v; return this; }
        public Builder downloadMaxFiles(int v) { downloadMaxFiles = v; return this; }
        public Builder downloadMaxDepth(int v) { downloadMaxDepth = v; return this; }
        public Builder downloadTimeout(Duration v) { downloadTimeout = v; return this; }
        public Builder trackEnabled(boolean v) { trackEnabled = v; return this; }
        public Builder trackDir(Path v) { trackDir = v; return this; }
        public Builder trackUrl(String v) { trackUrl = v; return this; }
        public Builder trackUser(String v) { trackUser = v; return this; }
        public Builder trackPassword(String v) { trackPassword = v; return this; }
        public Builder trackQueueCapacity(int v) { trackQueueCapacity = v; return this; }
        public Builder trackBatchSize(int v) { trackBatchSize = v; return this; }
        public Builder trackPricesDir(Path v) { trackPricesDir = v; return this; }
        public Builder trackRefreshInterval(Duration v) { trackRefreshInterval = v; return this; }
        public Builder trackWindow(int v) { trackWindow = v; return this; }
        /** Adaptive intervals of step size {@code v} for every served model that sets none of its own. */
        public Builder adaptiveGamma(double v) { adaptiveGamma = v; return this; }
        /** Adaptive intervals of step size {@code v} for one served model. */
        public Builder adaptiveGamma(String model, double v) { adaptiveGammas.put(model, v); return this; }
        /** {@code directory}, {@code yahoo} or {@code alpha-vantage}. */
        public Builder trackFeedSource(String v) { trackFeedSource = v; return this; }
        public Builder trackFeedDelay(Duration v) { trackFeedDelay = v; return this; }
        public Builder trackFeedBaseUrl(String v) { trackFeedBaseUrl = v; return this; }

        public ServingConfig build() {
            if (models.isEmpty()) {
                throw new ServingException("model.name or models is required (the registered models to serve), found none");
            }
            ServerSettings server = new ServerSettings(host, port, writeQueueLength,
                    new ServerSettings.Timeouts(idleTimeout, headerTimeout, bodyTimeout), maxBodyBytes);
            List<RegistrySettings.ServedModel> served = models.stream()
                    .map(e -> new RegistrySettings.ServedModel(e.name(), e.alias().orElse(modelAlias), e.shadowAlias()))
                    .toList();
            RegistrySettings registry = new RegistrySettings(Optional.ofNullable(trackingUri), served,
                    new LoaderSettings(pollInterval, retryInitial, retryMax, warmupRounds, serveCachedOnOutage),
                    modelCacheDir, downloadLimits());
            return new ServingConfig(server, registry,
                    new SecuritySettings(apiKeys, Optional.ofNullable(apiKeysFile), openHealth, openMetrics, openOpenapi, openDashboard,
                            adminKeys, Optional.ofNullable(issuedKeysFile)),
                    new WebhookSettings(Optional.ofNullable(webhookSecret).filter(s -> !s.isBlank()), webhookMaxSkew),
                    new DashboardSettings(feedbackWindow, dataDir),
                    new TrackSettings(trackEnabled, trackDir, text(trackUrl), text(trackUser), text(trackPassword),
                            trackQueueCapacity, trackBatchSize, trackPricesDir, trackRefreshInterval, trackWindow,
                            new FeedSettings(FeedSettings.Source.of(trackFeedSource), trackFeedDelay, feedBaseUrl())),
                    adaptive(served));
        }

        private AdaptiveSettings adaptive(List<RegistrySettings.ServedModel> served) {
            Map<String, Double> gammas = new java.util.LinkedHashMap<>();
            for (RegistrySettings.ServedModel m : served) {
                Double g = adaptiveGammas.getOrDefault(m.name(), adaptiveGamma);
                if (g != null) {
                    gammas.put(m.name(), g);
                }
            }
            for (String name : adaptiveGammas.keySet()) {
                if (served.stream().noneMatch(m -> m.name().equals(name))) {
                    throw new ServingException("intervals.adaptive.gamma is set for " + name + ", which is not served ("
                            + served.stream().map(RegistrySettings.ServedModel::name).toList() + ")");
                }
            }
            return new AdaptiveSettings(gammas);
        }

        private Optional<java.net.URI> feedBaseUrl() {
            try {
                return text(trackFeedBaseUrl).map(java.net.URI::create);
            } catch (IllegalArgumentException e) {
                throw new ServingException("track.feed.base-url must be an http(s) URL, found '" + trackFeedBaseUrl + "'", e);
            }
        }

        private static Optional<String> text(String v) {
            return Optional.ofNullable(v).filter(s -> !s.isBlank());
        }

        private DownloadLimits downloadLimits() {
            try {
                return new DownloadLimits(downloadMaxFileBytes, downloadMaxBundleBytes, downloadMaxFiles,
                        downloadMaxDepth, downloadTimeout);
            } catch (MlflowException e) {
                throw new ServingException("model.download: " + e.getMessage(), e);
            }
        }
    }
}
