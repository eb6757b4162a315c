package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.LoaderSettings;
import io.closecast.serving.models.VersionRef;
import io.closecast.serving.monitoring.OnlineAccuracy;

import io.closecast.model.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.closecast.mlflow.DownloadLimits;
import io.closecast.mlflow.MlflowException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Everything the service is configured with. Read from {@code configs/serving.yaml} (see {@code docs/serving.md}),
 * then environment variables override: {@code CLOSECAST_TRACKING_URI} (else {@code MLFLOW_TRACKING_URI}),
 * {@code CLOSECAST_MODEL_NAME} (one model), {@code CLOSECAST_MODEL_NAMES} (several, comma separated, each
 * {@code NAME} or {@code NAME@ALIAS}), {@code CLOSECAST_MODEL_ALIAS}, {@code CLOSECAST_PORT}, {@code CLOSECAST_API_KEYS}
 * (comma separated), {@code CLOSECAST_API_KEYS_FILE}, {@code CLOSECAST_POLL_INTERVAL}, {@code CLOSECAST_WEBHOOK_SECRET},
 * {@code CLOSECAST_MAX_BODY_BYTES}, {@code CLOSECAST_MODEL_CACHE_DIR},
 * {@code CLOSECAST_DATA_DIR}. Tests build it in code with {@link #builder()}.
 */
public record ServingConfig(String host,
                            int port,
                            int writeQueueLength,
                            Optional<String> trackingUri,
                            List<ServedModel> models,
                            LoaderSettings loader,
                            List<String> apiKeys,
                            Optional<Path> apiKeysFile,
                            boolean openHealth,
                            boolean openMetrics,
                            boolean openOpenapi,
                            boolean openDashboard,
                            long maxBodyBytes,
                            Optional<String> webhookSecret,
                            Duration webhookMaxSkew,
                            Path modelCacheDir,
                            int feedbackWindow,
                            Path dataDir,
                            Timeouts timeouts,
                            DownloadLimits download) {

    /**
     * How long a connection may sit idle, take to send its request headers, and take to send its body.
     *
     * @param idle    a connection with no request in progress is closed after this long
     * @param headers the request headers must arrive within this of the request line (slow loris)
     * @param body    a request body must arrive within this of the route starting to read it
     */
    public record Timeouts(Duration idle, Duration headers, Duration body) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));

        public Timeouts {
            positive(idle, "server.idle-timeout");
            positive(headers, "server.header-timeout");
            positive(body, "server.body-timeout");
        }

        private static void positive(Duration d, String key) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new ServingException(key + " must be > 0, found " + d);
            }
        }
    }

    /**
     * One registered model the service serves and the registry alias it follows ({@code models:/NAME@ALIAS}).
     *
     * @param name  the registered model, e.g. {@code closecast-MSFT}; also its name in {@code /v1/models/{name}}
     * @param alias the alias whose version serves, e.g. {@code production}
     */
    public record ServedModel(String name, String alias) {
        public ServedModel {
            VersionRef.requireText(name, "models[].name");
            VersionRef.requireText(alias, "models[].alias");
        }
    }

    /**
     * Download bounds for model bundles: real bundles are tens of kilobytes (a 2-layer 64-unit LSTM is ~150 KB with
     * its DL4J copy), so 64 MiB a file and 256 MiB a bundle leave a wide margin.
     */
    public static final DownloadLimits DEFAULT_DOWNLOAD =
            new DownloadLimits(64L << 20, 256L << 20, 1000, 16, Duration.ofMinutes(2));

    /**
     * Responses queued per connection for Helidon's writer (0: written by the request's virtual thread). With 0,
     * about 1% of requests took 0.2-0.8 s at 16-64 connections on 2 cores here (2026-11-23); with the queue and one
     * socket poller ({@code -Djdk.readPollers=1}, the launcher's) the p99 at 16 connections was 2.2 ms (BENCHMARKS.md).
     */
    public static final int DEFAULT_WRITE_QUEUE_LENGTH = 32;

    public ServingConfig {
        VersionRef.requireText(host, "server.host");
        if (port < 0 || port > 65535) {
            throw new ServingException("server.port must be 0..65535 (0 = any free port), found " + port);
        }
        if (writeQueueLength < 0 || writeQueueLength > 1024) {
            throw new ServingException("server.write-queue-length must be 0..1024 (0 = write on the request's thread), found "
                    + writeQueueLength);
        }
        Objects.requireNonNull(trackingUri, "trackingUri");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new ServingException("model.name or models is required (the registered models to serve), found none");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ServedModel m : models) {
            if (!names.add(m.name())) {
                throw new ServingException("models must name each registered model once, found " + m.name() + " twice");
            }
        }
        Objects.requireNonNull(loader, "loader");
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(apiKeysFile, "apiKeysFile");
        if (maxBodyBytes < 1024) {
            throw new ServingException("limits.max-body-bytes must be >= 1024, found " + maxBodyBytes);
        }
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        Objects.requireNonNull(webhookMaxSkew, "webhookMaxSkew");
        Objects.requireNonNull(modelCacheDir, "model.cache-dir");
        if (feedbackWindow < 1 || feedbackWindow > OnlineAccuracy.MAX_WINDOW) {
            throw new ServingException("feedback.window must be 1.." + OnlineAccuracy.MAX_WINDOW + ", found " + feedbackWindow);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(download, "download");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the YAML file, then applies the environment variables. */
    public static ServingConfig load(Path yaml, Map<String, String> env) {
        Config config = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(yaml))
                .build();
        return fromConfig(config, env, yaml.toString());
    }

    /** Every key serving.yaml may set (docs/serving.md#configuration); a list key's items are its children. */
    static final List<String> KEYS = List.of(
            "dashboard.data-dir",
            "feedback.window",
            "limits.max-body-bytes",
            "mlflow.tracking-uri",
            "model.alias",
            "model.cache-dir",
            "model.download.max-bundle-bytes",
            "model.download.max-depth",
            "model.download.max-file-bytes",
            "model.download.max-files",
            "model.download.timeout",
            "model.name",
            "model.poll-interval",
            "model.retry.initial",
            "model.retry.max",
            "model.serve-cached-on-outage",
            "model.warmup-rounds",
            "models",
            "security.api-keys",
            "security.api-keys-file",
            "security.open.dashboard",
            "security.open.health",
            "security.open.metrics",
            "security.open.openapi",
            "server.body-timeout",
            "server.header-timeout",
            "server.host",
            "server.idle-timeout",
            "server.port",
            "server.write-queue-length",
            "webhook.max-skew",
            "webhook.secret");

    private static final List<String> LIST_KEYS = List.of("security.api-keys", "models");

    /** The keys an item of {@code models} may have when it is an object rather than a plain name. */
    static final List<String> MODEL_ITEM_KEYS = List.of("name", "alias");

    /** From a Helidon config tree (the YAML's root), then the environment variables. */
    public static ServingConfig fromConfig(Config config, Map<String, String> env, String where) {
        rejectUnknownKeys(config, where);
        Builder b = builder();
        config.get("server.host").asString().ifPresent(b::host);
        config.get("server.port").asString().ifPresent(v -> b.port(integer(v, "server.port", where)));
        config.get("server.write-queue-length").asString()
                .ifPresent(v -> b.writeQueueLength(integer(v, "server.write-queue-length", where)));
        config.get("mlflow.tracking-uri").asString().ifPresent(b::trackingUri);
        config.get("model.name").asString().ifPresent(b::modelName);
        Config list = config.get("models");
        if (list.exists()) {
            if (config.get("model.name").exists()) {
                throw new ServingException("set model.name (one model) or models (several), found both in " + where);
            }
            b.models(servedModels(list, where));
        }
        config.get("model.alias").asString().ifPresent(b::modelAlias);
        config.get("model.poll-interval").asString().ifPresent(v -> b.pollInterval(duration(v, "model.poll-interval", where)));
        config.get("model.retry.initial").asString().ifPresent(v -> b.retryInitial(duration(v, "model.retry.initial", where)));
        config.get("model.retry.max").asString().ifPresent(v -> b.retryMax(duration(v, "model.retry.max", where)));
        config.get("model.warmup-rounds").asString().ifPresent(v -> b.warmupRounds(integer(v, "model.warmup-rounds", where)));
        config.get("model.serve-cached-on-outage").asString()
                .ifPresent(v -> b.serveCachedOnOutage(bool(v, "model.serve-cached-on-outage", where)));
        config.get("model.download.max-file-bytes").asString()
                .ifPresent(v -> b.downloadMaxFileBytes(longValue(v, "model.download.max-file-bytes", where)));
        config.get("model.download.max-bundle-bytes").asString()
                .ifPresent(v -> b.downloadMaxBundleBytes(longValue(v, "model.download.max-bundle-bytes", where)));
        config.get("model.download.max-files").asString()
                .ifPresent(v -> b.downloadMaxFiles(integer(v, "model.download.max-files", where)));
        config.get("model.download.max-depth").asString()
                .ifPresent(v -> b.downloadMaxDepth(integer(v, "model.download.max-depth", where)));
        config.get("model.download.timeout").asString()
                .ifPresent(v -> b.downloadTimeout(duration(v, "model.download.timeout", where)));
        config.get("server.idle-timeout").asString().ifPresent(v -> b.idleTimeout(duration(v, "server.idle-timeout", where)));
        config.get("server.header-timeout").asString().ifPresent(v -> b.headerTimeout(duration(v, "server.header-timeout", where)));
        config.get("server.body-timeout").asString().ifPresent(v -> b.bodyTimeout(duration(v, "server.body-timeout", where)));
        config.get("security.api-keys").asList(String.class).ifPresent(b::apiKeys);
        config.get("security.api-keys-file").asString().ifPresent(v -> b.apiKeysFile(Path.of(v)));
        config.get("security.open.health").asBoolean().ifPresent(b::openHealth);
        config.get("security.open.metrics").asBoolean().ifPresent(b::openMetrics);
        config.get("security.open.openapi").asBoolean().ifPresent(b::openOpenapi);
        config.get("security.open.dashboard").asBoolean().ifPresent(b::openDashboard);
        config.get("limits.max-body-bytes").asString().ifPresent(v -> b.maxBodyBytes(integer(v, "limits.max-body-bytes", where)));
        config.get("webhook.secret").asString().ifPresent(b::webhookSecret);
        config.get("webhook.max-skew").asString().ifPresent(v -> b.webhookMaxSkew(duration(v, "webhook.max-skew", where)));
        config.get("model.cache-dir").asString().filter(s -> !s.isBlank()).ifPresent(v -> b.modelCacheDir(Path.of(v)));
        config.get("feedback.window").asString().ifPresent(v -> b.feedbackWindow(integer(v, "feedback.window", where)));
        config.get("dashboard.data-dir").asString().ifPresent(v -> b.dataDir(Path.of(v)));

        String envWhere = "environment";
        Optional.ofNullable(env.get("MLFLOW_TRACKING_URI")).filter(s -> !s.isBlank()).ifPresent(b::trackingUri);
        Optional.ofNullable(env.get("CLOSECAST_TRACKING_URI")).filter(s -> !s.isBlank()).ifPresent(b::trackingUri);
        Optional<String> envName = Optional.ofNullable(env.get("CLOSECAST_MODEL_NAME")).filter(s -> !s.isBlank());
        Optional<String> envNames = Optional.ofNullable(env.get("CLOSECAST_MODEL_NAMES")).filter(s -> !s.isBlank());
        if (envName.isPresent() && envNames.isPresent()) {
            throw new ServingException("set CLOSECAST_MODEL_NAME (one model) or CLOSECAST_MODEL_NAMES (several), found both"
                    + " in the environment");
        }
        envName.ifPresent(b::modelName);
        envNames.ifPresent(v -> b.models(servedModels(v)));
        Optional.ofNullable(env.get("CLOSECAST_MODEL_ALIAS")).filter(s -> !s.isBlank()).ifPresent(b::modelAlias);
        Optional.ofNullable(env.get("CLOSECAST_PORT")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.port(integer(v, "CLOSECAST_PORT", envWhere)));
        Optional.ofNullable(env.get("CLOSECAST_API_KEYS")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.apiKeys(splitKeys(v)));
        Optional.ofNullable(env.get("CLOSECAST_API_KEYS_FILE")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.apiKeysFile(Path.of(v)));
        Optional.ofNullable(env.get("CLOSECAST_POLL_INTERVAL")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.pollInterval(duration(v, "CLOSECAST_POLL_INTERVAL", envWhere)));
        Optional.ofNullable(env.get("CLOSECAST_WEBHOOK_SECRET")).filter(s -> !s.isBlank()).ifPresent(b::webhookSecret);
        Optional.ofNullable(env.get("CLOSECAST_MAX_BODY_BYTES")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.maxBodyBytes(integer(v, "CLOSECAST_MAX_BODY_BYTES", envWhere)));
        Optional.ofNullable(env.get("CLOSECAST_MODEL_CACHE_DIR")).filter(s -> !s.isBlank())
                .ifPresent(v -> b.modelCacheDir(Path.of(v)));
        Optional.ofNullable(env.get("CLOSECAST_DATA_DIR")).filter(s -> !s.isBlank()).ifPresent(v -> b.dataDir(Path.of(v)));
        if (b.models.isEmpty()) {
            throw new ServingException("model.name or models is required (the registered models to serve, e.g. closecast-petr4), "
                    + "found none in " + where + ", CLOSECAST_MODEL_NAME or CLOSECAST_MODEL_NAMES");
        }
        return b.build();
    }

    /**
     * The {@code models} list: each item a registered model's name, or an object with {@code name} (required) and
     * {@code alias} (defaulted to {@code model.alias}).
     */
    static List<Builder.Entry> servedModels(Config list, String where) {
        if (list.type() != Config.Type.LIST) {
            throw new ServingException("models must be a list of registered model names or {name, alias} objects, found "
                    + list.type().name().toLowerCase(Locale.ROOT) + " in " + where);
        }
        List<Builder.Entry> out = new ArrayList<>();
        for (Config item : list.asNodeList().orElse(List.of())) {
            String at = "models[" + item.name() + "]";
            if (item.type() == Config.Type.VALUE) {
                out.add(new Builder.Entry(item.asString().get(), Optional.empty()));
                continue;
            }
            if (item.type() != Config.Type.OBJECT) {
                throw new ServingException(at + " must be a model name or {name, alias}, found a list in " + where);
            }
            for (Config field : item.asNodeList().orElse(List.of())) {
                if (!MODEL_ITEM_KEYS.contains(field.name())) {
                    throw new ServingException("unknown key " + at + "." + field.name() + " in " + where + "; known keys of a"
                            + " models item: " + String.join(", ", MODEL_ITEM_KEYS));
                }
            }
            String name = item.get("name").asString().filter(s -> !s.isBlank()).orElseThrow(() -> new ServingException(
                    at + ".name is required (the registered model to serve), found none in " + where));
            out.add(new Builder.Entry(name, item.get("alias").asString().filter(s -> !s.isBlank())));
        }
        return out;
    }

    /** {@code CLOSECAST_MODEL_NAMES}: {@code NAME} or {@code NAME@ALIAS}, comma separated. */
    static List<Builder.Entry> servedModels(String csv) {
        List<Builder.Entry> out = new ArrayList<>();
        for (String item : splitKeys(csv)) {
            int at = item.indexOf('@');
            if (at == 0 || at == item.length() - 1) {
                throw new ServingException("CLOSECAST_MODEL_NAMES items must be NAME or NAME@ALIAS, found '" + item + "'");
            }
            out.add(at < 0 ? new Builder.Entry(item, Optional.empty())
                    : new Builder.Entry(item.substring(0, at).strip(), Optional.of(item.substring(at + 1).strip())));
        }
        return out;
    }

    static List<String> splitKeys(String csv) {
        List<String> out = new ArrayList<>();
        for (String k : csv.split(",")) {
            if (!k.isBlank()) {
                out.add(k.strip());
            }
        }
        return out;
    }

    /**
     * A typo in serving.yaml must not be ignored silently (pipeline YAML refuses unknown keys too): every node of the
     * tree must be a known key, a section above one, or an item of a known list key.
     */
    static void rejectUnknownKeys(Config config, String where) {
        config.traverse().forEach(node -> {
            String key = node.key().toString();
            boolean known = key.isEmpty() || KEYS.stream().anyMatch(k -> key.equals(k)
                    || (LIST_KEYS.contains(k) && key.startsWith(k + "."))
                    || (node.type() == Config.Type.OBJECT && k.startsWith(key + ".")));
            if (!known) {
                throw new ServingException("unknown key " + key + " in " + where + "; known keys: "
                        + String.join(", ", KEYS));
            }
        });
    }

    /** A duration as {@link Durations#parse} reads it, or a config error naming the key and where. */
    public static Duration duration(String text, String key, String where) {
        return Durations.parse(text).orElseThrow(() -> new ServingException(key + " must be " + Durations.EXPECTED
                + ", found '" + text + "' (" + where + ")"));
    }

    static long longValue(String text, String key, String where) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new ServingException(key + " must be an integer, found '" + text + "' (" + where + ")");
        }
    }

    static boolean bool(String text, String key, String where) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ServingException(key + " must be true or false, found '" + text + "' (" + where + ")");
        };
    }

    static int integer(String text, String key, String where) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ServingException(key + " must be an integer, found '" + text + "' (" + where + ")");
        }
    }

    /** Builds a config in code; every part but the model names has a default. */
    public static final class Builder {
        /** A model to serve; without an alias it follows {@link #modelAlias(String)}. */
        record Entry(String name, Optional<String> alias) {
        }

        private String host = "0.0.0.0";
        private int port = 8080;
        private int writeQueueLength = DEFAULT_WRITE_QUEUE_LENGTH;
        private String trackingUri;
        private List<Entry> models = List.of();
        private String modelAlias = "production";
        private Duration pollInterval = Duration.ofSeconds(30);
        private Duration retryInitial = Duration.ofSeconds(1);
        private Duration retryMax = Duration.ofSeconds(60);
        private int warmupRounds = 3;
        private List<String> apiKeys = List.of();
        private Path apiKeysFile;
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
        private Duration idleTimeout = Timeouts.DEFAULT.idle();
        private Duration headerTimeout = Timeouts.DEFAULT.headers();
        private Duration bodyTimeout = Timeouts.DEFAULT.body();
        private long downloadMaxFileBytes = DEFAULT_DOWNLOAD.maxFileBytes();
        private long downloadMaxBundleBytes = DEFAULT_DOWNLOAD.maxTotalBytes();
        private int downloadMaxFiles = DEFAULT_DOWNLOAD.maxFiles();
        private int downloadMaxDepth = DEFAULT_DOWNLOAD.maxDepth();
        private Duration downloadTimeout = DEFAULT_DOWNLOAD.deadline();

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
            models = java.util.Arrays.stream(names).map(n -> new Entry(n, Optional.empty())).toList();
            return this;
        }
        /** Adds one model following its own alias. */
        public Builder addModel(String name, String alias) {
            List<Entry> more = new ArrayList<>(models);
            more.add(new Entry(name, Optional.of(alias)));
            models = List.copyOf(more);
            return this;
        }
        Builder models(List<Entry> v) { models = List.copyOf(v); return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder retryInitial(Duration v) { retryInitial = v; return this; }
        public Builder retryMax(Duration v) { retryMax = v; return this; }
        public Builder warmupRounds(int v) { warmupRounds = v; return this; }
        public Builder apiKeys(List<String> v) { apiKeys = List.copyOf(v); return this; }
        public Builder apiKeysFile(Path v) { apiKeysFile = v; return this; }
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

        public ServingConfig build() {
            if (models.isEmpty()) {
                throw new ServingException("model.name or models is required (the registered models to serve), found none");
            }
            List<ServedModel> served = models.stream().map(e -> new ServedModel(e.name(), e.alias().orElse(modelAlias))).toList();
            return new ServingConfig(host, port, writeQueueLength, Optional.ofNullable(trackingUri), served,
                    new LoaderSettings(pollInterval, retryInitial, retryMax, warmupRounds, serveCachedOnOutage), apiKeys,
                    Optional.ofNullable(apiKeysFile), openHealth, openMetrics, openOpenapi, openDashboard, maxBodyBytes,
                    Optional.ofNullable(webhookSecret).filter(s -> !s.isBlank()), webhookMaxSkew, modelCacheDir,
                    feedbackWindow, dataDir, new Timeouts(idleTimeout, headerTimeout, bodyTimeout),
                    downloadLimits());
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
