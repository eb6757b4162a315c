package io.closecast.model.intervals;

import io.closecast.model.ModelException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adaptive conformal inference (Gibbs &amp; Cand&egrave;s 2021, "Adaptive conformal inference under distribution
 * shift"): per nominal level, a running miss rate {@code alpha_t} that the served interval is made for, updated from
 * each realised outcome by {@code alpha_{t+1} = alpha_t + gamma (alpha - miss_t)}, {@code alpha = 1 - level} the
 * nominal miss rate and {@code miss_t} 1 when the outcome fell outside the interval served at {@code alpha_t}. A run
 * of misses lowers {@code alpha_t} (wider intervals), a run of hits raises it, so the long-run miss rate tends to
 * {@code alpha} even when the scores stop being exchangeable (a volatility break).
 *
 * <p><b>Bounds.</b> {@code alpha_t} is kept in {@code [alpha / 100, min(3 alpha, (1 + alpha) / 2)]}
 * ({@link #minAlpha}, {@link #maxAlpha}): never 0 (an infinite interval) nor 1 (an empty one); the miss rate aimed
 * at is at most a hundred times below the nominal one (by the rule below a 95 % interval grows at most 2.54 times in
 * log width, an 80 % one 3.86 times) and at most three times above it, so the state is bounded and one bad month cannot blow the interval up
 * without limit. Clipping is applied after every update.
 *
 * <p><b>From {@code alpha_t} to an interval.</b> A model's calibration holds the conformal quantile of its scores
 * only at the nominal levels (e.g. 0.8 and 0.95), and every interval of one forecast step is that quantile times the
 * same scale, so a step's half-widths in log space, {@code ln(upper / center)} and {@code ln(center / lower)},
 * trace the score's quantile function at those levels. The interval at miss rate {@code a} is read from that curve
 * ({@link #halfWidth}): piecewise linear in {@code ln(1 / a)} through the origin ({@code a = 1}, width 0) and the
 * known levels, and beyond the highest level (or below the lowest) the ray from the origin through the nearest known
 * level, i.e. an exponential (Laplace) tail through it. At the nominal miss rate the interval is exactly the
 * calibrated one, so ACI at its starting point changes nothing. Interpolated levels are not calibrated.
 *
 * <p>Immutable: {@link #update} returns the next state.
 *
 * @param gamma   the step size, in (0, {@value #MAX_GAMMA}]; Gibbs &amp; Cand&egrave;s use 0.005
 * @param levels  the nominal levels, ascending, each in (0, 1), distinct (may be none yet)
 * @param alphas  the running miss rate of each level, within its bounds
 * @param updates how many outcomes updated this state
 */
public record AdaptiveConformal(double gamma, List<Double> levels, List<Double> alphas, long updates) {
    /** The largest step size accepted: beyond it one miss moves alpha_t by more than half the nominal rate of 0.95. */
    public static final double MAX_GAMMA = 0.5;

    public AdaptiveConformal {
        requireGamma(gamma);
        if (!levels.isEmpty()) {
            IntervalSpec spec = new IntervalSpec(levels, IntervalSpec.DEFAULT_EWMA_LAMBDA);
            if (!spec.levels().equals(levels)) {
                throw new ModelException("adaptive interval levels must be ascending, found " + levels);
            }
        }
        levels = List.copyOf(levels);
        alphas = List.copyOf(alphas);
        if (alphas.size() != levels.size()) {
            throw new ModelException("adaptive intervals need one alpha per level (" + levels.size() + "), found "
                    + alphas.size());
        }
        for (int l = 0; l < levels.size(); l++) {
            double a = alphas.get(l);
            double level = levels.get(l);
            if (!(a >= minAlpha(level) - 1e-15 && a <= maxAlpha(level) + 1e-15)) {
                throw new ModelException("alpha of level " + level + " must be in [" + minAlpha(level) + ", "
                        + maxAlpha(level) + "], found " + a);
            }
        }
        if (updates < 0) {
            throw new ModelException("updates must be >= 0, found " + updates);
        }
    }

    /**
     * The state before any outcome: every level at its nominal miss rate.
     *
     * @param gamma the step size, in (0, {@value #MAX_GAMMA}]
     * @param levels the nominal levels, each in (0, 1), distinct; none: levels are added by {@link #withLevel}
     * @return the starting state
     */
    public static AdaptiveConformal start(double gamma, List<Double> levels) {
        List<Double> sorted = levels.isEmpty() ? List.of()
                : new IntervalSpec(levels, IntervalSpec.DEFAULT_EWMA_LAMBDA).levels();
        return new AdaptiveConformal(gamma, sorted, sorted.stream().map(l -> 1 - l).toList(), 0);
    }

    /**
     * Checks a step size.
     *
     * @param gamma the step size
     * @throws ModelException when it is not in (0, {@value #MAX_GAMMA}]
     */
    public static void requireGamma(double gamma) {
        if (!(gamma > 0 && gamma <= MAX_GAMMA)) {
            throw new ModelException("intervals.adaptive.gamma must be in (0, " + MAX_GAMMA + "] (e.g. 0.005), found "
                    + gamma);
        }
    }

    /** @return the smallest {@code alpha_t} of a level: a hundredth of its nominal miss rate */
    public static double minAlpha(double level) {
        return (1 - level) / 100;
    }

    /** @return the largest {@code alpha_t} of a level: three times its nominal miss rate, at most {@code (1 + alpha) / 2} */
    public static double maxAlpha(double level) {
        double alpha = 1 - level;
        return Math.min(3 * alpha, (1 + alpha) / 2);
    }

    /**
     * The running miss rate of one level.
     *
     * @param level one of {@link #levels()}
     * @return its {@code alpha_t}
     * @throws ModelException when the level is not tracked
     */
    public double alpha(double level) {
        return alphas.get(index(level));
    }

    /**
     * The level of the interval this state serves for {@code level}: {@code 1 - alpha_t}.
     *
     * @param level one of {@link #levels()}
     * @return the effective level
     */
    public double effectiveLevel(double level) {
        return 1 - alpha(level);
    }

    private int index(double level) {
        int l = levels.indexOf(level);
        if (l < 0) {
            throw new ModelException("adaptive intervals track the levels " + levels + ", found " + level);
        }
        return l;
    }

    /**
     * One realised outcome: {@code alpha_t + gamma (alpha - miss)} per level, clipped to the level's bounds.
     *
     * @param missed per level (in {@link #levels()} order) whether the outcome fell outside the interval served
     * @return the next state
     * @throws ModelException when there is not one flag per level
     */
    public AdaptiveConformal update(boolean[] missed) {
        if (missed.length != levels.size()) {
            throw new ModelException("an adaptive update needs one miss flag per level (" + levels.size() + "), found "
                    + missed.length);
        }
        List<Double> next = new ArrayList<>(alphas.size());
        for (int l = 0; l < levels.size(); l++) {
            double level = levels.get(l);
            double a = alphas.get(l) + gamma * ((1 - level) - (missed[l] ? 1 : 0));
            next.add(Math.max(minAlpha(level), Math.min(maxAlpha(level), a)));
        }
        return new AdaptiveConformal(gamma, levels, next, updates + 1);
    }

    /**
     * One realised outcome for some of the levels (e.g. a report that carried only the 80 % interval): the levels in
     * {@code missed} that this state tracks are updated as {@link #update(boolean[])} does, the others keep their
     * miss rate; others in {@code missed} are ignored. Counts as one update.
     *
     * @param missed level to whether the outcome fell outside that level's served interval
     * @return the next state
     */
    public AdaptiveConformal update(java.util.Map<Double, Boolean> missed) {
        List<Double> next = new ArrayList<>(alphas.size());
        for (int l = 0; l < levels.size(); l++) {
            double level = levels.get(l);
            Boolean miss = missed.get(level);
            double a = miss == null ? alphas.get(l) : alphas.get(l) + gamma * ((1 - level) - (miss ? 1 : 0));
            next.add(Math.max(minAlpha(level), Math.min(maxAlpha(level), a)));
        }
        return new AdaptiveConformal(gamma, levels, next, updates + 1);
    }

    /**
     * The same state with another step size (a restart with a changed config keeps the miss rates).
     *
     * @param next the step size, in (0, {@value #MAX_GAMMA}]
     * @return the state stepping by {@code next}
     */
    public AdaptiveConformal withGamma(double next) {
        return new AdaptiveConformal(next, levels, alphas, updates);
    }

    /**
     * The same state with {@code level} added at its nominal miss rate (unchanged when it is tracked already).
     *
     * @param level a nominal level in (0, 1)
     * @return the state tracking it
     */
    public AdaptiveConformal withLevel(double level) {
        if (levels.contains(level)) {
            return this;
        }
        List<Double> ls = new ArrayList<>(levels);
        ls.add(level);
        ls.sort(null);
        List<Double> as = new ArrayList<>(ls.size());
        for (double l : ls) {
            as.add(levels.contains(l) ? alpha(l) : 1 - l);
        }
        return new AdaptiveConformal(gamma, ls, as, updates);
    }

    /**
     * The intervals of one forecast made for this state's miss rates: each step's bounds re-read from the curve its
     * calibrated bounds trace ({@link #halfWidth}), around {@code center[h]}. Intervals of levels this state does
     * not track are returned as they are.
     *
     * @param center the forecast each step's interval is centred on in log space (the point forecast), each &gt; 0
     * @param intervals the calibrated intervals, one per level
     * @return one interval per level, in the given order
     */
    public List<ForecastInterval> adjust(double[] center, List<ForecastInterval> intervals) {
        int n = intervals.size();
        double[] missRates = new double[n];
        for (int i = 0; i < n; i++) {
            missRates[i] = 1 - intervals.get(i).level();
        }
        double[][] lower = new double[n][center.length];
        double[][] upper = new double[n][center.length];
        double[] below = new double[n];
        double[] above = new double[n];
        for (int h = 0; h < center.length; h++) {
            for (int i = 0; i < n; i++) {
                below[i] = Math.log(center[h] / intervals.get(i).lower(h));
                above[i] = Math.log(intervals.get(i).upper(h) / center[h]);
            }
            for (int i = 0; i < n; i++) {
                double level = intervals.get(i).level();
                if (levels.contains(level)) {
                    double a = alpha(level);
                    lower[i][h] = center[h] * Math.exp(-halfWidth(missRates, below, a));
                    upper[i][h] = center[h] * Math.exp(halfWidth(missRates, above, a));
                } else {
                    lower[i][h] = intervals.get(i).lower(h);
                    upper[i][h] = intervals.get(i).upper(h);
                }
            }
        }
        List<ForecastInterval> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ForecastInterval(intervals.get(i).level(), lower[i], upper[i]));
        }
        return out;
    }

    /**
     * The half-width at miss rate {@code alpha} of the curve through the origin and the points
     * {@code (ln(1 / missRates[i]), halves[i])}: linear in {@code ln(1 / a)} between neighbours, the ray from the
     * origin through the nearest point outside them. Negative half-widths count as 0, and the curve is made
     * non-decreasing in {@code ln(1 / a)} (a higher level is never narrower).
     *
     * @param missRates the nominal miss rates of the known points, each in (0, 1), any order, distinct
     * @param halves the half-width at each (in log price units)
     * @param alpha the miss rate to read, in (0, 1)
     * @return the half-width, at least 0
     * @throws ModelException when no point is given or the arrays differ in length
     */
    public static double halfWidth(double[] missRates, double[] halves, double alpha) {
        if (missRates.length == 0 || missRates.length != halves.length) {
            throw new ModelException("the quantile curve needs at least one level and one half-width per level, found "
                    + missRates.length + " levels and " + halves.length + " half-widths");
        }
        int n = missRates.length;
        double[][] points = new double[n][];
        for (int i = 0; i < n; i++) {
            points[i] = new double[] {Math.log(1 / missRates[i]), Math.max(0, halves[i])};
        }
        Arrays.sort(points, (p, q) -> Double.compare(p[0], q[0]));
        for (int i = 1; i < n; i++) {
            points[i][1] = Math.max(points[i][1], points[i - 1][1]);
        }
        double u = Math.log(1 / alpha);
        if (u <= points[0][0]) {
            return points[0][1] * u / points[0][0];
        }
        for (int i = 1; i < n; i++) {
            if (u <= points[i][0]) {
                double w = (u - points[i - 1][0]) / (points[i][0] - points[i - 1][0]);
                return points[i - 1][1] + w * (points[i][1] - points[i - 1][1]);
            }
        }
        return points[n - 1][1] * u / points[n - 1][0];
    }
}
