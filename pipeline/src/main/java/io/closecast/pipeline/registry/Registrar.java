package io.closecast.pipeline.registry;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.training.RunArtifacts;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one way a run becomes a model version, for {@code train --register} and a sweep's best trial alike: the
 * registered model (created when missing), the run's test metrics beside the naive forecast's and the baseline
 * intervals' as version tags, and, with {@code training.refit} (the default), the weights refit on all data
 * ({@link Refit}) as the version's artifact, its metrics labelled as the held-out model's.
 */
public final class Registrar {
    private Registrar() {
    }

    public static ModelVersion register(MlflowClient client, PrintWriter console, TrainConfig config, String runId,
                                 Map<String, String> extraTags, String description, Path workDir) {
        String name = config.tracking().registeredModel();
        client.registry().createRegisteredModel(name, "closecast LSTM forecasts of " + config.data().symbol()
                + " closing prices; versions carry their test metrics beside the naive forecast as tags.");
        Run run = client.getRun(runId);
        Map<String, String> tags = new LinkedHashMap<>();
        for (Metric m : run.metrics()) {
            String k = m.key();
            if (k.startsWith("test_") || k.startsWith("naive_test_") || k.startsWith("baseline_test_")
                    || k.startsWith("garch_test_") || k.startsWith("wf_mean")) {
                tags.put(k, String.format(Locale.ROOT, "%.6g", m.value()));
            }
        }
        tags.put(ClosecastTags.SYMBOL, config.data().symbol());
        tags.putAll(extraTags);
        String path = RunArtifacts.MODEL_PATH;
        String testRange = run.tags().getOrDefault(ClosecastTags.DATA_TEST_RANGE, "?");
        if (config.tracking().refit()) {
            Refit.Result refit = Refit.run(client, config, runId, workDir, console);
            path = refit.artifact();
            tags.put(ClosecastTags.REFIT, "true");
            tags.put(ClosecastTags.TRAINED_TO, refit.trainedTo().toString());
            tags.put(ClosecastTags.METRICS_FROM, "the held-out model (artifact " + RunArtifacts.MODEL_PATH + " of run "
                    + runId + ", tested on " + testRange + "); the registered weights are refit on all data");
        } else {
            tags.put(ClosecastTags.REFIT, "false");
            tags.put(ClosecastTags.METRICS_FROM, "this model (tested on " + testRange + ")");
        }
        ModelVersion version = client.registry().createModelVersion(ModelVersionSpec.create(name, runId, path).withTags(tags)
                .withDescription(description + (config.tracking().refit()
                        ? "; refit on all data to " + tags.get(ClosecastTags.TRAINED_TO) + " (test metrics: the held-out model's)"
                        : "")));
        return version;
    }
}
