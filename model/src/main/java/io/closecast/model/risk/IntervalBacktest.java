package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.intervals.IntervalMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one method's next-day intervals at one level held over the evaluated days:
 * <ul>
 *   <li>{@code coverage}: share of days inside (bounds included); {@code misses}: days outside.</li>
 *   <li>{@code intervalScore}: the mean Winkler score ({@link IntervalMetrics#winkler}), in price units; lower is
 *   better.</li>
 *   <li>{@code pinball}: the mean of the pinball (quantile) losses of the two bounds as quantiles
 *   {@code (1 -/+ level) / 2}, {@code (tau - 1[y < q]) (y - q)}, in price units. The interval score equals
 *   {@code 4 / (1 - level)} times it.</li>
 *   <li>{@code tests}: {@link CoverageTests} on the day-by-day miss sequence.</li>
 * </ul>
 *
 * @param method who made the intervals
 * @param level nominal coverage
 * @param coverage share of days, 0 to 1, inside the interval
 * @param intervalScore mean Winkler score, in price units
 * @param meanWidth mean {@code upper - lower}, in price units
 * @param pinball mean pinball loss of the two bounds, in price units
 * @param tests the Kupiec and Christoffersen tests
 * @param scores each day's Winkler score, for a Diebold-Mariano comparison
 * @param bounds the intervals scored
 */
public record IntervalBacktest(String method, double level, double coverage, double intervalScore, double meanWidth,
                               double pinball, CoverageTests.Result tests, double[] scores, DailyBounds bounds) {

    /**
     * Scores {@code bounds} against what happened.
     *
     * @param bounds one method's intervals at one level
     * @param actual the price of each evaluated day
     * @return the statistics
     * @throws ModelException when the days differ or fewer than 2 are given
     */
    public static IntervalBacktest of(DailyBounds bounds, double[] actual) {
        int n = actual.length;
        if (bounds.days() != n) {
            throw new ModelException(bounds.method() + " has " + bounds.days() + " intervals for " + n + " days");
        }
        double alpha = 1 - bounds.level();
        double tauLow = alpha / 2;
        double tauHigh = 1 - alpha / 2;
        boolean[] missed = new boolean[n];
        double[] scores = new double[n];
        double width = 0;
        double pinball = 0;
        int inside = 0;
        for (int i = 0; i < n; i++) {
            double lo = bounds.lower()[i];
            double hi = bounds.upper()[i];
            double y = actual[i];
            missed[i] = y < lo || y > hi;
            inside += missed[i] ? 0 : 1;
            scores[i] = IntervalMetrics.winkler(lo, hi, y, alpha);
            width += hi - lo;
            pinball += (pinball(y, lo, tauLow) + pinball(y, hi, tauHigh)) / 2;
        }
        double mean = 0;
        for (double s : scores) {
            mean += s / n;
        }
        return new IntervalBacktest(bounds.method(), bounds.level(), (double) inside / n, mean, width / n,
                pinball / n, CoverageTests.test(missed, bounds.level()), scores, bounds);
    }

    /**
     * The pinball loss of quantile forecast {@code q} at probability {@code tau} for outcome {@code y}.
     *
     * @param y the outcome
     * @param q the forecast quantile
     * @param tau its probability, in (0, 1)
     * @return {@code (tau - 1[y < q]) (y - q)}, at least 0
     */
    public static double pinball(double y, double q, double tau) {
        return (tau - (y < q ? 1 : 0)) * (y - q);
    }

    /**
     * {@code prefix + coverage_80}, {@code interval_score_80}, {@code interval_width_80}, {@code pinball_80},
     * {@code misses_80}, {@code kupiec_lr_80}, {@code kupiec_p_80}, {@code christoffersen_ind_p_80},
     * {@code christoffersen_cc_lr_80}, {@code christoffersen_cc_p_80} (for level 0.8).
     *
     * @param prefix put before every name, e.g. {@code garch_test_}
     * @return metric key to value
     */
    public Map<String, Double> toMap(String prefix) {
        String l = io.closecast.model.intervals.IntervalSpec.levelName(level);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "coverage_" + l, coverage);
        m.put(prefix + "interval_score_" + l, intervalScore);
        m.put(prefix + "interval_width_" + l, meanWidth);
        m.put(prefix + "pinball_" + l, pinball);
        m.put(prefix + "misses_" + l, (double) tests.misses());
        m.put(prefix + "kupiec_lr_" + l, tests.kupiecLr());
        m.put(prefix + "kupiec_p_" + l, tests.kupiecP());
        m.put(prefix + "christoffersen_ind_p_" + l, tests.independenceP());
        m.put(prefix + "christoffersen_cc_lr_" + l, tests.conditionalCoverageLr());
        m.put(prefix + "christoffersen_cc_p_" + l, tests.conditionalCoverageP());
        return m;
    }
}
