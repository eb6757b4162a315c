package io.closecast.pipeline.training;

import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.tracking.ClosecastTags;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.evaluation.WalkForward;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.prices.PriceSeries;
import io.closecast.training.TrainingResult;

/**
 * Walk-forward evaluation of a run ({@code walk-forward} in the config): one network per fold, trained and tested on
 * the fold's own split, its test metrics beside the naive forecast's as {@code fold<n>_...}, their means as
 * {@code wf_mean_...}, and each fold's date ranges as a run tag.
 */
final class WalkForwardFolds {
    private final MlflowClient client;
    private final PrintWriter console;
    private final EpochLoggingTrainer trainer;

    WalkForwardFolds(MlflowClient client, PrintWriter console, EpochLoggingTrainer trainer) {
        this.client = client;
        this.console = console;
        this.trainer = trainer;
    }

    /** Trains and tests every fold; sets the fold tags and returns the fold and mean metrics. */
    Map<String, Double> run(TrainConfig config, PriceSeries series, String runId) {
        List<WalkForward.Fold> folds = WalkForward.folds(series, config.dataset(), config.walkForward().orElseThrow());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, String> ranges = new LinkedHashMap<>();
        double maseSum = 0;
        double naiveMaeSum = 0;
        double maeSum = 0;
        Map<String, Double> intervalSums = new LinkedHashMap<>();
        int intervalFolds = 0;
        for (WalkForward.Fold fold : folds) {
            PreparedData data = WalkForward.prepare(series, config.dataset(), fold);
            String prefix = "fold" + fold.number() + "_";
            console.printf(Locale.ROOT, "walk-forward %s%n", fold);
            TrainingResult result = trainer.train(config, data, runId, TrainingJob.EpochHook.none(), new ArrayList<>(),
                    prefix, List.of());
            HeldOutEvaluation test = HeldOutEvaluation.of(result, data.test(), data);
            metrics.putAll(test.model().toMap(prefix + "test_"));
            metrics.put(prefix + "naive_test_mae", test.naive().mae());
            metrics.put(prefix + "naive_test_r2", test.naive().r2());
            ForecastEvaluation.Step step = test.stats().first();
            metrics.put(prefix + "test_dm_abs_p_better", step.dmAbsolute().pBetter());
            metrics.put(prefix + "test_dm_sq_p_better", step.dmSquared().pBetter());
            metrics.put(prefix + "test_majority_sign_accuracy", step.majoritySignAccuracy());
            metrics.put(prefix + "test_up_share", step.upShare());
            Optional<IntervalCalibration> calibration = HeldOutEvaluation.calibrate(config.intervals(), result, data);
            if (calibration.isPresent()) {
                // the comparison with GARCH(1,1) and EWMA first; the every-step interval metrics keep their keys
                Map<String, Double> foldIntervals = new LinkedHashMap<>(
                        test.risk(config.intervals(), calibration.get(), data).metrics("test"));
                foldIntervals.putAll(test.intervals(config.intervals(), calibration.get(), data)
                        .toMap("test_", "baseline_test_"));
                foldIntervals.forEach((k, v) -> {
                    metrics.put(prefix + k, v);
                    intervalSums.merge(k, v, Double::sum);
                });
                test.ewmaComparison(config.intervals(), result, data).forEach((k, v) -> {
                    metrics.put(prefix + k, v);
                    intervalSums.merge(k, v, Double::sum);
                });
                intervalFolds++;
            }
            maseSum += test.model().mase();
            maeSum += test.model().mae();
            naiveMaeSum += test.naive().mae();
            ranges.put(ClosecastTags.FOLD_PREFIX + fold.number(), fold.toString());
        }
        metrics.put("wf_mean_test_mase", maseSum / folds.size());
        metrics.put("wf_mean_test_mae", maeSum / folds.size());
        metrics.put("wf_mean_naive_test_mae", naiveMaeSum / folds.size());
        int calibratedFolds = intervalFolds;
        intervalSums.forEach((k, v) -> metrics.put("wf_mean_" + k, v / calibratedFolds));
        client.setTags(runId, ranges);
        return metrics;
    }
}
