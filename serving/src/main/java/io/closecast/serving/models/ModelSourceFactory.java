package io.closecast.serving.models;

import io.closecast.serving.Main;
import io.closecast.serving.config.ServingConfig;

import java.util.List;

/**
 * Creates the production {@link ModelSource} from the config. {@link Main} finds the implementation with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.closecast.serving.models.ModelSourceFactory}), so the
 * MLflow-backed source plugs in without changing the service.
 */
public interface ModelSourceFactory {
    /** One source per model in {@code ServingConfig.registry().models()}, in that order. */
    List<ModelSource> create(ServingConfig config);
}
