package io.closecast.model.risk;

import io.closecast.model.ModelException;

/**
 * A Student-t GARCH(1,1) with a constant mean, in the units of the returns it was fitted on (daily log returns):
 * {@code r_t = mu + e_t}, {@code e_t = sigma_t z_t} with {@code z_t} unit-variance Student-t with {@code nu} degrees of
 * freedom, and {@code sigma^2_t = omega + alpha e^2_{t-1} + beta sigma^2_{t-1}}.
 *
 * @param mu the constant mean of a daily log return
 * @param omega the variance intercept, above 0
 * @param alpha the weight of yesterday's squared shock, at least 0
 * @param beta the weight of yesterday's variance, at least 0; {@code alpha + beta < 1}
 * @param nu the degrees of freedom of the innovations, above 2
 */
public record GarchParameters(double mu, double omega, double alpha, double beta, double nu) {

    public GarchParameters {
        if (!(omega > 0) || !(alpha >= 0) || !(beta >= 0) || !(alpha + beta < 1) || !(nu > 2) || !Double.isFinite(mu)
                || !Double.isFinite(nu)) {
            throw new ModelException("GARCH(1,1) needs omega > 0, alpha >= 0, beta >= 0, alpha + beta < 1 and nu > 2,"
                    + " found mu=" + mu + ", omega=" + omega + ", alpha=" + alpha + ", beta=" + beta + ", nu=" + nu);
        }
    }

    /**
     * {@code alpha + beta}: how slowly a shock to the variance fades.
     *
     * @return the persistence, below 1
     */
    public double persistence() {
        return alpha + beta;
    }

    /**
     * The variance the process reverts to, {@code omega / (1 - alpha - beta)}.
     *
     * @return the unconditional variance of a daily log return
     */
    public double unconditionalVariance() {
        return omega / (1 - alpha - beta);
    }

    /**
     * The one-step conditional variances of {@code returns}: entry {@code t} is the variance of {@code returns[t]}
     * given the returns before it, entry {@code n} the forecast of the next, unseen return. The recursion starts
     * from {@code backcast} for both the squared shock and the variance before the first return (as {@code arch}
     * does).
     *
     * @param returns daily log returns in date order
     * @param backcast the variance assumed before the first return
     * @return {@code returns.length + 1} variances
     */
    public double[] variances(double[] returns, double backcast) {
        double[] sigma2 = new double[returns.length + 1];
        double shock2 = backcast;
        double previous = backcast;
        for (int t = 0; t <= returns.length; t++) {
            sigma2[t] = omega + alpha * shock2 + beta * previous;
            if (t < returns.length) {
                double e = returns[t] - mu;
                shock2 = e * e;
                previous = sigma2[t];
            }
        }
        return sigma2;
    }

    /**
     * The bounds of the central interval at {@code level} of a log return with conditional variance {@code variance}:
     * {@code mu + sigma q}, {@code q} the unit-variance Student-t quantiles at {@code (1 -/+ level) / 2}.
     *
     * @param level nominal coverage in (0, 1)
     * @return the lower and upper standardized quantiles {@code {q_lo, q_hi}}
     */
    public double[] quantiles(double level) {
        return new double[] {SpecialFunctions.standardizedTQuantile((1 - level) / 2, nu),
                SpecialFunctions.standardizedTQuantile((1 + level) / 2, nu)};
    }
}
