package io.closecast.model.evaluation;

import io.closecast.model.GammaFunctions;

import io.closecast.model.ModelException;

/**
 * The Diebold-Mariano test of equal predictive accuracy with the Harvey-Leybourne-Newbold (1997) small-sample
 * correction, as R's {@code forecast::dm.test} computes it.
 *
 * <p>For errors {@code e1[t]} (the forecast under test) and {@code e2[t]} (the reference, e.g. naive) on the same
 * {@code n} days and a loss {@code L}, the loss differential is {@code d[t] = L(e1[t]) - L(e2[t])}. With
 * {@code dbar} its mean and {@code g(k) = (1/n) sum_{t>k} (d[t] - dbar)(d[t-k] - dbar)} its autocovariances,
 * the long-run variance of {@code dbar} for {@code h}-step forecasts is {@code V = (g(0) + 2 sum_{k=1}^{h-1} g(k)) / n}
 * and {@code DM = dbar / sqrt(V)}. The corrected statistic is
 * {@code DM* = DM * sqrt((n + 1 - 2h + h(h-1)/n) / n)}, compared with Student's t with {@code n - 1} degrees of
 * freedom. When {@code V <= 0} with {@code h > 1} the test falls back to {@code h = 1} (as {@code dm.test} does)
 * and says so in {@link Result#horizon()}.
 *
 * <p>A negative statistic means the forecast under test has the lower loss. {@link Result#pBetter()} is the
 * one-sided p-value of "e1 is more accurate than e2", {@link Result#pWorse()} of "e1 is less accurate".
 */
public final class DieboldMariano {

    /** The loss applied to each error. */
    public enum Loss {
        ABSOLUTE, SQUARED;

        double of(double error) {
            return this == ABSOLUTE ? Math.abs(error) : error * error;
        }

        /**
         * Lower-case name for metric keys: {@code abs}, {@code sq}.
         *
         * @return {@code abs} or {@code sq}
         */
        public String key() {
            return this == ABSOLUTE ? "abs" : "sq";
        }
    }

    /**
     * The test's outcome.
     *
     * @param statistic the HLN-corrected statistic DM*; 0 when the two forecasts' losses are identical every day
     * @param horizon   the horizon used for the variance (the requested one, or 1 after the fallback)
     * @param n         days compared
     */
    public record Result(double statistic, int horizon, int n) {
        /**
         * Two-sided p-value: the two forecasts are equally accurate.
         *
         * @return the probability, 0 to 1, of a statistic at least this far from 0 under equal accuracy
         */
        public double pTwoSided() {
            return 2 * Math.min(studentTCdf(statistic, n - 1), 1 - studentTCdf(statistic, n - 1));
        }

        /**
         * One-sided p-value of "the forecast under test has the lower expected loss".
         *
         * @return a probability, 0 to 1; small values say the forecast under test is more accurate
         */
        public double pBetter() {
            return studentTCdf(statistic, n - 1);
        }

        /**
         * One-sided p-value of "the forecast under test has the higher expected loss".
         *
         * @return a probability, 0 to 1; small values say the forecast under test is less accurate
         */
        public double pWorse() {
            return 1 - studentTCdf(statistic, n - 1);
        }
    }

    private DieboldMariano() {
    }

    /**
     * Tests {@code e1} (forecast under test) against {@code e2} (reference) for {@code horizon}-step forecasts.
     *
     * @param e1 errors (forecast - actual) of the forecast under test, one per day in date order
     * @param e2 errors of the reference on the same days
     * @param horizon steps ahead of the forecasts (at least 1), which sets the autocovariance lags
     * @param loss the loss applied to each error
     * @return the statistic, the horizon used and the days compared
     * @throws ModelException when the error arrays differ in length or are fewer than {@code horizon + 2}
     */
    public static Result test(double[] e1, double[] e2, int horizon, Loss loss) {
        if (e1.length != e2.length) {
            throw new ModelException("Diebold-Mariano needs errors on the same days, found " + e1.length + " and "
                    + e2.length);
        }
        int n = e1.length;
        if (horizon < 1) {
            throw new ModelException("Diebold-Mariano horizon must be >= 1, found " + horizon);
        }
        if (n < horizon + 2) {
            throw new ModelException("Diebold-Mariano needs at least horizon + 2 = " + (horizon + 2)
                    + " days, found " + n);
        }
        double[] d = new double[n];
        double mean = 0;
        for (int t = 0; t < n; t++) {
            d[t] = loss.of(e1[t]) - loss.of(e2[t]);
            mean += d[t];
        }
        mean /= n;
        boolean identical = true;
        for (double v : d) {
            identical &= v == 0;
        }
        if (identical) {
            return new Result(0, horizon, n);
        }
        int h = horizon;
        double variance = longRunVariance(d, mean, h);
        if (!(variance > 0) && h > 1) {
            h = 1;
            variance = longRunVariance(d, mean, 1);
        }
        if (!(variance > 0)) {
            // Every loss differential equals its mean (and the mean is not 0): one forecast is better every day
            // by the same amount, an infinitely significant difference.
            return new Result(mean < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, h, n);
        }
        double dm = mean / Math.sqrt(variance);
        double correction = Math.sqrt((n + 1 - 2.0 * h + h * (h - 1.0) / n) / n);
        return new Result(dm * correction, h, n);
    }

    private static double longRunVariance(double[] d, double mean, int h) {
        int n = d.length;
        double sum = autocovariance(d, mean, 0);
        for (int k = 1; k < h; k++) {
            sum += 2 * autocovariance(d, mean, k);
        }
        return sum / n;
    }

    private static double autocovariance(double[] d, double mean, int lag) {
        double sum = 0;
        for (int t = lag; t < d.length; t++) {
            sum += (d[t] - mean) * (d[t - lag] - mean);
        }
        return sum / d.length;
    }

    /**
     * {@code P(T <= t)} for Student's t with {@code df} degrees of freedom, through the regularized incomplete beta
     * function.
     */
    static double studentTCdf(double t, double df) {
        if (df < 1) {
            throw new ModelException("Student's t needs df >= 1, found " + df);
        }
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (t == Double.POSITIVE_INFINITY) {
            return 1;
        }
        if (t == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        double x = df / (df + t * t);
        double tail = 0.5 * GammaFunctions.regularizedBeta(x, df / 2, 0.5);
        return t > 0 ? 1 - tail : tail;
    }
}
