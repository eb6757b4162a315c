package io.closecast.pipeline.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.evaluation.ForecastMetrics;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.risk.DailyBounds;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.VolatilityReferences;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.PredictedScaleCalibration;
import io.closecast.model.lstm.Distribution;
import io.closecast.training.TrainingResult;

/**
 * Model and naive forecasts on a part's windows, in prices, and the out-of-sample statistics of
 * {@link ForecastEvaluation} (drift and majority sign fitted on the training part's closes). Pure: no MLflow, no files.
 */
record HeldOutEvaluation(WindowSet part, double[][] predicted, double[][] scales, ForecastMetrics model,
                         ForecastMetrics naive, ForecastEvaluation stats) {

    /**
     * The trained network's forecasts of {@code part}, decoded to prices, beside the naive forecast; with a
     * distribution head, its locations are the forecasts and {@code scales[i][h]} its scale of each step's log price
     * (empty for a point network).
     */
    static HeldOutEvaluation of(TrainingResult result, WindowSet part, PreparedData data) {
        float[][] outputs = result.predictOutputs(part.inputs());
        Distribution distribution = result.model().distribution();
        int horizon = data.codec().horizon();
        double[][] predicted = new double[part.size()][];
        double[][] scales = new double[distribution == Distribution.POINT ? 0 : part.size()][];
        for (int i = 0; i < part.size(); i++) {
            float[] location = distribution == Distribution.POINT ? outputs[i] : Arrays.copyOf(outputs[i], horizon);
            predicted[i] = data.codec().decode(location, part.lastPrices()[i]);
            if (distribution != Distribution.POINT) {
                scales[i] = data.codec().logPriceScales(location, distribution.scales(outputs[i], horizon),
                        IntervalCalibration.MIN_VOLATILITY);
            }
        }
        return new HeldOutEvaluation(part, predicted, scales,
                ForecastMetrics.of(part.targetPrices(), predicted, part.lastPrices()),
                ForecastMetrics.naive(part.targetPrices(), part.lastPrices()),
                ForecastEvaluation.of(part.targetPrices(), predicted, part.lastPrices(),
                        ForecastEvaluation.Reference.fit(trainingCloses(data))));
    }

    /**
     * The held-out test metrics of a trained run: the model's ({@code test_}), the naive forecast's
     * ({@code naive_test_}) and the finite out-of-sample statistics ({@code test_}), in the order MLflow gets them.
     */
    Map<String, Double> testMetrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.putAll(model.toMap("test_"));
        metrics.putAll(naive.toMap("naive_test_"));
        putFinite(metrics, stats.metrics("test_"));
        return metrics;
    }

    /** The training part's closes in order: the first window's last input, then every training target's step 1. */
    static double[] trainingCloses(PreparedData data) {
        WindowSet train = data.train();
        double[] closes = new double[train.size() + 1];
        closes[0] = train.lastPrices()[0];
        for (int i = 0; i < train.size(); i++) {
            closes[i + 1] = train.targetPrices()[i][0];
        }
        return closes;
    }

    /** MLflow refuses NaN and infinite values: such a statistic (e.g. DM of two identical forecasts) is left out. */
    static void putFinite(Map<String, Double> into, Map<String, Double> values) {
        values.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                into.put(k, v);
            }
        });
    }

    /**
     * The interval calibration of a trained network: conformal quantiles of its residuals on the validation
     * windows (which it did not train on; early stopping only chose the epoch), scaled by the distribution head's
     * predicted scale ({@link PredictedScaleCalibration}) or, for a point network, by the input window's EWMA
     * volatility. Empty without validation windows.
     */
    static Optional<IntervalCalibration> calibrate(IntervalSpec spec, TrainingResult result, PreparedData data) {
        if (data.validation().isEmpty()) {
            return Optional.empty();
        }
        HeldOutEvaluation validation = of(result, data.validation(), data);
        if (result.model().distribution() != Distribution.POINT) {
            return Optional.of(PredictedScaleCalibration.calibrate(spec, data.validation(), validation.predicted(),
                    validation.scales(), "validation"));
        }
        return Optional.of(ewma(spec, validation, data));
    }

    /**
     * The EWMA-scaled calibration of this part's forecasts (a validation part): the point network's method, which a
     * distribution head's intervals are measured against on the same forecasts.
     */
    static IntervalCalibration ewma(IntervalSpec spec, HeldOutEvaluation validation, PreparedData data) {
        return IntervalCalibration.calibrate(spec, data.codec(), validation.part(), validation.predicted(), "validation");
    }

    /**
     * For a distribution head, the intervals the point network's method (EWMA-scaled, calibrated on the same
     * validation forecasts) gives on this part, as {@code conformal_ewma_test_coverage_80}, {@code conformal_ewma_test_interval_score_80},
     * ...: the measure of whether the head's own scale earns its place. Empty for a point network or without
     * validation windows.
     */
    Map<String, Double> ewmaComparison(IntervalSpec spec, TrainingResult result, PreparedData data) {
        if (result.model().distribution() == Distribution.POINT || data.validation().isEmpty()) {
            return Map.of();
        }
        IntervalCalibration ewma = ewma(spec, of(result, data.validation(), data), data);
        return IntervalMetrics.toMap(intervals(spec, ewma, data).model(), "conformal_ewma_test_");
    }

    /** The calibrated intervals on this part beside the constant-width baseline fitted on the training windows. */
    IntervalEvaluation intervals(IntervalSpec spec, IntervalCalibration calibration, PreparedData data) {
        BaselineIntervals baseline = BaselineIntervals.fit(spec, data.train().targetPrices(), data.train().lastPrices());
        if (IntervalCalibration.PREDICTED_SCALE_METHOD.equals(calibration.method())) {
            return IntervalEvaluation.of(calibration, scales, part, predicted, baseline);
        }
        return IntervalEvaluation.of(calibration, data.codec(), part, predicted, baseline);
    }

    /**
     * This part's next-day (step 1) intervals beside GARCH(1,1) and RiskMetrics EWMA, both fitted on the training
     * windows' daily returns and filtered through the validation and this part's days with fixed parameters, and
     * the constant-width baseline: coverage, interval score, pinball, Kupiec, Christoffersen, DM against GARCH.
     */
    RiskEvaluation risk(IntervalSpec spec, IntervalCalibration calibration, PreparedData data) {
        BaselineIntervals baseline = BaselineIntervals.fit(spec, data.train().targetPrices(), data.train().lastPrices());
        List<List<ForecastInterval>> model = new ArrayList<>(part.size());
        List<List<ForecastInterval>> constant = new ArrayList<>(part.size());
        double[] actual = new double[part.size()];
        boolean head = IntervalCalibration.PREDICTED_SCALE_METHOD.equals(calibration.method());
        for (int i = 0; i < part.size(); i++) {
            // a head's intervals come from its predicted scale (as intervals() scores them), a point model's from EWMA
            model.add(head ? calibration.intervals(new double[] {predicted[i][0]}, new double[] {scales[i][0]})
                    : calibration.intervals(new double[] {predicted[i][0]},
                            calibration.volatility(data.codec(), part.inputs()[i])));
            constant.add(baseline.intervals(part.lastPrices()[i], 1));
            actual[i] = part.targetPrices()[i][0];
        }
        double[] own = stepOneReturns(part);
        double[] later = own;
        if (!data.validation().isEmpty() && data.validation() != part) {
            double[] validation = stepOneReturns(data.validation());
            later = new double[validation.length + own.length];
            System.arraycopy(validation, 0, later, 0, validation.length);
            System.arraycopy(own, 0, later, validation.length, own.length);
        }
        List<DailyBounds> methods = new ArrayList<>(DailyBounds.firstStep(RiskEvaluation.MODEL, model));
        methods.addAll(DailyBounds.firstStep("baseline", constant));
        return RiskEvaluation.beside(VolatilityReferences.fit(stepOneReturns(data.train())), later, part.lastPrices(),
                actual, methods);
    }

    /** Each window's next-day log return {@code ln(target[0] / last)}: the part's daily returns in date order. */
    static double[] stepOneReturns(WindowSet windows) {
        double[] r = new double[windows.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.log(windows.targetPrices()[i][0] / windows.lastPrices()[i]);
        }
        return r;
    }
}
