package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.registry.Registrar;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.tracking.ClosecastTags;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;

/**
 * Registers a sweep's best trial as a version of the config's registered model, through {@link Registrar} as
 * {@code train --register} does (one path: the model, created with the first version, gets one description), tagged
 * with the sweep and the trial; a best trial already registered is not registered again.
 */
final class BestTrialRegistration {
    private final MlflowClient client;
    private final PrintWriter console;

    BestTrialRegistration(MlflowClient client, PrintWriter console) {
        this.client = client;
        this.console = console;
    }

    /** Registers {@code best} of the sweep {@code sweepId} (parent run {@code parentId}) of {@code file}. */
    ModelVersion register(SweepFile file, String parentId, String sweepId, TrialResult best, Path workDir) {
        String name = file.base().tracking().registeredModel();
        List<ModelVersion> existing = client.registry().searchModelVersions("name = '" + name + "' and run_id = '" + best.runId() + "'",
                List.of());
        if (!existing.isEmpty()) {
            ModelVersion version = existing.getFirst();
            console.printf(Locale.ROOT, "the best trial (%d, run %s) is already %s version %d%n", best.index(), best.runId(),
                    name, version.version());
            console.flush();
            return version;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.SWEEP_RUN_ID, parentId);
        tags.put(ClosecastTags.SWEEP_ID, sweepId);
        tags.put(ClosecastTags.TRIAL_INDEX, Integer.toString(best.index()));
        TrainConfig config = TrialRunner.trialConfig(file, best.index(), best.point(),
                Runtime.getRuntime().availableProcessors(), false);
        ModelVersion version = Registrar.register(client, console, config, best.runId(), tags,
                "Best trial " + best.index() + " of sweep run " + parentId, workDir);
        client.setTags(parentId, Map.of(ClosecastTags.REGISTERED_VERSION, name + "/" + version.version()));
        console.printf(Locale.ROOT, "registered the best trial (%d, run %s) as %s version %d%n", best.index(), best.runId(),
                name, version.version());
        console.flush();
        return version;
    }
}
