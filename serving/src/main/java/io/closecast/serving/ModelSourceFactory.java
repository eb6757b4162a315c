package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelSource;

import java.util.List;

/**
 * Creates the production {@link ModelSource}s from the config. {@link Main} finds the implementation with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.closecast.serving.ModelSourceFactory}), so the
 * MLflow-backed source plugs in without changing the service. (Here rather than in {@code serving.models}, which
 * does not depend on the config.)
 */
public interface ModelSourceFactory {
    /** One source per model in {@code ServingConfig.registry().models()}, in that order. */
    List<ModelSource> create(ServingConfig config);

    /** One source per served model that names a {@code shadow-alias} (its challenger), keyed by the model's name. */
    default java.util.Map<String, ModelSource> shadows(ServingConfig config) {
        return java.util.Map.of();
    }
}
