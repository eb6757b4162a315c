package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.registry.ModelUri;
import io.closecast.model.bundle.ForecastModel;

/**
 * A model named the way MLflow names models, downloaded and verified: {@code models:/NAME@ALIAS},
 * {@code models:/NAME/VERSION} or {@code runs:/RUN_ID/PATH} (read by {@link ModelUri#parse}).
 *
 * @param version the registered version, when the URI names one
 * @param runId   the run whose artifacts hold the model
 */
public record LoadedModel(String uri, ForecastModel model, Optional<ModelVersion> version, String runId) {

    /** Resolves {@code uri}, downloads the model into {@code dir} (created, must be empty) and loads it. */
    public static LoadedModel load(MlflowClient client, String uri, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PipelineException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        ModelUri parsed = ModelUri.parse(uri);
        if (parsed.registered()) {
            ModelVersion version = client.registry().getModelVersion(parsed);
            client.registry().downloadModelVersion(version, dir);
            ForecastModel model = ForecastModel.load(dir);
            return new LoadedModel(uri, model, Optional.of(version), version.runId().orElse(model.mlmodel().runId()));
        }
        client.artifacts().downloadDirectory(parsed.runId(), parsed.path(), dir);
        return new LoadedModel(uri, ForecastModel.load(dir), Optional.empty(), parsed.runId());
    }

    /** What to call the model in messages and tags: NAME version N, or the URI. */
    public String label() {
        return version.map(v -> v.name() + " version " + v.version()).orElse(uri);
    }
}
