package io.closecast.model.risk;

import io.closecast.model.GammaFunctions;

import java.util.Arrays;

/**
 * The negative log-likelihood {@link StudentTGarch} minimises, and its gradient, over the unconstrained parameters
 * {@code theta = (mu, ln omega, a, b, c)}: {@code alpha + beta = 0.9999 logistic(a)},
 * {@code alpha = (alpha + beta) logistic(b)}, {@code nu = 2.05 + 497.95 logistic(c)} (the bounds {@code arch} uses), of
 * returns in percent, the variance recursion started at a fixed backcast.
 *
 * <p>Per return, {@code l_t = C(nu) + (nu + 1) / 2 ln(nu - 2) + nu / 2 ln h_t - (nu + 1) / 2 ln(h_t (nu - 2) + e_t^2)}
 * (the Student-t log density rewritten so that only two logarithms remain), and the two sums of logarithms are taken
 * as logarithms of running products, one {@code Math.log} per few hundred returns instead of two per return. The
 * gradient carries the derivatives of {@code h_t} by the recursion {@code dh_t = dh-terms + beta dh_{t-1}} and needs
 * one division per return. The loop allocates nothing. Where a product leaves the range the trick is safe in (absurd
 * parameters), the value is recomputed one logarithm per return.
 */
final class GarchLikelihood {
    static final double MAX_PERSISTENCE = 0.9999;
    static final double NU_MIN = 2.05;
    static final double NU_MAX = 500;
    /** Products are folded into their logarithm once they leave [1 / FOLD, FOLD]: no factor below 1e150 overflows. */
    private static final double FOLD = 1e150;

    private final double[] y;
    private final double backcast;
    private int evaluations;

    GarchLikelihood(double[] y, double backcast) {
        this.y = y;
        this.backcast = backcast;
    }

    /**
     * Evaluations so far, with or without the gradient.
     *
     * @return the count
     */
    int evaluations() {
        return evaluations;
    }

    /**
     * The negative log-likelihood at {@code theta}.
     *
     * @param theta the unconstrained parameters
     * @return {@code -sum l_t}; {@code +infinity} where it is not finite
     */
    double value(double[] theta) {
        return valueAndGradient(theta, null);
    }

    /**
     * The negative log-likelihood at {@code theta} and, when {@code gradient} is not null, its gradient in
     * {@code theta}, written into {@code gradient}.
     *
     * @param theta the unconstrained parameters
     * @param gradient five entries to fill, or null
     * @return {@code -sum l_t}; {@code +infinity} (and a NaN gradient) where it is not finite
     */
    double valueAndGradient(double[] theta, double[] gradient) {
        evaluations++;
        double sa = logistic(theta[2]);
        double sb = logistic(theta[3]);
        double sc = logistic(theta[4]);
        double persistence = MAX_PERSISTENCE * sa;
        double mu = theta[0];
        double omega = Math.exp(theta[1]);
        double alpha = persistence * sb;
        double beta = persistence - alpha;
        double nu = NU_MIN + (NU_MAX - NU_MIN) * sc;
        if (!(omega > 0) || !(nu > 2) || !Double.isFinite(omega) || !Double.isFinite(mu)) {
            return infinite(gradient);
        }
        double k = nu - 2;
        double c = (nu + 1) / 2;
        int n = y.length;
        double constant = GammaFunctions.logGamma(c) - GammaFunctions.logGamma(nu / 2) - 0.5 * Math.log(Math.PI * k)
                + c * Math.log(k);
        double sumLogH = 0;
        double sumLogD = 0;
        double productH = 1;
        double productD = 1;
        double h = backcast;
        double shock2 = backcast;
        double shock = 0;
        // d h_t / d (omega, alpha, beta, mu), carried through the recursion
        double dOmega = 0;
        double dAlpha = 0;
        double dBeta = 0;
        double dMu = 0;
        double gOmega = 0;
        double gAlpha = 0;
        double gBeta = 0;
        double gMu = 0;
        double sumHOverD = 0;
        boolean wantGradient = gradient != null;
        for (int t = 0; t < n; t++) {
            double previous = h;
            h = omega + alpha * shock2 + beta * previous;
            double e = y[t] - mu;
            double e2 = e * e;
            double d = h * k + e2;
            productH *= h;
            productD *= d;
            if (productH > FOLD || productH < 1 / FOLD || productD > FOLD || productD < 1 / FOLD) {
                sumLogH += Math.log(productH);
                sumLogD += Math.log(productD);
                productH = 1;
                productD = 1;
            }
            if (wantGradient) {
                dOmega = 1 + beta * dOmega;
                dAlpha = shock2 + beta * dAlpha;
                dBeta = previous + beta * dBeta;
                dMu = -2 * alpha * shock + beta * dMu;
                double inverse = 1 / (h * d);
                // d l_t / d h_t = (nu / 2) / h - c k / d
                double dh = ((c - 0.5) * e2 - 0.5 * h * k) * inverse;
                gOmega += dh * dOmega;
                gAlpha += dh * dAlpha;
                gBeta += dh * dBeta;
                gMu += dh * dMu + 2 * c * e * h * inverse;
                sumHOverD += h * h * inverse;
            }
            shock = e;
            shock2 = e2;
        }
        sumLogH += Math.log(productH);
        sumLogD += Math.log(productD);
        double ll = n * constant + (c - 0.5) * sumLogH - c * sumLogD;
        if (!Double.isFinite(ll) || !Double.isFinite(sumLogH) || !Double.isFinite(sumLogD)) {
            ll = exact(mu, omega, alpha, beta, nu);
            if (!Double.isFinite(ll)) {
                return infinite(gradient);
            }
        }
        if (wantGradient) {
            // d l / d nu, the constant's part through the digamma function
            double gNu = n * (0.5 * SpecialFunctions.digamma(c) - 0.5 * SpecialFunctions.digamma(nu / 2) - 0.5 / k
                    + 0.5 * Math.log(k) + c / k) + 0.5 * sumLogH - 0.5 * sumLogD - c * sumHOverD;
            // chain rule to theta, negated (the search minimises)
            double dPersistence = persistence * (1 - sa);
            double dAlphaDb = persistence * sb * (1 - sb);
            gradient[0] = -gMu;
            gradient[1] = -gOmega * omega;
            gradient[2] = -(gAlpha * sb + gBeta * (1 - sb)) * dPersistence;
            gradient[3] = -(gAlpha - gBeta) * dAlphaDb;
            gradient[4] = -gNu * (NU_MAX - NU_MIN) * sc * (1 - sc);
            for (double g : gradient) {
                if (!Double.isFinite(g)) {
                    return infinite(gradient);
                }
            }
        }
        return -ll;
    }

    /** The log-likelihood one logarithm per return: where the running products would leave the doubles. */
    private double exact(double mu, double omega, double alpha, double beta, double nu) {
        double constant = GammaFunctions.logGamma((nu + 1) / 2) - GammaFunctions.logGamma(nu / 2)
                - 0.5 * Math.log(Math.PI * (nu - 2));
        double sum = 0;
        double shock2 = backcast;
        double sigma2 = backcast;
        for (double v : y) {
            sigma2 = omega + alpha * shock2 + beta * sigma2;
            double e = v - mu;
            sum += constant - 0.5 * Math.log(sigma2) - (nu + 1) / 2 * Math.log1p(e * e / (sigma2 * (nu - 2)));
            shock2 = e * e;
        }
        return sum;
    }

    private static double infinite(double[] gradient) {
        if (gradient != null) {
            Arrays.fill(gradient, Double.NaN);
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * {@code theta} of the given parameters.
     *
     * @return {@code (mu, ln omega, a, b, c)}
     */
    static double[] toTheta(double mu, double omega, double alpha, double beta, double nu) {
        double persistence = alpha + beta;
        return new double[] {mu, Math.log(omega), logit(persistence / MAX_PERSISTENCE), logit(alpha / persistence),
                logit((nu - NU_MIN) / (NU_MAX - NU_MIN))};
    }

    /**
     * The parameters of {@code theta}.
     *
     * @return {@code (mu, omega, alpha, beta, nu)}
     */
    static double[] fromTheta(double[] theta) {
        double persistence = MAX_PERSISTENCE * logistic(theta[2]);
        double alpha = persistence * logistic(theta[3]);
        return new double[] {theta[0], Math.exp(theta[1]), alpha, persistence - alpha,
                NU_MIN + (NU_MAX - NU_MIN) * logistic(theta[4])};
    }

    private static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }
}
