package io.closecast.model;

/**
 * The gamma-family functions the core's statistics share: the regularized incomplete beta function (Student's t for
 * the Diebold-Mariano test and the GARCH innovations) and log-gamma. One copy, used by {@code evaluation} and
 * {@code risk}.
 */
public final class GammaFunctions {
    private GammaFunctions() {
    }

    /**
     * The regularized incomplete beta function I_x(a, b), by the continued fraction of Numerical Recipes (Lentz's
     * method), with the symmetry for convergence.
     *
     * @param x where, in [0, 1] (0 and 1 below and above)
     * @param a the first shape, above 0
     * @param b the second shape, above 0
     * @return I_x(a, b)
     * @throws ModelException when the continued fraction does not converge
     */
    public static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            f *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                return f;
            }
        }
        throw new ModelException("the incomplete beta function did not converge for x=" + x + ", a=" + a + ", b=" + b);
    }

    /**
     * ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-15).
     *
     * @param x above 0
     * @return the log of the gamma function
     */
    public static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
