package io.closecast.model.dataset;

/**
 * How target prices become model values.
 * <ul>
 *   <li>LEVEL: the price itself.</li>
 *   <li>LOG_RETURN: {@code ln(p[t] / p[t-1])}; a forecast of H returns turns back into prices by compounding from
 *   the last known price: {@code p[t+h] = p[t] * exp(r[t+1] + ... + r[t+h])}.</li>
 *   <li>WINDOW_RELATIVE: every value of a window is divided by the window's last price {@code p[t]}, minus 1:
 *   input step {@code s} (oldest {@code s = t - window + 1}, newest {@code s = t}) is {@code x[s] = p[s] / p[t] - 1}
 *   (so the newest is always 0), and the target of step {@code h} is {@code y[h] = p[t+h] / p[t] - 1}. A forecast
 *   turns back into prices as {@code p[t+h] = p[t] * (1 + y[h])}. The scaler of this feature has offset 0
 *   (a scaled 0 is the naive forecast) and as scale the spread of the training windows' {@code x} values only:
 *   their root mean square ({@code standard}) or largest {@code |x|} ({@code min-max}); inputs and targets share it:
 *   {@code scaled = x / scale}. No level is ever seen, so prices outside the training range do not saturate the
 *   network.</li>
 * </ul>
 */
public enum TargetTransform {
    LEVEL,
    LOG_RETURN,
    WINDOW_RELATIVE;

    /**
     * Rows of history the transform consumes before its first value (1 for returns).
     *
     * @return 1 for LOG_RETURN, 0 for LEVEL
     */
    public int lookback() {
        return this == LOG_RETURN ? 1 : 0;
    }

    /**
     * Turns H forecast values (unscaled) back into H prices, starting from {@code lastPrice}.
     *
     * @param values the forecast values, unscaled: prices for LEVEL, daily log returns for LOG_RETURN
     * @param lastPrice the last known price, the base of the returns
     * @return one price per value, step 1 first
     */
    public double[] toPrices(double[] values, double lastPrice) {
        double[] prices = new double[values.length];
        double cumulative = 0;
        for (int h = 0; h < values.length; h++) {
            if (this == LEVEL) {
                prices[h] = values[h];
            } else if (this == WINDOW_RELATIVE) {
                prices[h] = lastPrice * (1 + values[h]);
            } else {
                cumulative += values[h];
                prices[h] = lastPrice * Math.exp(cumulative);
            }
        }
        return prices;
    }
}
