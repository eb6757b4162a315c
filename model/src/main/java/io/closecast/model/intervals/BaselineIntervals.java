package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.WindowSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The constant-width baseline the forecast intervals are compared with: the naive forecast (the last price)
 * times {@code exp} of the empirical {@code (1 - level) / 2} and {@code (1 + level) / 2} quantiles of the training
 * part's h-day log returns, per step. Same width (in log terms) in calm and turbulent weeks.
 *
 * @param levels nominal levels, ascending
 * @param lower  {@code lower[level][step]}: the lower log-return quantile
 * @param upper  {@code upper[level][step]}: the upper log-return quantile
 */
public record BaselineIntervals(List<Double> levels, double[][] lower, double[][] upper) {

    public BaselineIntervals {
        levels = List.copyOf(levels);
        if (lower.length != levels.size() || upper.length != levels.size()) {
            throw new ModelException("baseline intervals need one quantile row per level (" + levels.size() + "), found "
                    + lower.length + " lower and " + upper.length + " upper");
        }
    }

    /**
     * Fits on training windows: {@code targetPrices[i][h]} the prices h+1 days after window i's last price
     * {@code lastPrices[i]} (a {@link WindowSet}'s {@code targetPrices} and {@code lastPrices}).
     *
     * @param spec the levels to fit
     * @param targetPrices {@code [window][step]}: the prices 1 to H trading days after each window's last price
     * @param lastPrices each training window's last price
     * @return one lower and one upper log-return quantile per level and step
     * @throws ModelException when no window is given or the arrays differ in length
     */
    public static BaselineIntervals fit(IntervalSpec spec, double[][] targetPrices, double[] lastPrices) {
        if (targetPrices.length == 0 || targetPrices.length != lastPrices.length) {
            throw new ModelException("baseline intervals need at least one training window with its last price, found "
                    + targetPrices.length + " windows and " + lastPrices.length + " last prices");
        }
        int steps = targetPrices[0].length;
        int levels = spec.levels().size();
        double[][] lower = new double[levels][steps];
        double[][] upper = new double[levels][steps];
        double[] returns = new double[targetPrices.length];
        for (int h = 0; h < steps; h++) {
            for (int i = 0; i < targetPrices.length; i++) {
                returns[i] = Math.log(targetPrices[i][h] / lastPrices[i]);
            }
            Arrays.sort(returns);
            for (int l = 0; l < levels; l++) {
                double level = spec.levels().get(l);
                lower[l][h] = quantile(returns, (1 - level) / 2);
                upper[l][h] = quantile(returns, (1 + level) / 2);
            }
        }
        return new BaselineIntervals(spec.levels(), lower, upper);
    }

    /** Linear interpolation between order statistics (type 7, as NumPy's default) of sorted values. */
    static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /**
     * The baseline's intervals, one per level, for the {@code steps} days after {@code lastPrice}.
     *
     * @param lastPrice the last observed price, in price units
     * @param steps trading days after it, at most the fitted horizon
     * @return one interval per level, in {@link #levels()} order
     */
    public List<ForecastInterval> intervals(double lastPrice, int steps) {
        List<ForecastInterval> out = new ArrayList<>(levels.size());
        for (int l = 0; l < levels.size(); l++) {
            double[] lo = new double[steps];
            double[] hi = new double[steps];
            for (int h = 0; h < steps; h++) {
                lo[h] = lastPrice * Math.exp(lower[l][h]);
                hi[h] = lastPrice * Math.exp(upper[l][h]);
            }
            out.add(new ForecastInterval(levels.get(l), lo, hi));
        }
        return out;
    }
}
