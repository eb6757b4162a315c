package io.closecast.model.dataset;

/** An input column of the model. The first feature is always {@link #TARGET}. */
public enum Feature {
    /** The target as the transform sees it: the price (LEVEL) or its log return (LOG_RETURN). */
    TARGET,
    /** {@code ln(1 + volume)}. */
    LOG_VOLUME,
    /** {@code (High - Low) / Close}: the day's range relative to its close. */
    HIGH_LOW_RANGE,
    /**
     * The Garman-Klass volatility of the day, {@code sqrt(0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2)}: the square root
     * of Garman and Klass's (1980) variance estimator from Open, High, Low and Close, in log-return units (0 on a
     * flat bar). A bar whose Open is missing, not positive or outside [Low, High] is refused.
     */
    GARMAN_KLASS,
    /** {@code ln(p[t] / p[t-1])} of the target column, useful beside a LEVEL target. */
    LOG_RETURN;

    /**
     * Rows of history this feature consumes before its first value.
     *
     * @return 1 for a return, else 0
     */
    public int lookback() {
        return this == LOG_RETURN ? 1 : 0;
    }
}
