package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.model.intervals.ForecastInterval;

import java.util.ArrayList;
import java.util.List;

/**
 * Adaptive conformal inference ({@link AdaptiveConformal}) replayed over evaluated days: each day's next-day
 * intervals of one method are re-read for the running miss rates of that morning, the day's close decides the misses,
 * and the miss rates are updated before the next day, as a service with {@code intervals.adaptive} would have done
 * had it served those days in order. Each day's interval is centred (in log space) on the geometric midpoint of its
 * calibrated bounds, which is the point forecast for the split-conformal intervals (symmetric in log price).
 */
public final class AdaptiveReplay {

    /** The method name of a model's intervals with ACI: its metrics are {@code aci_eval_coverage_80}, ... */
    public static final String METHOD = "aci";

    /**
     * The replayed intervals and the state after the last day.
     *
     * @param bounds the intervals served with ACI, one entry per level, method {@value #METHOD}
     * @param last   the ACI state after the last evaluated day
     * @param alphas each day's miss rate per level before its update ({@code alphas[level][day]})
     */
    public record Result(List<DailyBounds> bounds, AdaptiveConformal last, double[][] alphas) {
        public Result {
            bounds = List.copyOf(bounds);
        }
    }

    private AdaptiveReplay() {
    }

    /**
     * Replays ACI over one method's intervals.
     *
     * @param gamma the step size, in (0, {@value AdaptiveConformal#MAX_GAMMA}]
     * @param calibrated one method's next-day intervals, one entry per level, the same days
     * @param actual the close of each day
     * @return the intervals with ACI (method {@value #METHOD}), the final state and the path of the miss rates
     * @throws ModelException when the levels' days differ from the actuals or no level is given
     */
    public static Result replay(double gamma, List<DailyBounds> calibrated, double[] actual) {
        if (calibrated.isEmpty()) {
            throw new ModelException("an adaptive replay needs at least one level's intervals, found none");
        }
        int n = actual.length;
        for (DailyBounds b : calibrated) {
            if (b.days() != n) {
                throw new ModelException(b.method() + " has " + b.days() + " intervals at level " + b.level() + " for "
                        + n + " days");
            }
        }
        AdaptiveConformal state = AdaptiveConformal.start(gamma, calibrated.stream().map(DailyBounds::level).toList());
        int levels = calibrated.size();
        double[][] lo = new double[levels][n];
        double[][] hi = new double[levels][n];
        double[][] path = new double[levels][n];
        for (int t = 0; t < n; t++) {
            List<ForecastInterval> day = new ArrayList<>(levels);
            double logCenter = 0;
            for (DailyBounds b : calibrated) {
                day.add(new ForecastInterval(b.level(), new double[] {b.lower()[t]}, new double[] {b.upper()[t]}));
                logCenter += 0.5 * (Math.log(b.lower()[t]) + Math.log(b.upper()[t])) / levels;
            }
            List<ForecastInterval> served = state.adjust(new double[] {Math.exp(logCenter)}, day);
            boolean[] missed = new boolean[state.levels().size()];
            for (int l = 0; l < levels; l++) {
                ForecastInterval s = served.get(l);
                lo[l][t] = s.lower(0);
                hi[l][t] = s.upper(0);
                path[l][t] = state.alpha(s.level());
                missed[state.levels().indexOf(s.level())] = !s.covers(0, actual[t]);
            }
            state = state.update(missed);
        }
        List<DailyBounds> out = new ArrayList<>(levels);
        for (int l = 0; l < levels; l++) {
            out.add(new DailyBounds(METHOD, calibrated.get(l).level(), lo[l], hi[l]));
        }
        return new Result(out, state, path);
    }
}
