package io.closecast.model.risk;

import io.closecast.model.ModelException;

/**
 * RiskMetrics' (J.P. Morgan, 1996) variance forecast: {@code sigma^2_{t+1} = lambda sigma^2_t + (1 - lambda) r^2_t}
 * with zero mean and normal returns; lambda 0.94 for daily data.
 */
public final class RiskMetricsEwma {
    /** RiskMetrics' daily decay. */
    public static final double LAMBDA = 0.94;

    private RiskMetricsEwma() {
    }

    /**
     * The one-step variances of {@code returns}: entry {@code t} is the forecast of {@code returns[t]}'s variance made
     * the day before, entry {@code n} the forecast of the next, unseen return.
     *
     * @param lambda the decay, in (0, 1)
     * @param returns daily log returns in date order
     * @param start the variance before the first return (e.g. {@link #startVariance} of the training returns)
     * @return {@code returns.length + 1} variances
     */
    public static double[] variances(double lambda, double[] returns, double start) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new ModelException("the EWMA decay must be in (0, 1), found " + lambda);
        }
        double[] sigma2 = new double[returns.length + 1];
        sigma2[0] = start;
        for (int t = 0; t < returns.length; t++) {
            sigma2[t + 1] = lambda * sigma2[t] + (1 - lambda) * returns[t] * returns[t];
        }
        return sigma2;
    }

    /**
     * The start of the recursion: the mean squared return (zero mean, as RiskMetrics assumes).
     *
     * @param returns daily log returns, at least one
     * @return their mean square
     */
    public static double startVariance(double[] returns) {
        if (returns.length == 0) {
            throw new ModelException("the EWMA start needs at least one return, found none");
        }
        double sum = 0;
        for (double r : returns) {
            sum += r * r;
        }
        return sum / returns.length;
    }
}
