package io.closecast.model.prices.checks;

import io.closecast.model.ModelException;

/**
 * Thresholds for {@link PriceChecks}. The defaults suit daily equities: a gap of up to 5 calendar days
 * (a weekend plus a holiday, or a one-day closure next to one) is normal, a run of 5 identical closes is
 * stale data, a close-to-close move beyond 25% is worth a look.
 *
 * @param maxGapDays     longest normal distance in calendar days between two consecutive rows (>= 1)
 * @param maxMove        largest normal close-to-close move as a fraction, e.g. 0.25 for 25% (> 0)
 * @param minRepeatedRun shortest run of identical closes that is reported (>= 2)
 */
public record CheckConfig(int maxGapDays, double maxMove, int minRepeatedRun) {

    public static final int DEFAULT_MAX_GAP_DAYS = 5;
    public static final double DEFAULT_MAX_MOVE = 0.25;
    public static final int DEFAULT_MIN_REPEATED_RUN = 5;

    public CheckConfig {
        if (maxGapDays < 1) {
            throw new ModelException("checks.max-gap-days must be >= 1, found " + maxGapDays);
        }
        if (!(maxMove > 0) || Double.isInfinite(maxMove)) {
            throw new ModelException("checks.max-move must be a fraction > 0 (e.g. 0.25), found " + maxMove);
        }
        if (minRepeatedRun < 2) {
            throw new ModelException("checks.min-repeated-run must be >= 2, found " + minRepeatedRun);
        }
    }

    /**
     * The defaults for daily equities.
     *
     * @return gap 5 days, move 25%, repeated run 5
     */
    public static CheckConfig defaults() {
        return new CheckConfig(DEFAULT_MAX_GAP_DAYS, DEFAULT_MAX_MOVE, DEFAULT_MIN_REPEATED_RUN);
    }

    /**
     * This config with another gap threshold.
     *
     * @param days longest normal gap in calendar days, >= 1
     * @return a copy with only that changed
     */
    public CheckConfig withMaxGapDays(int days) {
        return new CheckConfig(days, maxMove, minRepeatedRun);
    }

    /**
     * This config with another move threshold.
     *
     * @param move largest normal close-to-close move as a fraction, > 0 (0.25 for 25%)
     * @return a copy with only that changed
     */
    public CheckConfig withMaxMove(double move) {
        return new CheckConfig(maxGapDays, move, minRepeatedRun);
    }

    /**
     * This config with another repeated-run threshold.
     *
     * @param run shortest run of identical closes reported, >= 2
     * @return a copy with only that changed
     */
    public CheckConfig withMinRepeatedRun(int run) {
        return new CheckConfig(maxGapDays, maxMove, run);
    }
}
