package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.bundle.ForecastModel;

/**
 * A model named the way MLflow names models, downloaded and verified: {@code models:/NAME@ALIAS},
 * {@code models:/NAME/VERSION} or {@code runs:/RUN_ID/PATH}.
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
        if (uri.startsWith("models:/")) {
            ModelVersion version = resolveVersion(client, uri);
            client.registry().downloadModelVersion(version, dir);
            ForecastModel model = ForecastModel.load(dir);
            return new LoadedModel(uri, model, Optional.of(version), version.runId().orElse(model.mlmodel().runId()));
        }
        if (uri.startsWith("runs:/")) {
            String rest = uri.substring("runs:/".length()).replaceAll("^/+", "");
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new PipelineException("MODEL runs:/RUN_ID/PATH needs a run id and an artifact path, found '" + uri + "'");
            }
            String runId = rest.substring(0, slash);
            client.artifacts().downloadDirectory(runId, rest.substring(slash + 1), dir);
            return new LoadedModel(uri, ForecastModel.load(dir), Optional.empty(), runId);
        }
        throw new PipelineException("MODEL must be models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH, found '"
                + uri + "'");
    }

    static ModelVersion resolveVersion(MlflowClient client, String uri) {
        String ref = uri.substring("models:/".length());
        int at = ref.indexOf('@');
        if (at > 0 && at < ref.length() - 1) {
            return client.registry().getModelVersionByAlias(ref.substring(0, at), ref.substring(at + 1));
        }
        int slash = ref.lastIndexOf('/');
        if (slash > 0 && slash < ref.length() - 1) {
            String number = ref.substring(slash + 1);
            try {
                return client.registry().getModelVersion(ref.substring(0, slash), Integer.parseInt(number));
            } catch (NumberFormatException e) {
                throw new PipelineException("the version in models:/NAME/VERSION must be a number, found '" + number + "'");
            }
        }
        throw new PipelineException("MODEL must be models:/NAME@ALIAS or models:/NAME/VERSION, found '" + uri + "'");
    }

    /** What to call the model in messages and tags: NAME version N, or the URI. */
    public String label() {
        return version.map(v -> v.name() + " version " + v.version()).orElse(uri);
    }
}
