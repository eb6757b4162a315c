package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.intervals.ForecastInterval;

import java.util.ArrayList;
import java.util.List;

/**
 * One method's next-day intervals at one level over the evaluated days: {@code [lower[i], upper[i]]} for the price of
 * day {@code i}, made the day before.
 *
 * @param method who made them: {@code model}, {@code garch}, {@code ewma}, {@code baseline}
 * @param level nominal coverage in (0, 1)
 * @param lower lower bounds, one per day
 * @param upper upper bounds, one per day
 */
public record DailyBounds(String method, double level, double[] lower, double[] upper) {

    public DailyBounds {
        if (!(level > 0 && level < 1)) {
            throw new ModelException("interval level must be in (0, 1), found " + level + " (" + method + ")");
        }
        if (lower.length != upper.length) {
            throw new ModelException(method + " intervals need as many lower as upper bounds, found " + lower.length
                    + " and " + upper.length);
        }
    }

    /**
     * Bounds {@code last[i] exp(center + scale[i] q)} for a log return of location {@code center} and scale
     * {@code scale[i]}, {@code q} the given lower and upper standardized quantiles.
     *
     * @param method who made them
     * @param level nominal coverage
     * @param last the price the day before each evaluated day
     * @param center the location of the log return
     * @param scale the standard deviation of each day's log return
     * @param quantiles the standardized {@code {q_lo, q_hi}} of the level
     * @return the bounds
     */
    public static DailyBounds around(String method, double level, double[] last, double center, double[] scale,
                                     double[] quantiles) {
        double[] lo = new double[last.length];
        double[] hi = new double[last.length];
        for (int i = 0; i < last.length; i++) {
            lo[i] = last[i] * Math.exp(center + scale[i] * quantiles[0]);
            hi[i] = last[i] * Math.exp(center + scale[i] * quantiles[1]);
        }
        return new DailyBounds(method, level, lo, hi);
    }

    /**
     * The first horizon step of each day's intervals, one {@code DailyBounds} per level.
     *
     * @param method who made them
     * @param perDay each evaluated day's intervals, one per level, the levels in the same order every day
     * @return one entry per level, in the first day's order
     * @throws ModelException when there is no day or a day's levels differ from the first day's
     */
    public static List<DailyBounds> firstStep(String method, List<List<ForecastInterval>> perDay) {
        if (perDay.isEmpty()) {
            throw new ModelException(method + " intervals need at least one day, found none");
        }
        List<DailyBounds> out = new ArrayList<>();
        List<ForecastInterval> first = perDay.getFirst();
        for (int l = 0; l < first.size(); l++) {
            double[] lo = new double[perDay.size()];
            double[] hi = new double[perDay.size()];
            for (int i = 0; i < lo.length; i++) {
                ForecastInterval interval = perDay.get(i).get(l);
                if (interval.level() != first.get(l).level()) {
                    throw new ModelException(method + " day " + i + " has a level " + interval.level()
                            + " interval where the first day has " + first.get(l).level());
                }
                lo[i] = interval.lower(0);
                hi[i] = interval.upper(0);
            }
            out.add(new DailyBounds(method, first.get(l).level(), lo, hi));
        }
        return out;
    }

    /**
     * Days covered.
     *
     * @return the number of intervals
     */
    public int days() {
        return lower.length;
    }
}
