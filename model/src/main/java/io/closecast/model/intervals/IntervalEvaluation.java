package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.dataset.WindowSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forecast intervals scored on one part's windows beside the constant-width baseline: what training runs,
 * walk-forward folds and {@code closecast evaluate} log.
 *
 * @param model    the calibrated, volatility-scaled intervals' metrics, one per level
 * @param baseline the baseline's ({@link BaselineIntervals}) on the same windows
 */
public record IntervalEvaluation(List<IntervalMetrics> model, List<IntervalMetrics> baseline) {

    public IntervalEvaluation {
        model = List.copyOf(model);
        baseline = List.copyOf(baseline);
    }

    /**
     * Scores {@code calibration}'s intervals around {@code predicted[i]} (the model's price forecasts of
     * {@code part}'s windows, e.g. decoded {@code TrainingResult.predict} outputs) and the baseline's around the
     * last prices, against {@code part}'s target prices.
     *
     * @param calibration the model's interval calibration
     * @param codec the model's codec, for each window's volatility
     * @param part the windows to score, e.g. the test part
     * @param predicted the model's price forecasts {@code [window][step]} of {@code part}'s windows
     * @param baseline the baseline's fitted intervals
     * @return the model's and the baseline's metrics, one per level
     * @throws ModelException when there is not one forecast per window
     */
    public static IntervalEvaluation of(IntervalCalibration calibration, ForecastCodec codec, WindowSet part,
                                        double[][] predicted, BaselineIntervals baseline) {
        if (IntervalCalibration.PREDICTED_SCALE_METHOD.equals(calibration.method())) {
            throw new ModelException("intervals of method " + calibration.method() + " need the distribution head's "
                    + "predicted scales, found none (call the overload that takes them)");
        }
        double[][] scales = new double[part.size()][];
        for (int i = 0; i < part.size(); i++) {
            scales[i] = new double[] {calibration.volatility(codec, part.inputs()[i])};
        }
        return of(calibration, scales, part, predicted, baseline);
    }

    /**
     * {@link #of(IntervalCalibration, ForecastCodec, WindowSet, double[][], BaselineIntervals)} with each window's
     * scale given: {@code scales[i][h]} (a distribution head's, or one EWMA volatility per window).
     *
     * @param calibration the model's interval calibration
     * @param scales each window's scale of the log price per step (a row of one is used for every step)
     * @param part the windows to score, e.g. the test part
     * @param predicted the model's price forecasts {@code [window][step]} of {@code part}'s windows
     * @param baseline the baseline's fitted intervals
     * @return the model's and the baseline's metrics, one per level
     * @throws ModelException when there is not one forecast and one scale row per window
     */
    public static IntervalEvaluation of(IntervalCalibration calibration, double[][] scales, WindowSet part,
                                        double[][] predicted, BaselineIntervals baseline) {
        if (predicted.length != part.size() || scales.length != part.size()) {
            throw new ModelException("interval evaluation needs one forecast and one scale row per window ("
                    + part.size() + "), found " + predicted.length + " and " + scales.length);
        }
        List<List<ForecastInterval>> model = new ArrayList<>(part.size());
        List<List<ForecastInterval>> naive = new ArrayList<>(part.size());
        for (int i = 0; i < part.size(); i++) {
            model.add(calibration.intervals(predicted[i], scales[i]));
            naive.add(baseline.intervals(part.lastPrices()[i], predicted[i].length));
        }
        return new IntervalEvaluation(IntervalMetrics.of(model, part.targetPrices()),
                IntervalMetrics.of(naive, part.targetPrices()));
    }

    /**
     * The volatility estimate of every window of {@code part}.
     *
     * @param spec the EWMA lambda to use
     * @param codec the model's codec
     * @param part the windows
     * @return one volatility estimate per window, a daily log return
     */
    public static double[] volatilities(IntervalSpec spec, ForecastCodec codec, WindowSet part) {
        double[] v = new double[part.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = IntervalCalibration.volatility(codec, part.inputs()[i], spec.ewmaLambda());
        }
        return v;
    }

    /**
     * {@code prefix + coverage_80}, {@code prefix + interval_score_80}, ... and the baseline's as
     * {@code baselinePrefix + coverage_80}, ...; e.g. {@code test_} and {@code baseline_test_}.
     *
     * @param prefix put before the model's metric names
     * @param baselinePrefix put before the baseline's metric names
     * @return metric key to value, the model's first
     */
    public Map<String, Double> toMap(String prefix, String baselinePrefix) {
        Map<String, Double> map = new LinkedHashMap<>(IntervalMetrics.toMap(model, prefix));
        map.putAll(IntervalMetrics.toMap(baseline, baselinePrefix));
        return map;
    }
}
