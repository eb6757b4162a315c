package io.closecast.model.intervals;

import io.closecast.model.ModelException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which forecast intervals a model carries: the nominal coverage levels (each in (0, 1), distinct, kept in
 * ascending order) and the decay of the volatility estimate that scales them (an EWMA of absolute daily log
 * returns of the input window, weights {@code lambda^age}).
 *
 * @param levels     nominal coverage levels, e.g. 0.8 and 0.95
 * @param ewmaLambda decay of the volatility estimate, in (0, 1): 0.94 weighs the last ~16 days most
 */
public record IntervalSpec(List<Double> levels, double ewmaLambda) {
    public static final List<Double> DEFAULT_LEVELS = List.of(0.8, 0.95);
    public static final double DEFAULT_EWMA_LAMBDA = 0.94;

    public IntervalSpec {
        if (levels.isEmpty()) {
            throw new ModelException("intervals.levels must list at least one level in (0, 1), found []");
        }
        Set<Double> seen = new HashSet<>();
        for (double level : levels) {
            if (!(level > 0 && level < 1)) {
                throw new ModelException("intervals.levels must be in (0, 1) (a coverage such as 0.8), found " + level);
            }
            if (!seen.add(level)) {
                throw new ModelException("intervals.levels must not repeat a level, found " + level + " twice in " + levels);
            }
        }
        List<Double> sorted = new ArrayList<>(levels);
        sorted.sort(null);
        levels = List.copyOf(sorted);
        if (!(ewmaLambda > 0 && ewmaLambda < 1)) {
            throw new ModelException("intervals.ewma-lambda must be in (0, 1), found " + ewmaLambda);
        }
    }

    /**
     * 80 % and 95 %, lambda 0.94.
     *
     * @return the default spec
     */
    public static IntervalSpec defaults() {
        return new IntervalSpec(DEFAULT_LEVELS, DEFAULT_EWMA_LAMBDA);
    }

    /**
     * A level as it appears in metric names: 0.8 -> {@code 80}, 0.975 -> {@code 97_5}.
     *
     * @param level a coverage level between 0 and 1
     * @return the level in percent, the decimal point as {@code _}
     */
    public static String levelName(double level) {
        return new BigDecimal(Double.toString(level)).movePointRight(2).stripTrailingZeros().toPlainString().replace('.', '_');
    }
}
