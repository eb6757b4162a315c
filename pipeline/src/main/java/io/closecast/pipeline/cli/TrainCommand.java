package io.closecast.pipeline.cli;

import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.registry.Registrar;
import io.closecast.pipeline.tracking.MlflowConnection;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.training.TrainingJob;
import io.closecast.pipeline.training.TrainingUi;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.train.TrainingEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast train CONFIG [--register]}: one training as one MLflow run. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one LSTM from a YAML config as an MLflow run: per-epoch losses, test metrics beside",
                "the naive forecast, the model bundle, plots and predictions. Exit 1 when the training fails.",
                "The MLflow server is MLFLOW_TRACKING_URI (default http://127.0.0.1:5000)."})
public final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Training config, e.g. configs/petr4.yaml.")
    Path config;

    @Option(names = "--register", description = "Create a model version of mlflow.registered-model from the run.")
    boolean register;

    @Option(names = "--run-name", description = "MLflow run name (default: the config file's name and the seed).")
    String runName;

    @CommandLine.Mixin
    UiOptions ui;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Optional<TrainingUi.Settings> uiSettings = ui.settings(spec);
        YamlConfig yaml = YamlConfig.load(config);
        TrainConfig read = TrainConfig.read(yaml, ProjectRoot.of(config));
        if (uiSettings.isPresent() && read.training().engine() != TrainingEngine.DL4J) {
            out.printf("--ui: training with training.engine=dl4j instead of %s: the fused engine has no per-iteration"
                    + " hooks for DL4J's StatsListener (DL4J epochs are slower)%n", read.training().engine().key());
        }
        TrainConfig train = uiSettings.isPresent() ? read.withEngine(TrainingEngine.DL4J) : read;
        try (MlflowClient client = MlflowConnection.connect()) {
            String experimentId = RunMetadata.experiment(client, train).id();
            Path work = Files.createTempDirectory("closecast-train");
            Optional<TrainingUi> trainingUi = Optional.empty();
            try {
                String name = runName != null ? runName
                        : config.getFileName().toString().replaceAll("\\.ya?ml$", "") + "-seed" + train.training().seed();
                TrainingJob.Options options = new TrainingJob.Options(name, Optional.empty(),
                        Map.of(RunMetadata.NOTE, RunMetadata.training(train, config)),
                        TrainingJob.EpochHook.none(), work, Files.readString(config));
                if (uiSettings.isPresent()) {
                    TrainingUi started = TrainingUi.start(uiSettings.get(), work.resolve("ui"));
                    trainingUi = Optional.of(started);
                    out.printf("training UI: %s  (stats every %d iterations)%n", started.url(), started.settings().frequency());
                    out.flush();
                    options = options.withListeners(runId -> {
                        client.setTags(runId, Map.of(ClosecastTags.UI_SESSION_ID, "train-" + runId));
                        return started.listeners("train-" + runId, "train");
                    });
                }
                TrainingJob job = new TrainingJob(client, Clock.systemUTC(), out);
                TrainingJob.Result result = job.run(train, experimentId, options);
                if (register && result.outcome() == TrainingJob.Outcome.FINISHED) {
                    result = register(client, job, train, result, work, out);
                }
                if (trainingUi.isPresent()) {
                    trainingUi.get().close();
                    client.artifacts().uploadFile(result.runId(), trainingUi.get().statsFile(), TrainingUi.ARTIFACT_DIR);
                    out.printf("training UI stopped; its stats are artifact %s/%s of run %s%n", TrainingUi.ARTIFACT_DIR,
                            TrainingUi.STATS_FILE, result.runId());
                }
                out.printf("run %s %s: %s%n", result.runId(), result.outcome(), MlflowConnection.runUrl(client, experimentId,
                        result.runId()));
                if (result.outcome() != TrainingJob.Outcome.FINISHED) {
                    throw new PipelineException("training failed: " + result.reason() + " (run " + result.runId()
                            + " marked " + result.outcome() + ")");
                }
                return 0;
            } finally {
                trainingUi.ifPresent(TrainingUi::close);
                WorkDirs.delete(work);
            }
        }
    }

    /**
     * {@code --register}: the finished run as a model version ({@link Registrar}); when that fails, the run is marked
     * FAILED with the reason, as a training that failed.
     */
    private static TrainingJob.Result register(MlflowClient client, TrainingJob job, TrainConfig config,
                                               TrainingJob.Result finished, Path work, PrintWriter out) {
        String runId = finished.runId();
        try {
            ModelVersion version = Registrar.register(client, out, config, runId, Map.of(),
                    "Trained by run " + runId + " on " + config.data().symbol(), work);
            String name = version.name();
            out.printf(Locale.ROOT, "registered %s version %d (models:/%s/%d)%n", name, version.version(), name,
                    version.version());
            out.flush();
            return finished;
        } catch (RuntimeException e) {
            return job.fail(runId, e, finished.epochs());
        }
    }
}
