package io.closecast.pipeline.training;

import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.data.PriceLoader;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.tracking.Provenance;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Dataset;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Metric;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetInfo;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.RiskTable;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.train.EpochStats;
import io.closecast.training.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a training run does between its start and its end: the config's prices into checked, leak-free windows (the
 * dataset, its ranges and digest logged to the run), the network trained on the chronological split, its test
 * metrics beside the naive forecast and the constant-width intervals (and the walk-forward folds, when configured),
 * then the artifacts. The run's life cycle around it is {@link TrainingJob}'s.
 */
final class HeldOutTraining {
    private static final Logger LOG = LoggerFactory.getLogger(HeldOutTraining.class);

    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;
    private final EpochLoggingTrainer trainer;
    private final RunArtifacts artifacts;

    HeldOutTraining(MlflowClient client, Clock clock, PrintWriter console, RunArtifacts artifacts) {
        this.client = client;
        this.clock = clock;
        this.console = console;
        this.trainer = new EpochLoggingTrainer(client, console);
        this.artifacts = artifacts;
    }

    /** What training a run gave: test metrics, or the reason the epoch hook stopped it. */
    record Trained(Map<String, Double> metrics, Optional<String> stopReason) {
        static Trained stopped(String reason) {
            return new Trained(Map.of(), Optional.of(reason));
        }
    }

    /** Trains run {@code runId} as {@code config} says, adding every epoch of its network to {@code epochs}. */
    Trained train(TrainConfig config, String runId, TrainingJob.Options options, List<EpochStats> epochs)
            throws IOException {
        PriceSeries series = PriceLoader.load(config);
        PreparedData data = DatasetBuilder.prepare(series, config.dataset());
        logDataset(runId, data);

        Path work = Files.createDirectories(options.workDir().resolve(runId));
        Instant start = Instant.now(clock);
        TrainingResult result = trainer.train(config, data, runId, options.hook(), epochs, "",
                options.listeners().forRun(runId));
        if (result.stopReason().isPresent()) {
            return Trained.stopped(result.stopReason().get());
        }
        double trainSeconds = Duration.between(start, Instant.now(clock)).toMillis() / 1000.0;

        HeldOutEvaluation test = HeldOutEvaluation.of(result, data.test(), data);
        Map<String, Double> metrics = new LinkedHashMap<>(test.testMetrics());
        metrics.put("best_epoch", (double) result.bestEpoch());
        metrics.put("best_val_loss", result.bestValLoss());
        result.epochs().stream().filter(e -> e.epoch() == result.bestEpoch()).findFirst()
                .filter(e -> Double.isFinite(e.valScore())).ifPresent(e -> metrics.put("best_val_mase", e.valScore()));
        metrics.put("epochs_trained", (double) result.epochs().size());
        metrics.put("train_seconds", trainSeconds);
        metrics.put("test_windows", (double) data.test().size());
        Optional<IntervalCalibration> intervals = HeldOutEvaluation.calibrate(config.intervals(), result, data);
        if (!data.validation().isEmpty()) {
            // the sweep may optimise val_interval_score_80: cross-fitted on the validation windows, never the test's
            metrics.putAll(ValidationIntervals.crossFitted(config.intervals(),
                    HeldOutEvaluation.of(result, data.validation(), data), data));
        }
        Optional<IntervalEvaluation> testIntervals = intervals.map(c -> test.intervals(config.intervals(), c, data));
        Optional<RiskEvaluation> risk = intervals.map(c -> test.risk(config.intervals(), c, data));
        risk.ifPresent(r -> metrics.putAll(r.metrics("test")));
        testIntervals.ifPresent(e -> metrics.putAll(e.toMap("test_", "baseline_test_")));
        Map<String, Double> ewma = test.ewmaComparison(config.intervals(), result, data);
        metrics.putAll(ewma);
        if (intervals.isEmpty()) {
            client.setTags(runId, Map.of(ClosecastTags.INTERVALS, "none: no validation windows to calibrate on"));
        }
        if (config.walkForward().isPresent()) {
            metrics.putAll(new WalkForwardFolds(client, console, trainer).run(config, series, runId));
        }
        Provenance.peakRssMegabytes().ifPresent(mb -> metrics.put("peak_rss_mb", mb));
        client.logMetrics(runId, metrics.entrySet().stream().map(e -> Metric.create(e.getKey(), e.getValue())).toList());

        artifacts.write(runId, work, new RunArtifacts.Finished(config, options.configText(), series, data, result, test,
                intervals));
        printTest(test, testIntervals, ewma);
        risk.ifPresent(r -> RiskTable.lines(r).forEach(line -> console.printf(Locale.ROOT, "test %s%n", line)));
        return new Trained(metrics, Optional.empty());
    }

    /** The dataset as the run's input, its ranges, digest and dropped rows as tags, its description on the console. */
    private void logDataset(String runId, PreparedData data) {
        DatasetInfo info = data.dataset();
        client.logInputs(runId, List.of(DatasetInput.create(new Dataset(info.name(), info.digest(), info.sourceType(),
                info.source(), info.schema(), info.profile()), "training")));
        Map<String, String> dataTags = new LinkedHashMap<>();
        dataTags.put(ClosecastTags.DATA_TRAIN_RANGE, data.trainRange().toString());
        data.validationRange().ifPresent(r -> dataTags.put(ClosecastTags.DATA_VALIDATION_RANGE, r.toString()));
        dataTags.put(ClosecastTags.DATA_TEST_RANGE, data.testRange().toString());
        dataTags.put(ClosecastTags.DATA_SHA256, info.sha256());
        dataTags.put(ClosecastTags.DATA_DROPPED_ROWS, Integer.toString(data.dropped().size()));
        client.setTags(runId, dataTags);
        console.printf(Locale.ROOT, "%s%n", data.describe());
        for (String warning : data.rangeWarnings()) {
            console.printf(Locale.ROOT, "warning: %s%n", warning);
            LOG.warn("run {}: {}", runId, warning);
        }
        if (!data.rangeWarnings().isEmpty()) {
            client.setTags(runId, Map.of(ClosecastTags.DATA_RANGE_WARNING,
                    TrainingJob.truncate(String.join(" | ", data.rangeWarnings()), 4000)));
        }
        console.flush();
    }

    private void printTest(HeldOutEvaluation test, Optional<IntervalEvaluation> testIntervals,
                           Map<String, Double> ewma) {
        console.printf(Locale.ROOT, "test: MAE %.4f  RMSE %.4f  MAPE %.2f%%  MASE %.4f  direction %.1f%%   "
                        + "naive: MAE %.4f  RMSE %.4f  MAPE %.2f%%%n", test.model().mae(), test.model().rmse(),
                test.model().mape(), test.model().mase(), 100 * test.model().directionalAccuracy(), test.naive().mae(),
                test.naive().rmse(), test.naive().mape());
        testIntervals.ifPresent(e -> {
            for (int l = 0; l < e.model().size(); l++) {
                IntervalMetrics m = e.model().get(l);
                IntervalMetrics b = e.baseline().get(l);
                console.printf(Locale.ROOT, "test %2.0f%% interval: coverage %.1f%%  interval score %.4f   "
                                + "constant-width baseline: coverage %.1f%%  interval score %.4f%n", 100 * m.level(),
                        100 * m.coverage(), m.intervalScore(), 100 * b.coverage(), b.intervalScore());
                String level = IntervalSpec.levelName(m.level());
                if (ewma.containsKey("conformal_ewma_test_coverage_" + level)) {
                    console.printf(Locale.ROOT, "test %2.0f%% interval of the EWMA method on the same forecasts: "
                                    + "coverage %.1f%%  interval score %.4f%n", 100 * m.level(),
                            100 * ewma.get("conformal_ewma_test_coverage_" + level), ewma.get("conformal_ewma_test_interval_score_" + level));
                }
            }
        });
        console.flush();
    }
}
