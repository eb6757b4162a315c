package io.closecast.model.evaluation;

import io.closecast.model.ModelException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Out-of-sample forecast statistics per horizon step, beside the baselines a forecast must beat: naive (the last
 * observed price), drift (a random walk with drift fitted on the training data) and, for direction, the training
 * data's majority sign. Inputs are forecasts made from origins {@code i}: {@code last[i]} is the last price observed
 * at the origin, {@code actual[i][h]} and {@code predicted[i][h]} the price {@code h + 1} days later.
 *
 * <p>Per step {@code h} (1-based) over the {@code n} origins:
 * <ul>
 *   <li>{@code mae}, {@code rmse} in price units; {@code mape} in percent: {@code 100/n sum |p - a| / |a|}.</li>
 *   <li>{@code r2} and {@code naive_r2}: the coefficient of determination of the model's and the naive forecast's
 *   prices ({@link ForecastMetrics#rSquared}). Both are near 1 on prices, as the level over the period varies far
 *   more than a day's move; only the gap between them says something.</li>
 *   <li>{@code mase}: MAE divided by the naive forecast's MAE on the same days (below 1 beats naive). This is the
 *   relative MAE against naive out of sample, not Hyndman's in-sample scaling.</li>
 *   <li>{@code drift_mae} and {@code drift_mase}: the drift forecast {@code last + h * drift}.</li>
 *   <li>{@code directional_accuracy}: share of days with {@code sign(p - last) == sign(a - last)};
 *   {@code forecast_up_share}: share of forecasts above {@code last}; {@code up_share}: share of days the price rose;
 *   {@code majority_sign_accuracy}: the accuracy of always saying the training data's majority sign.
 *   A directional accuracy at the majority-sign accuracy says nothing about skill.</li>
 *   <li>Diebold-Mariano against naive ({@link DieboldMariano}, HLN-corrected, horizon {@code h}) for absolute and
 *   squared errors: the statistic, the one-sided p-value of "better than naive" and the two-sided p-value.</li>
 * </ul>
 *
 * @param steps one entry per horizon step from step 1, never empty
 * @param reference what the baselines learnt from the training data
 */
public record ForecastEvaluation(List<Step> steps, Reference reference) {

    public ForecastEvaluation {
        steps = List.copyOf(steps);
        Objects.requireNonNull(reference, "reference");
        if (steps.isEmpty()) {
            throw new ModelException("an evaluation needs at least one horizon step, found none");
        }
    }

    /**
     * What the baselines learn from the training data: the drift (mean daily change) and the majority sign of the
     * daily changes (+1 up, -1 down; up on a tie), with the training data's up-day share.
     *
     * @param drift mean daily price change over the training prices, in price units per day
     * @param majoritySign +1 when the training prices rose at least as often as they fell, else -1
     * @param trainingUpShare share of training days, 0 to 1, on which the price rose
     */
    public record Reference(double drift, int majoritySign, double trainingUpShare) {
        public Reference {
            if (majoritySign != 1 && majoritySign != -1) {
                throw new ModelException("majority sign must be +1 or -1, found " + majoritySign);
            }
        }

        /**
         * Fits the baselines on training prices (oldest first, at least two).
         *
         * @param trainingPrices the training part's prices, oldest first, at least two
         * @return the drift, the majority sign and the up-day share of those prices
         * @throws ModelException when fewer than two prices are given
         */
        public static Reference fit(double[] trainingPrices) {
            int n = trainingPrices.length;
            if (n < 2) {
                throw new ModelException("the baselines need at least 2 training prices, found " + n);
            }
            int up = 0;
            int down = 0;
            for (int t = 1; t < n; t++) {
                double change = trainingPrices[t] - trainingPrices[t - 1];
                if (change > 0) {
                    up++;
                } else if (change < 0) {
                    down++;
                }
            }
            double drift = (trainingPrices[n - 1] - trainingPrices[0]) / (n - 1);
            return new Reference(drift, up >= down ? 1 : -1, (double) up / (n - 1));
        }
    }

    /**
     * The statistics of one horizon step.
     *
     * @param step the horizon step, from 1
     * @param count forecasts scored
     * @param mae mean absolute error, in price units
     * @param rmse root mean squared error, in price units
     * @param mape mean absolute percentage error, in percent
     * @param r2 coefficient of determination against the actual prices of this step
     * @param mase MAE relative to naive's on the same days; below 1 beats naive
     * @param naiveMae the naive forecast's MAE, in price units
     * @param naiveRmse the naive forecast's RMSE, in price units
     * @param naiveMape the naive forecast's MAPE, in percent
     * @param naiveR2 the naive forecast's coefficient of determination
     * @param driftMae the drift forecast's MAE, in price units
     * @param driftMase the drift forecast's MAE relative to naive's
     * @param directionalAccuracy share, 0 to 1, of days whose forecast moved the way the price did
     * @param forecastUpShare share, 0 to 1, of forecasts above the last price
     * @param upShare share, 0 to 1, of days on which the price rose
     * @param majoritySignAccuracy share, 0 to 1, of days the training data's majority sign called right
     * @param dmAbsolute Diebold-Mariano against naive on absolute errors
     * @param dmSquared Diebold-Mariano against naive on squared errors
     */
    public record Step(int step, int count, double mae, double rmse, double mape, double r2, double mase,
                       double naiveMae, double naiveRmse, double naiveMape, double naiveR2, double driftMae, double driftMase,
                       double directionalAccuracy, double forecastUpShare, double upShare, double majoritySignAccuracy,
                       DieboldMariano.Result dmAbsolute, DieboldMariano.Result dmSquared) {

        /**
         * Metric name to value, names as logged to MLflow (without prefix or step).
         *
         * @return metric name (e.g. {@code mase}, {@code dm_abs_p_better}) to value, in insertion order
         */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("mae", mae);
            m.put("rmse", rmse);
            m.put("mape", mape);
            m.put("r2", r2);
            m.put("mase", mase);
            m.put("naive_mae", naiveMae);
            m.put("naive_rmse", naiveRmse);
            m.put("naive_mape", naiveMape);
            m.put("naive_r2", naiveR2);
            m.put("drift_mae", driftMae);
            m.put("drift_mase", driftMase);
            m.put("directional_accuracy", directionalAccuracy);
            m.put("forecast_up_share", forecastUpShare);
            m.put("up_share", upShare);
            m.put("majority_sign_accuracy", majoritySignAccuracy);
            putDm(m, "dm_abs_", dmAbsolute);
            putDm(m, "dm_sq_", dmSquared);
            m.put("days", (double) count);
            return m;
        }

        private static void putDm(Map<String, Double> m, String key, DieboldMariano.Result r) {
            m.put(key + "stat", r.statistic());
            m.put(key + "p_better", r.pBetter());
            m.put(key + "p_two_sided", r.pTwoSided());
        }
    }

    /**
     * Evaluates forecasts; every origin needs the same number of steps.
     *
     * @param actual the true prices {@code [origin][step]}
     * @param predicted the forecasts {@code [origin][step]}, in price units
     * @param last each origin's last observed price (the naive forecast)
     * @param reference the baselines' drift and majority sign
     * @return the statistics of every horizon step
     * @throws ModelException when the arrays differ in length or in steps per origin, or hold fewer than 3 origins
     */
    public static ForecastEvaluation of(double[][] actual, double[][] predicted, double[] last, Reference reference) {
        int n = actual.length;
        if (predicted.length != n || last.length != n) {
            throw new ModelException("evaluation needs as many forecasts as actuals and last prices, found "
                    + predicted.length + " forecasts, " + n + " actuals, " + last.length + " last prices");
        }
        if (n < 3) {
            throw new ModelException("evaluation needs at least 3 forecast days, found " + n);
        }
        int horizon = actual[0].length;
        for (int i = 0; i < n; i++) {
            if (actual[i].length != horizon || predicted[i].length != horizon) {
                throw new ModelException("origin " + i + " has " + predicted[i].length + " forecast and "
                        + actual[i].length + " actual steps, expected " + horizon);
            }
        }
        List<Step> steps = new ArrayList<>(horizon);
        for (int h = 0; h < horizon; h++) {
            steps.add(step(h, actual, predicted, last, reference));
        }
        return new ForecastEvaluation(steps, reference);
    }

    private static Step step(int h, double[][] actual, double[][] predicted, double[] last, Reference reference) {
        int n = actual.length;
        double actualSum = 0;
        for (double[] a : actual) {
            actualSum += a[h];
        }
        double mean = actualSum / n;
        double[] modelErrors = new double[n];
        double[] naiveErrors = new double[n];
        double abs = 0, sq = 0, pct = 0, naiveAbs = 0, naiveSq = 0, naivePct = 0, driftAbs = 0, totalSq = 0;
        int sameDirection = 0, forecastUp = 0, up = 0, majorityRight = 0;
        for (int i = 0; i < n; i++) {
            double a = actual[i][h];
            double p = predicted[i][h];
            double e = p - a;
            double naiveE = last[i] - a;
            double driftE = last[i] + (h + 1) * reference.drift() - a;
            modelErrors[i] = e;
            naiveErrors[i] = naiveE;
            abs += Math.abs(e);
            sq += e * e;
            pct += Math.abs(e / a);
            naiveAbs += Math.abs(naiveE);
            naiveSq += naiveE * naiveE;
            naivePct += Math.abs(naiveE / a);
            driftAbs += Math.abs(driftE);
            totalSq += (a - mean) * (a - mean);
            double actualSign = Math.signum(a - last[i]);
            if (Math.signum(p - last[i]) == actualSign) {
                sameDirection++;
            }
            if (p > last[i]) {
                forecastUp++;
            }
            if (actualSign > 0) {
                up++;
            }
            if (actualSign == reference.majoritySign()) {
                majorityRight++;
            }
        }
        double mae = abs / n;
        double naiveMae = naiveAbs / n;
        double driftMae = driftAbs / n;
        return new Step(h + 1, n, mae, Math.sqrt(sq / n), 100 * pct / n, ForecastMetrics.rSquared(sq, totalSq),
                ratio(mae, naiveMae), naiveMae, Math.sqrt(naiveSq / n), 100 * naivePct / n,
                ForecastMetrics.rSquared(naiveSq, totalSq), driftMae, ratio(driftMae, naiveMae),
                (double) sameDirection / n, (double) forecastUp / n, (double) up / n, (double) majorityRight / n,
                DieboldMariano.test(modelErrors, naiveErrors, h + 1, DieboldMariano.Loss.ABSOLUTE),
                DieboldMariano.test(modelErrors, naiveErrors, h + 1, DieboldMariano.Loss.SQUARED));
    }

    private static double ratio(double mae, double naiveMae) {
        return naiveMae == 0 ? (mae == 0 ? 1.0 : Double.POSITIVE_INFINITY) : mae / naiveMae;
    }

    /**
     * The first horizon step: the next-day forecast the service gives.
     *
     * @return the statistics of horizon step 1
     */
    public Step first() {
        return steps.getFirst();
    }

    /**
     * Every statistic, keyed {@code prefix + name} for step 1 and {@code prefix + "h" + step + "_" + name} for later
     * steps, e.g. {@code eval_mase}, {@code eval_h5_dm_abs_p_better}. Other evaluations (intervals) can be merged
     * into the same map.
     *
     * @param prefix put before every name, e.g. {@code eval_}; may be empty
     * @return metric key to value, step 1 first
     */
    public Map<String, Double> metrics(String prefix) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (Step s : steps) {
            String stepPrefix = s.step() == 1 ? prefix : prefix + "h" + s.step() + "_";
            s.metrics().forEach((k, v) -> map.put(stepPrefix + k, v));
        }
        map.put(prefix + "training_drift", reference.drift());
        map.put(prefix + "training_up_share", reference.trainingUpShare());
        return map;
    }
}
