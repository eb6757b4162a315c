package io.closecast.pipeline.tracking;


import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.config.TrainConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.MlflowClient;

/**
 * What MLflow's UI shows about closecast's experiments and runs: who started a run ({@value #USER}, "Created by"),
 * what it is and where its config came from ({@value #NOTE}, the description), and for an experiment its
 * description, its kind ({@value #EXPERIMENT_KIND}: without it MLflow 3 opens an experiment in GenAI mode) and tags.
 */
public final class RunMetadata {
    public static final String USER = "mlflow.user";
    public static final String NOTE = "mlflow.note.content";
    public static final String EXPERIMENT_KIND = "mlflow.experimentKind";
    /** MLflow's kind for classic model training (the UI's "Machine learning" mode). */
    public static final String CUSTOM_MODEL_DEVELOPMENT = "custom_model_development";

    private RunMetadata() {
    }

    /** Who starts a run or acts on the registry ({@value #USER}): CLOSECAST_USER, else the OS user. */
    public static String user() {
        String user = System.getenv("CLOSECAST_USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
    }

    /** The experiment named by the config, created if missing, with its description, kind and tags set when absent. */
    public static Experiment experiment(MlflowClient client, TrainConfig config) {
        Experiment experiment = client.getOrCreateExperiment(config.tracking().experiment());
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(NOTE, "closecast LSTM forecasts of " + config.data().symbol() + " (" + config.dataset().target().column().header()
                + " prices). Runs are single trainings (closecast train) and sweeps: one parent run per sweep with one"
                + " nested run per trial. Every run logs val_loss per epoch and test metrics beside the naive forecast"
                + " (naive_test_*); the best is registered as " + config.tracking().registeredModel() + ".");
        wanted.put(EXPERIMENT_KIND, CUSTOM_MODEL_DEVELOPMENT);
        wanted.put(ClosecastTags.REGISTERED_MODEL, config.tracking().registeredModel());
        wanted.put(ClosecastTags.SYMBOL, config.data().symbol());
        wanted.forEach((key, value) -> {
            if (!experiment.tags().containsKey(key)) {
                client.setExperimentTag(experiment.id(), key, value);
            }
        });
        return experiment;
    }

    /** The description of a single training run. */
    public static String training(TrainConfig config, Path configFile) {
        return "Training of one LSTM on " + forecast(config) + ", from config " + configFile.toAbsolutePath().normalize()
                + " (closecast train, closecast " + Provenance.closecast() + ").";
    }

    /** What a run of {@code config} forecasts, for descriptions: symbol, target, transform, window and horizon. */
    public static String forecast(TrainConfig config) {
        return String.format(Locale.ROOT, "%s %s (%s, window %d, horizon %d)", config.data().symbol(),
                config.dataset().target().column().header(), ConfigSection.kebab(config.dataset().transform()),
                config.dataset().window(), config.dataset().horizon());
    }
}
