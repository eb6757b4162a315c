package io.closecast.pipeline;

import io.closecast.pipeline.registry.Refit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.bundle.ForecastModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code closecast train} as a user runs it, against the real MLflow server. */
class TrainIT {
    private static MlflowClient client;
    @TempDir
    static Path work;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static String runId(String output) {
        Matcher m = Pattern.compile("run ([0-9a-f]{32}) (FINISHED|FAILED|KILLED)").matcher(output);
        assertTrue(m.find(), "no run id in the output:\n" + output);
        return m.group(1);
    }

    @Test
    void trainLogsEverythingRegistersAndIsReproducible() throws Exception {
        String experiment = ItServers.unique("closecast-it-train");
        Path config = CliProcess.config("tiny-train.yaml", experiment);
        CliProcess.Result first = CliProcess.run(300, "train", config.toString(), "--register");
        assertEquals(0, first.code(), first.out());
        Run run = client.getRun(runId(first.out()));
        assertEquals(RunStatus.FINISHED, run.info().status());
        assertEquals("3", run.params().get("training.max-epochs"));
        assertEquals("log-return", run.params().get("data.transform"));
        assertEquals("[4]", run.params().get("model.lstm.hidden-units"));
        assertEquals("5", run.tags().get("closecast.seed"));
        List<Metric> valLoss = client.metricHistory(run.id(), "val_loss");
        assertTrue(valLoss.size() >= 1 && valLoss.size() <= 3, "val_loss per epoch: " + valLoss);
        assertEquals(1, valLoss.getFirst().step());
        for (String key : List.of("test_mae", "test_rmse", "test_mape", "test_smape", "test_mase",
                "test_directional_accuracy", "test_r2", "naive_test_mae", "naive_test_mase", "naive_test_r2")) {
            assertTrue(run.metric(key).isPresent(), key + " missing from " + run.metrics());
        }
        assertEquals(1.0, run.metric("naive_test_mase").orElseThrow().value(), 1e-12);
        double naiveR2 = run.metric("naive_test_r2").orElseThrow().value();
        assertTrue(naiveR2 > 0.5 && naiveR2 < 1, "the naive forecast follows the level: R² near 1, found " + naiveR2);
        assertTrue(run.metric("test_r2").orElseThrow().value() < 1, run.metrics().toString());
        // the intervals, calibrated on the validation windows, scored on the test windows beside the constant-width baseline
        for (String level : List.of("80", "95")) {
            for (String prefix : List.of("test_", "baseline_test_")) {
                double coverage = run.metric(prefix + "coverage_" + level).orElseThrow(
                        () -> new AssertionError(prefix + "coverage_" + level + " missing from " + run.metrics())).value();
                assertTrue(coverage > 0 && coverage <= 1, prefix + "coverage_" + level + " = " + coverage);
                assertTrue(run.metric(prefix + "interval_score_" + level).orElseThrow().value()
                        > run.metric(prefix + "interval_width_" + level).orElseThrow().value(), "the score is the width plus misses");
            }
        }
        double up = run.metric("test_up_share").orElseThrow().value();
        assertTrue(up > 0.2 && up < 0.8, "test_up_share " + up);
        assertTrue(run.metric("test_up_day_share").isEmpty(), "one name for the up share: test_up_share");
        assertEquals(1, run.inputs().size(), "the dataset input");
        List<String> files = client.artifacts().listArtifactsRecursively(run.id(), "").stream().map(FileInfo::path).toList();
        for (String expected : List.of("model/MLmodel", "model/MANIFEST.sha256", "model/lstm-weights.bin",
                "model/network.zip", "model/codec.json", "model/config.yaml", "model/input_example.json", "model/intervals.json",
                "plots/test_predictions.png", "plots/loss.png", "predictions/test_predictions.csv")) {
            assertTrue(files.contains(expected), expected + " missing from " + files);
        }
        ModelVersion version = client.registry().searchModelVersions("run_id = '" + run.id() + "'", List.of()).getFirst();
        assertEquals(run.metric("test_mase").map(m -> String.format(java.util.Locale.ROOT, "%.6g", m.value())),
                version.tag("test_mase"));
        Path bundle = Files.createDirectories(work.resolve("bundle"));
        client.registry().downloadModelVersion(version, bundle);
        ForecastModel model = ForecastModel.load(bundle);
        assertEquals(2, model.trainedHorizon());
        assertEquals("MSFT", model.mlmodel().setting("symbol"));
        assertEquals(List.of(0.8, 0.95), model.intervals().orElseThrow().levels());
        assertEquals(run.tags().get("closecast.data.validation_range"), model.intervals().orElseThrow().range().toString(),
                "calibrated on the validation part's target days");
        assertTrue(version.tag("test_coverage_80").isPresent() && version.tag("baseline_test_interval_score_80").isPresent(),
                "the version's tags carry the interval metrics: " + version.tags());
        // refit (training.refit defaults to true): the version's weights are retrained on all data to the data's
        // end for the held-out model's best epoch count; its metrics are the held-out model's, labelled so; its
        // intervals are the held-out model's calibration; the held-out bundle stays the run's artifact "model"
        assertTrue(version.source().endsWith("/" + Refit.ARTIFACT), "the version is the refit bundle: " + version.source());
        assertEquals("true", version.tag("closecast.refit").orElseThrow());
        assertTrue(version.tag("closecast.metrics_from").orElseThrow().startsWith("the held-out model (artifact model of run "
                + run.id()), version.tags().toString());
        String dataEnd = run.tags().get("closecast.data.test_range").substring(12);
        assertEquals(dataEnd, version.tag("closecast.trained_to").orElseThrow(), "trained to the last day of the data");
        assertEquals("true", String.valueOf(model.mlmodel().flavor().get("refit")));
        assertEquals(run.tags().get("closecast.data.train_range").substring(0, 10) + ".." + dataEnd,
                model.mlmodel().setting("train_range"), "the refit bundle's training range reaches the data's end");
        assertEquals(java.time.LocalDate.parse(dataEnd).plusDays(1), model.outOfSampleFrom());
        assertEquals(run.tags().get("closecast.data.test_range"), model.mlmodel().setting("test_range"),
                "the held-out model's test period");
        assertEquals(run.metric("best_epoch").map(m -> Integer.toString((int) m.value())).orElseThrow(),
                client.getRun(run.id()).tags().get("closecast.refit.epochs"));
        Path heldOut = client.artifacts().downloadFile(run.id(), "model/MLmodel", work.resolve("heldout-MLmodel"));
        assertFalse(Files.readString(heldOut).contains("refit: true"), "the held-out bundle is not a refit");

        // The same config and seed again: the same metrics (1 thread; DL4J on CPU is deterministic here).
        CliProcess.Result second = CliProcess.run(300, "train", config.toString());
        assertEquals(0, second.code(), second.out());
        Run again = client.getRun(runId(second.out()));
        for (String key : List.of("test_mae", "test_rmse", "best_val_loss")) {
            assertEquals(run.metric(key).orElseThrow().value(), again.metric(key).orElseThrow().value(), 1e-9,
                    key + " differs between two runs of the same config and seed");
        }
    }

    @Test
    void aTrainingOnBadDataEndsFailedWithTheReason() throws Exception {
        String experiment = ItServers.unique("closecast-it-fail");
        Path config = CliProcess.config("tiny-train.yaml", experiment);
        // The bundled file ends in 2024: a range after it leaves no rows to train on.
        Files.writeString(config, Files.readString(config).replace("from: 2023-01-01", "from: 2030-01-01")
                .replace("to: 2024-12-31", "to: 2030-12-31"));
        CliProcess.Result result = CliProcess.run(300, "train", config.toString());
        assertEquals(1, result.code(), result.out());
        assertTrue(result.out().contains("error: training failed: "), result.out());
        Run run = client.getRun(runId(result.out()));
        assertEquals(RunStatus.FAILED, run.info().status());
        assertTrue(run.tags().get("closecast.failure_reason").contains("usable rows"), run.tags().toString());
    }

    @Test
    void aBadConfigValueNamesKeyValueFileAndLine() throws Exception {
        Path config = CliProcess.config("tiny-train.yaml", "unused");
        Files.writeString(config, Files.readString(config).replace("hidden-units: [4]", "hidden-units: [4, -3]"));
        CliProcess.Result result = CliProcess.run(120, "train", config.toString());
        assertEquals(1, result.code(), result.out());
        assertTrue(result.out().contains("error: model.lstm.hidden-units items must be between 1 and 4096, found -3 ("
                + config + " line 13)"), result.out());
    }
}
