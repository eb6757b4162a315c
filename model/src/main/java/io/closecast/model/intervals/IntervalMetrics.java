package io.closecast.model.intervals;

import io.closecast.model.ModelException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well intervals at one level held, over every (window, horizon step) pair:
 * <ul>
 *   <li>{@code coverage}: share of actual prices inside their interval (bounds included); nominal is {@code level}.</li>
 *   <li>{@code intervalScore}: the mean Winkler score, {@code (u - l) + (2 / alpha) (l - y)} when the actual y is
 *   below, {@code + (2 / alpha) (y - u)} when above, with {@code alpha = 1 - level}; in price units, lower is
 *   better: it rewards narrow intervals and penalises misses in proportion to how far they miss.</li>
 *   <li>{@code meanWidth}: the mean of {@code u - l}, in price units.</li>
 * </ul>
 *
 * @param level nominal coverage, strictly between 0 and 1
 * @param coverage share, 0 to 1, of actual prices inside their interval
 * @param intervalScore mean Winkler score, in price units (lower is better)
 * @param meanWidth mean {@code upper - lower}, in price units
 * @param count intervals scored (windows times steps)
 */
public record IntervalMetrics(double level, double coverage, double intervalScore, double meanWidth, int count) {

    /**
     * Scores intervals against what happened: {@code intervals.get(i)} are window i's intervals (one per level, as
     * {@link IntervalCalibration#intervals} returns them), {@code actual[i][h]} its actual prices. One result per
     * level, in the order of window 0's intervals.
     *
     * @param intervals each window's intervals, one per level, the levels in the same order for every window
     * @param actual the prices that happened {@code [window][step]}
     * @return one result per level
     * @throws ModelException when there is not one interval set per window
     */
    public static List<IntervalMetrics> of(List<List<ForecastInterval>> intervals, double[][] actual) {
        if (intervals.size() != actual.length) {
            throw new ModelException("interval metrics need one interval set per actual, found " + intervals.size()
                    + " interval sets and " + actual.length + " actuals");
        }
        if (actual.length == 0) {
            throw new ModelException("interval metrics need at least one forecast, found none");
        }
        int levels = intervals.getFirst().size();
        List<IntervalMetrics> out = new ArrayList<>(levels);
        for (int l = 0; l < levels; l++) {
            double level = intervals.getFirst().get(l).level();
            double alpha = 1 - level;
            double score = 0;
            double width = 0;
            int inside = 0;
            int n = 0;
            for (int i = 0; i < actual.length; i++) {
                ForecastInterval interval = intervals.get(i).get(l);
                if (interval.level() != level || interval.steps() != actual[i].length) {
                    throw new ModelException("window " + i + " has a level " + interval.level() + " interval over "
                            + interval.steps() + " steps, expected level " + level + " over " + actual[i].length);
                }
                for (int h = 0; h < actual[i].length; h++) {
                    double lo = interval.lower(h);
                    double hi = interval.upper(h);
                    double y = actual[i][h];
                    score += winkler(lo, hi, y, alpha);
                    width += hi - lo;
                    if (interval.covers(h, y)) {
                        inside++;
                    }
                    n++;
                }
            }
            out.add(new IntervalMetrics(level, (double) inside / n, score / n, width / n, n));
        }
        return List.copyOf(out);
    }

    /**
     * The Winkler (interval) score of one interval {@code [lower, upper]} at miss rate {@code alpha} for actual {@code
     * y}.
     *
     * @param lower the interval's lower bound
     * @param upper its upper bound
     * @param y the actual value
     * @param alpha the miss rate, {@code 1 - level}
     * @return the width plus {@code 2 / alpha} times the distance by which {@code y} falls outside
     */
    public static double winkler(double lower, double upper, double y, double alpha) {
        double s = upper - lower;
        if (y < lower) {
            s += 2 / alpha * (lower - y);
        } else if (y > upper) {
            s += 2 / alpha * (y - upper);
        }
        return s;
    }

    /**
     * {@code prefix + coverage_80}, {@code prefix + interval_score_80}, {@code prefix + interval_width_80} (for level
     * 0.8); names as logged to MLflow, e.g. {@code test_coverage_80} with prefix {@code test_}.
     *
     * @param prefix put before every name; may be empty
     * @return metric key to value
     */
    public Map<String, Double> toMap(String prefix) {
        String name = IntervalSpec.levelName(level);
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(prefix + "coverage_" + name, coverage);
        map.put(prefix + "interval_score_" + name, intervalScore);
        map.put(prefix + "interval_width_" + name, meanWidth);
        return map;
    }

    /**
     * Every level's {@link #toMap}, in order.
     *
     * @param metrics one result per level
     * @param prefix put before every name; may be empty
     * @return every level's metric keys to values
     */
    public static Map<String, Double> toMap(List<IntervalMetrics> metrics, String prefix) {
        Map<String, Double> map = new LinkedHashMap<>();
        metrics.forEach(m -> map.putAll(m.toMap(prefix)));
        return map;
    }
}
