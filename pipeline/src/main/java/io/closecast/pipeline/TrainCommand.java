package io.closecast.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        YamlConfig yaml = YamlConfig.load(config);
        TrainConfig train = TrainConfig.read(yaml, Path.of("").toAbsolutePath());
        try (MlflowClient client = Mlflow.connect()) {
            String experimentId = client.getOrCreateExperiment(train.tracking().experiment()).id();
            Path work = Files.createTempDirectory("closecast-train");
            try {
                String name = runName != null ? runName
                        : config.getFileName().toString().replaceAll("\\.ya?ml$", "") + "-seed" + train.training().seed();
                TrainingJob.Result result = new TrainingJob(client, Clock.systemUTC(), out).run(train, experimentId,
                        new TrainingJob.Options(name, Optional.empty(), Map.of(), TrainingJob.EpochHook.none(), register,
                                work, Files.readString(config)));
                out.printf("run %s %s: %s%n", result.runId(), result.outcome(), Mlflow.runUrl(client, experimentId,
                        result.runId()));
                if (result.outcome() != TrainingJob.Outcome.FINISHED) {
                    throw new PipelineException("training failed: " + result.reason() + " (run " + result.runId()
                            + " marked " + result.outcome() + ")");
                }
                return 0;
            } finally {
                WorkDirs.delete(work);
            }
        }
    }
}
