package io.closecast.model.evaluation;

import io.closecast.model.ModelException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy of price forecasts against what happened, over every (window, horizon step) pair.
 * <ul>
 *   <li>{@code mae}, {@code rmse}: in price units; {@code mape}, {@code smape}: percent.</li>
 *   <li>{@code mase}: this forecast's MAE divided by the naive forecast's MAE on the same days (the naive
 *   forecast repeats the last observed price for every step). Below 1 beats naive; naive itself is 1.</li>
 *   <li>{@code directionalAccuracy}: share of pairs where the forecast moves from the last observed price
 *   in the same direction as the actual price did (a forecast of no change counts as right only when the
 *   price did not change, so the naive forecast scores the share of unchanged days).</li>
 *   <li>{@code r2}: the coefficient of determination, {@code 1 - sum (p - a)^2 / sum (a - mean a)^2} over every pair
 *   (see {@link #rSquared}). On prices it is near 1 for any forecast that follows the level, the naive one
 *   included, because the price's own spread over the period dwarfs a day's move: read it beside the naive
 *   forecast's R², never alone.</li>
 * </ul>
 *
 * @param mae mean absolute error, in price units
 * @param rmse root mean squared error, in price units
 * @param mape mean absolute percentage error, in percent
 * @param smape symmetric mean absolute percentage error, in percent
 * @param mase MAE relative to the naive forecast's on the same days; below 1 beats naive
 * @param directionalAccuracy share, 0 to 1, of pairs moving the way the price did
 * @param r2 coefficient of determination of the forecasts against the actual prices; 1 is perfect
 * @param count forecast values scored (windows times steps)
 */
public record ForecastMetrics(double mae, double rmse, double mape, double smape, double mase,
                              double directionalAccuracy, double r2, int count) {

    /**
     * Scores {@code predicted[i][h]} against {@code actual[i][h]}, where {@code lastObserved[i]} is the last
     * price of window i (the naive forecast for every step of it).
     *
     * @param actual the true prices {@code [window][step]}
     * @param predicted the forecasts {@code [window][step]}, in price units
     * @param lastObserved each window's last price
     * @return the metrics over every window and step
     * @throws ModelException when the arrays differ in length
     */
    public static ForecastMetrics of(double[][] actual, double[][] predicted, double[] lastObserved) {
        if (actual.length != predicted.length || actual.length != lastObserved.length) {
            throw new ModelException("metrics need as many forecasts as actuals and last prices, found "
                    + predicted.length + " forecasts, " + actual.length + " actuals, " + lastObserved.length + " last prices");
        }
        if (actual.length == 0) {
            throw new ModelException("metrics need at least one forecast, found none");
        }
        double actualSum = 0;
        int actualCount = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i].length != predicted[i].length) {
                throw new ModelException("forecast " + i + " has " + predicted[i].length + " steps but the actual has "
                        + actual[i].length);
            }
            for (double a : actual[i]) {
                actualSum += a;
                actualCount++;
            }
        }
        double actualMean = actualSum / actualCount;
        double absSum = 0, sqSum = 0, pctSum = 0, sPctSum = 0, naiveAbsSum = 0, totalSq = 0;
        int n = 0, sameDirection = 0;
        for (int i = 0; i < actual.length; i++) {
            for (int h = 0; h < actual[i].length; h++) {
                double a = actual[i][h];
                double p = predicted[i][h];
                double error = p - a;
                absSum += Math.abs(error);
                sqSum += error * error;
                pctSum += Math.abs(error / a);
                double denominator = Math.abs(a) + Math.abs(p);
                sPctSum += denominator == 0 ? 0 : 2 * Math.abs(error) / denominator;
                naiveAbsSum += Math.abs(lastObserved[i] - a);
                totalSq += (a - actualMean) * (a - actualMean);
                if (Math.signum(p - lastObserved[i]) == Math.signum(a - lastObserved[i])) {
                    sameDirection++;
                }
                n++;
            }
        }
        double mae = absSum / n;
        double naiveMae = naiveAbsSum / n;
        double mase = naiveMae == 0 ? (mae == 0 ? 1.0 : Double.POSITIVE_INFINITY) : mae / naiveMae;
        return new ForecastMetrics(mae, Math.sqrt(sqSum / n), 100 * pctSum / n, 100 * sPctSum / n, mase,
                (double) sameDirection / n, rSquared(sqSum, totalSq), n);
    }

    /**
     * The coefficient of determination from its two sums, {@code 1 - residual / total}: 1 for a perfect forecast,
     * 0 for one as good as the mean of the actual prices (which no forecaster knows in advance), below 0 for worse.
     * When the actual prices never moved ({@code total} 0) it is 1 for a perfect forecast and 0 otherwise, as
     * scikit-learn's {@code r2_score} gives.
     *
     * @param residualSquares sum of squared forecast errors
     * @param totalSquares sum of squared deviations of the actual prices from their mean
     * @return the R² of the forecasts
     */
    public static double rSquared(double residualSquares, double totalSquares) {
        if (totalSquares == 0) {
            return residualSquares == 0 ? 1.0 : 0.0;
        }
        return 1 - residualSquares / totalSquares;
    }

    /**
     * The naive forecast's metrics on the same days: the last observed price for every step.
     *
     * @param actual the true prices {@code [window][step]}
     * @param lastObserved each window's last price, repeated as its forecast for every step
     * @return the naive forecast's metrics (its {@code mase} is 1)
     */
    public static ForecastMetrics naive(double[][] actual, double[] lastObserved) {
        double[][] repeated = new double[actual.length][];
        for (int i = 0; i < actual.length; i++) {
            repeated[i] = new double[actual[i].length];
            java.util.Arrays.fill(repeated[i], lastObserved[i]);
        }
        return of(actual, repeated, lastObserved);
    }

    /**
     * {@code prefix + name} to value, e.g. {@code test_mae}; names as logged to MLflow.
     *
     * @param prefix put before every name, e.g. {@code test_}; may be empty
     * @return metric key to value, in a fixed order
     */
    public Map<String, Double> toMap(String prefix) {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(prefix + "mae", mae);
        map.put(prefix + "rmse", rmse);
        map.put(prefix + "mape", mape);
        map.put(prefix + "smape", smape);
        map.put(prefix + "mase", mase);
        map.put(prefix + "directional_accuracy", directionalAccuracy);
        map.put(prefix + "r2", r2);
        return map;
    }
}
