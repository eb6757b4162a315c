package io.closecast.model.risk;

/**
 * A BFGS quasi-Newton minimiser for the few smooth parameters of a volatility model, with the gradient supplied by
 * the function. The step length is found by backtracking from 1 (the full quasi-Newton step, shortened to at most
 * {@code maxStep} in every coordinate) until either Armijo's sufficient decrease holds or, where the decrease is
 * below the function's rounding (near the minimum), Hager and Zhang's approximate Wolfe conditions hold. The inverse
 * Hessian starts as the identity scaled after the first step (Nocedal and Wright, eq. 6.20); an update that would
 * lose positive definiteness is skipped, and a direction that is not downhill restarts from the identity.
 * Converged when every coordinate of the gradient is within {@code tolerance} of 0.
 */
final class QuasiNewton {

    /** A function and its gradient. */
    @FunctionalInterface
    interface Objective {
        /**
         * The function at {@code x}; its gradient written into {@code gradient}.
         *
         * @param x the point
         * @param gradient as many entries as {@code x}, to fill
         * @return the value; not finite where the function is not defined
         */
        double valueAndGradient(double[] x, double[] gradient);
    }

    /**
     * Where the search stopped.
     *
     * @param point the best point
     * @param value the function there
     * @param gradientNorm the largest coordinate of the gradient there
     * @param iterations quasi-Newton steps taken
     * @param converged whether the gradient tolerance was met
     */
    record Outcome(double[] point, double value, double gradientNorm, int iterations, boolean converged) {
    }

    private static final double ARMIJO = 1e-4;
    private static final double CURVATURE = 0.9;
    private static final double APPROXIMATE_WOLFE = 0.1;
    private static final int BACKTRACKS = 50;

    private QuasiNewton() {
    }

    static Outcome minimise(Objective f, double[] start, double tolerance, double maxStep, int maxIterations) {
        int d = start.length;
        double[] x = start.clone();
        double[] g = new double[d];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx)) {
            return new Outcome(x, Double.POSITIVE_INFINITY, Double.NaN, 0, false);
        }
        double[][] h = identity(d, 1);
        boolean scaled = false;
        double[] p = new double[d];
        double[] xNew = new double[d];
        double[] gNew = new double[d];
        double[] s = new double[d];
        double[] yv = new double[d];
        double[] hy = new double[d];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double norm = maxAbs(g);
            if (norm <= tolerance) {
                return new Outcome(x, fx, norm, iteration, true);
            }
            multiply(h, g, p);
            double slope = 0;
            for (int i = 0; i < d; i++) {
                p[i] = -p[i];
                slope += g[i] * p[i];
            }
            if (!(slope < 0)) {
                h = identity(d, 1);
                scaled = false;
                for (int i = 0; i < d; i++) {
                    p[i] = -g[i];
                }
                slope = -dot(g, g);
            }
            double longest = maxAbs(p);
            double t = longest > maxStep ? maxStep / longest : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            double noise = 1e-12 * Math.abs(fx) + 1e-300;
            for (int b = 0; b < BACKTRACKS && !accepted; b++, t *= 0.5) {
                for (int i = 0; i < d; i++) {
                    xNew[i] = x[i] + t * p[i];
                }
                fNew = f.valueAndGradient(xNew, gNew);
                if (!Double.isFinite(fNew)) {
                    continue;
                }
                double slopeNew = dot(gNew, p);
                accepted = fNew <= fx + ARMIJO * t * slope
                        || fNew <= fx + noise && slopeNew >= CURVATURE * slope
                        && slopeNew <= (2 * APPROXIMATE_WOLFE - 1) * slope;
            }
            if (!accepted) {
                if (isIdentity(h)) {
                    return new Outcome(x, fx, norm, iteration, false);
                }
                h = identity(d, 1);
                scaled = false;
                continue;
            }
            double sy = 0;
            for (int i = 0; i < d; i++) {
                s[i] = xNew[i] - x[i];
                yv[i] = gNew[i] - g[i];
                sy += s[i] * yv[i];
            }
            System.arraycopy(xNew, 0, x, 0, d);
            System.arraycopy(gNew, 0, g, 0, d);
            fx = fNew;
            if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
                if (!scaled) {
                    h = identity(d, sy / dot(yv, yv));
                    scaled = true;
                }
                update(h, s, yv, sy, hy);
            }
        }
        return new Outcome(x, fx, maxAbs(g), maxIterations, maxAbs(g) <= tolerance);
    }

    /** {@code H <- (I - rho s y') H (I - rho y s') + rho s s'}, {@code rho = 1 / s'y}, H symmetric. */
    private static void update(double[][] h, double[] s, double[] y, double sy, double[] hy) {
        int d = s.length;
        multiply(h, y, hy);
        double yhy = dot(y, hy);
        double rho = 1 / sy;
        double factor = (1 + rho * yhy) * rho;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                h[i][j] += factor * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
            }
        }
    }

    private static void multiply(double[][] m, double[] v, double[] out) {
        for (int i = 0; i < v.length; i++) {
            double sum = 0;
            for (int j = 0; j < v.length; j++) {
                sum += m[i][j] * v[j];
            }
            out[i] = sum;
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double[][] identity(int d, double scale) {
        double[][] m = new double[d][d];
        for (int i = 0; i < d; i++) {
            m[i][i] = scale;
        }
        return m;
    }

    private static boolean isIdentity(double[][] h) {
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                if (h[i][j] != (i == j ? 1 : 0)) {
                    return false;
                }
            }
        }
        return true;
    }
}
