package io.closecast.model;

/**
 * How target prices become model values. LEVEL: the price itself. LOG_RETURN: {@code ln(p[t] / p[t-1])};
 * a forecast of H returns turns back into prices by compounding from the last known price:
 * {@code p[t+h] = p[t] * exp(r[t+1] + ... + r[t+h])}.
 */
public enum TargetTransform {
    LEVEL,
    LOG_RETURN;

    /** Rows of history the transform consumes before its first value (1 for returns). */
    public int lookback() {
        return this == LOG_RETURN ? 1 : 0;
    }

    /** Turns H forecast values (unscaled) back into H prices, starting from {@code lastPrice}. */
    public double[] toPrices(double[] values, double lastPrice) {
        double[] prices = new double[values.length];
        double cumulative = 0;
        for (int h = 0; h < values.length; h++) {
            if (this == LEVEL) {
                prices[h] = values[h];
            } else {
                cumulative += values[h];
                prices[h] = lastPrice * Math.exp(cumulative);
            }
        }
        return prices;
    }
}
