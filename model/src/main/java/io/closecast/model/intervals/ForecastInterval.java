package io.closecast.model.intervals;

import io.closecast.model.ModelException;

import java.util.Arrays;

/**
 * A forecast interval at one nominal coverage level: {@code lower[h] <= price at step h+1 <= upper[h]} with
 * probability {@code level}, per horizon step. The arrays are copied in and out.
 *
 * @param level nominal coverage, strictly between 0 and 1 (e.g. 0.8)
 * @param lower the lower bound of each step, in price units
 * @param upper the upper bound of each step, as long as {@code lower}
 */
public record ForecastInterval(double level, double[] lower, double[] upper) {
    public ForecastInterval {
        if (!(level > 0 && level < 1)) {
            throw new ModelException("interval level must be in (0, 1), found " + level);
        }
        if (lower.length != upper.length) {
            throw new ModelException("interval bounds must have one value per step, found " + lower.length
                    + " lower and " + upper.length + " upper");
        }
        lower = lower.clone();
        upper = upper.clone();
    }

    @Override
    public double[] lower() {
        return lower.clone();
    }

    @Override
    public double[] upper() {
        return upper.clone();
    }

    /**
     * The lower bound of one step.
     *
     * @param step the horizon step, 0-based
     * @return the bound, in price units
     */
    public double lower(int step) {
        return lower[step];
    }

    /**
     * The upper bound of one step.
     *
     * @param step the horizon step, 0-based
     * @return the bound, in price units
     */
    public double upper(int step) {
        return upper[step];
    }

    /**
     * Horizon steps this interval covers.
     *
     * @return the length of {@link #lower()} and {@link #upper()}
     */
    public int steps() {
        return lower.length;
    }

    /**
     * Whether {@code actual} falls inside the interval of step {@code step} (bounds included).
     *
     * @param step the horizon step, 0-based
     * @param actual the price that happened
     * @return true when {@code lower(step) <= actual <= upper(step)}
     */
    public boolean covers(int step, double actual) {
        return actual >= lower[step] && actual <= upper[step];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForecastInterval other && level == other.level && Arrays.equals(lower, other.lower)
                && Arrays.equals(upper, other.upper);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(level) + Arrays.hashCode(lower)) + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "ForecastInterval[level=" + level + ", lower=" + Arrays.toString(lower) + ", upper=" + Arrays.toString(upper) + "]";
    }
}
