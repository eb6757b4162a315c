package io.closecast.model.risk;

import io.closecast.model.GammaFunctions;

import io.closecast.model.ModelException;

/**
 * The distribution functions the risk models need: chi-square tail probabilities (for likelihood-ratio tests),
 * the standard normal and the unit-variance Student-t distribution functions and their quantiles, and the digamma
 * function (the derivative of the Student-t likelihood in its degrees of freedom).
 */
public final class SpecialFunctions {

    private SpecialFunctions() {
    }

    /**
     * {@code P(X > x)} for a chi-square variable with {@code df} degrees of freedom: the regularized upper incomplete
     * gamma function {@code Q(df / 2, x / 2)}.
     *
     * @param x the statistic, at least 0 (NaN gives NaN)
     * @param df degrees of freedom, at least 1
     * @return the p-value of a likelihood-ratio statistic {@code x}
     */
    public static double chiSquareSurvival(double x, int df) {
        if (df < 1) {
            throw new ModelException("chi-square needs df >= 1, found " + df);
        }
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 1;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return gammaQ(df / 2.0, x / 2);
    }

    /**
     * {@code Phi(z)}, the standard normal distribution function, through {@code erfc}.
     *
     * @param z any value
     * @return {@code P(Z <= z)}
     */
    public static double normalCdf(double z) {
        double x = z / Math.sqrt(2);
        // erfc(-x) / 2; erfc(y) = Q(1/2, y^2) for y >= 0 and 2 - Q(1/2, y^2) below.
        double q = x == 0 ? 1 : gammaQ(0.5, x * x);
        return x < 0 ? q / 2 : 1 - q / 2;
    }

    /**
     * The standard normal quantile {@code Phi^-1(p)}.
     *
     * @param p a probability strictly between 0 and 1
     * @return {@code z} with {@code Phi(z) = p}, to about 1e-12
     */
    public static double normalQuantile(double p) {
        checkProbability(p);
        return invert(SpecialFunctions::normalCdf, p, -40, 40);
    }

    /**
     * {@code P(T <= t)} for Student's t with {@code nu} degrees of freedom (not rescaled).
     *
     * @param t any value
     * @param nu degrees of freedom, above 0
     * @return the distribution function at {@code t}
     */
    public static double studentTCdf(double t, double nu) {
        if (!(nu > 0)) {
            throw new ModelException("Student's t needs degrees of freedom above 0, found " + nu);
        }
        double x = nu / (nu + t * t);
        double tail = 0.5 * GammaFunctions.regularizedBeta(x, nu / 2, 0.5);
        return t > 0 ? 1 - tail : tail;
    }

    /**
     * The quantile of the <em>standardized</em> Student-t with {@code nu > 2} degrees of freedom (unit variance: the
     * t quantile times {@code sqrt((nu - 2) / nu)}), the innovation distribution of a Student-t GARCH.
     *
     * @param p a probability strictly between 0 and 1
     * @param nu degrees of freedom, above 2
     * @return the quantile of the unit-variance t
     */
    public static double standardizedTQuantile(double p, double nu) {
        checkProbability(p);
        if (!(nu > 2)) {
            throw new ModelException("a unit-variance Student-t needs degrees of freedom above 2, found " + nu);
        }
        double t = invert(v -> studentTCdf(v, nu), p, -1e4, 1e4);
        return t * Math.sqrt((nu - 2) / nu);
    }

    /**
     * The digamma function {@code psi(x) = d ln Gamma(x) / dx}: the recurrence {@code psi(x) = psi(x + 1) - 1 / x} up to
     * 10, then the asymptotic series (its error below 1e-13).
     *
     * @param x above 0
     * @return {@code psi(x)}
     */
    public static double digamma(double x) {
        if (!(x > 0)) {
            throw new ModelException("digamma needs x above 0, found " + x);
        }
        double shift = 0;
        while (x < 10) {
            shift -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
        return shift + Math.log(x) - 0.5 / x - series;
    }

    private static void checkProbability(double p) {
        if (!(p > 0 && p < 1)) {
            throw new ModelException("a quantile needs a probability in (0, 1), found " + p);
        }
    }

    private static double invert(java.util.function.DoubleUnaryOperator cdf, double p, double lo, double hi) {
        for (int i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf.applyAsDouble(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Q(a, x) = Gamma(a, x) / Gamma(a): series below a + 1, Lentz's continued fraction above (Numerical Recipes). */
    static double gammaQ(double a, double x) {
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 10_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return 1 - sum * Math.exp(-x + a * Math.log(x) - GammaFunctions.logGamma(a));
        }
        final double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - GammaFunctions.logGamma(a)) * h;
    }
}
