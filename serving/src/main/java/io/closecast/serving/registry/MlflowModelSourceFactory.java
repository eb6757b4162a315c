package io.closecast.serving.registry;

import io.closecast.serving.Main;
import io.closecast.serving.ServingException;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.ModelSourceFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.RetryPolicy;

/**
 * Creates the {@link MlflowModelSource}s (one per served model, sharing one client) for {@link Main} (registered in
 * {@code META-INF/services/io.closecast.serving.ModelSourceFactory}). Credentials come from the standard MLflow
 * variables ({@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} or {@code MLFLOW_TRACKING_TOKEN}).
 * Requests fail fast (2 s connect, 2 attempts): the model manager retries with its own backoff.
 */
public final class MlflowModelSourceFactory implements ModelSourceFactory {

    /** Connect timeout towards MLflow. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Per-request timeout (bundle files are small). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** One retry after 200 ms; the manager's backoff handles longer outages. */
    static final RetryPolicy RETRY = new RetryPolicy(2, Duration.ofMillis(200), Duration.ofMillis(200), 0.0);

    @Override
    public List<ModelSource> create(ServingConfig config) {
        return create(config, System.getenv());
    }

    /** Like {@link #create(ServingConfig)} with the credentials read from {@code env}. */
    public List<ModelSource> create(ServingConfig config, Map<String, String> env) {
        MlflowClient client = client(config, env);
        // one client (one connection pool) for every model: they all ask the same registry
        return config.registry().models().stream()
                .<ModelSource>map(m -> MlflowModelSource.create(client, m.name(), m.alias(), config.registry().modelCacheDir(), config.registry().download()))
                .toList();
    }

    @Override
    public Map<String, ModelSource> shadows(ServingConfig config) {
        return shadows(config, System.getenv());
    }

    /**
     * The challengers in shadow ({@code models[].shadow-alias}), keyed by model name; their bundles are cached under
     * {@code model.cache-dir/shadow}, so a challenger never replaces the production version a restart falls back to.
     */
    public Map<String, ModelSource> shadows(ServingConfig config, Map<String, String> env) {
        if (config.registry().models().stream().noneMatch(m -> m.shadowAlias().isPresent())) {
            return Map.of();
        }
        MlflowClient client = client(config, env);
        Map<String, ModelSource> out = new java.util.LinkedHashMap<>();
        config.registry().models().forEach(m -> m.shadowAlias().ifPresent(alias -> out.put(m.name(), MlflowModelSource.create(
                client, m.name(), alias, config.registry().modelCacheDir().resolve("shadow"), config.registry().download()))));
        return out;
    }

    private static MlflowClient client(ServingConfig config, Map<String, String> env) {
        String uri = config.registry().trackingUri().orElseThrow(() -> new ServingException(
                "mlflow.tracking-uri is required to serve from the MLflow registry (e.g. http://127.0.0.1:5000), found none"
                        + " in the config, CLOSECAST_TRACKING_URI or MLFLOW_TRACKING_URI"));
        Map<String, String> withUri = new HashMap<>(env);
        withUri.put("MLFLOW_TRACKING_URI", uri);
        MlflowConfig standard = MlflowConfig.fromEnvironment(withUri);
        return MlflowClient.create(MlflowConfig.builder()
                .trackingUri(standard.trackingUri())
                .credentials(standard.credentials())
                .connectTimeout(CONNECT_TIMEOUT)
                .requestTimeout(REQUEST_TIMEOUT)
                .retry(RETRY)
                .build());
    }
}
