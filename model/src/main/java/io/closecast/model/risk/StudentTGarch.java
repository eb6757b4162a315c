package io.closecast.model.risk;

import io.closecast.model.GammaFunctions;

import io.closecast.model.ModelException;

/**
 * Maximum-likelihood estimation of a constant-mean Student-t GARCH(1,1) ({@link GarchParameters}), the model
 * {@code arch.arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="t")} estimates, with the same likelihood
 * and the same start of the variance recursion (the backcast).
 *
 * <p>The returns are fitted in percent (times 100, for a well-conditioned search, as {@code arch} recommends) and the
 * estimate is given back in the returns' units. The search runs over unconstrained parameters ({@code mu};
 * {@code ln omega}; {@code alpha + beta = 0.9999 logistic(a)}, {@code alpha = (alpha + beta) logistic(b)};
 * {@code nu = 2.05 + 497.95 logistic(c)}, the bounds {@code arch} uses; {@link GarchLikelihood}), started from the
 * best of a small grid of {@code (alpha, beta)} (as {@code arch} starts): a {@link QuasiNewton} (BFGS) search with the
 * analytic gradient of the likelihood until no coordinate of the gradient exceeds {@code 1e-9} per return (some 40
 * likelihood evaluations on ten years of daily returns). Where it ends with {@code alpha} at 0 (below 1e-3), where
 * {@code beta} and {@code omega} are not identified and the likelihood has several maxima (seen on i.i.d. normal
 * returns), a second search from the next-best grid point, the higher maximum kept. Where the search does not
 * converge, a {@link NelderMead} simplex takes over from the best point found, restarted at its best point until a
 * restart no longer improves the likelihood (the slow search this class used alone before; hundreds of evaluations);
 * where that does not converge either, the fit is {@link GarchFit.Failed}.
 */
public final class StudentTGarch {
    /** Fewer returns than this are not fitted. */
    public static final int MIN_OBSERVATIONS = 100;
    static final double SCALE = 100;
    private static final int BUDGET = 40_000;
    /** Converged when no coordinate of the gradient of the log-likelihood exceeds this per return. */
    static final double GRADIENT_TOLERANCE = 1e-9;
    private static final double MAX_STEP = 2;
    private static final int MAX_ITERATIONS = 500;
    /** Below this the first search's alpha counts as 0, and a second search starts from the next-best grid point. */
    static final double UNIDENTIFIED_ALPHA = 1e-3;

    private StudentTGarch() {
    }

    /**
     * Fits the model on {@code returns}.
     *
     * @param returns daily log returns in date order
     * @return the estimate, or {@link GarchFit.Failed} saying why there is none (too few or non-finite returns, no
     *         convergence within the evaluation budget); never throws for bad data
     */
    public static GarchFit fit(double[] returns) {
        return fit(returns, MAX_ITERATIONS, BUDGET);
    }

    /**
     * {@link #fit(double[])} with the searches' budgets given: BFGS iterations, then Nelder-Mead evaluations per
     * simplex.
     */
    static GarchFit fit(double[] returns, int maxIterations, int budget) {
        int n = returns.length;
        if (n < MIN_OBSERVATIONS) {
            return new GarchFit.Failed("GARCH(1,1) needs at least " + MIN_OBSERVATIONS + " returns, found " + n);
        }
        double[] y = new double[n];
        double mean = 0;
        for (int t = 0; t < n; t++) {
            if (!Double.isFinite(returns[t])) {
                return new GarchFit.Failed("GARCH(1,1) needs finite returns, found " + returns[t] + " at " + t);
            }
            y[t] = returns[t] * SCALE;
            mean += y[t] / n;
        }
        double variance = 0;
        double fourth = 0;
        for (double v : y) {
            double e = v - mean;
            variance += e * e / n;
            fourth += e * e * e * e / n;
        }
        if (!(variance > 0)) {
            return new GarchFit.Failed("GARCH(1,1) needs returns that vary, found a constant series");
        }
        double backcast = backcast(y, mean);
        double kurtosis = fourth / (variance * variance);
        double nu0 = Math.max(kurtosis > 3.75 ? (4 * kurtosis - 6) / (kurtosis - 3) : 12, 4);
        GarchLikelihood likelihood = new GarchLikelihood(y, backcast);
        // arch's way of starting: the best of a small grid of (alpha, beta), then the search from there
        double[][] starts = {{0.05, 0.90}, {0.10, 0.85}, {0.03, 0.95}, {0.15, 0.60}, {0.08, 0.91}, {0.02, 0.97}};
        double[] start = null;
        double[] runnerUp = null;
        double startValue = Double.POSITIVE_INFINITY;
        double runnerUpValue = Double.POSITIVE_INFINITY;
        for (double[] s : starts) {
            double[] theta = GarchLikelihood.toTheta(mean, variance * (1 - s[0] - s[1]), s[0], s[1], nu0);
            double v = likelihood.value(theta);
            if (start == null || v < startValue) {
                runnerUp = start;
                runnerUpValue = startValue;
                start = theta;
                startValue = v;
            } else if (runnerUp == null || v < runnerUpValue) {
                runnerUp = theta;
                runnerUpValue = v;
            }
        }
        double tolerance = GRADIENT_TOLERANCE * n;
        QuasiNewton.Outcome quasiNewton = QuasiNewton.minimise(likelihood::valueAndGradient, start, tolerance,
                MAX_STEP, maxIterations);
        if (quasiNewton.converged() && GarchLikelihood.fromTheta(quasiNewton.point())[2] < UNIDENTIFIED_ALPHA) {
            // alpha at 0: beta and omega are not identified and the likelihood has several maxima; one more search
            QuasiNewton.Outcome second = QuasiNewton.minimise(likelihood::valueAndGradient, runnerUp, tolerance,
                    MAX_STEP, maxIterations);
            if (second.converged() && second.value() < quasiNewton.value()) {
                quasiNewton = second;
            }
        }
        double[] point = quasiNewton.point();
        double value = quasiNewton.value();
        boolean converged = quasiNewton.converged() && Double.isFinite(value);
        if (!converged) {
            // the slow and sure way: Nelder-Mead from the best point so far, restarted until it no longer improves
            NelderMead.Outcome best = nelderMead(likelihood, Double.isFinite(value) ? point : start, budget);
            point = best.point();
            value = best.value();
            converged = best.converged() && Double.isFinite(value);
        }
        int spent = likelihood.evaluations();
        if (!converged) {
            return new GarchFit.Failed("GARCH(1,1) maximum likelihood did not converge after " + spent
                    + " likelihood evaluations (best log-likelihood " + (-value) + ")");
        }
        double[] p = GarchLikelihood.fromTheta(point);
        try {
            GarchParameters estimate = new GarchParameters(p[0] / SCALE, p[1] / (SCALE * SCALE), p[2], p[3], p[4]);
            double logLikelihood = -value + n * Math.log(SCALE);
            return new GarchFit.Fitted(estimate, logLikelihood, backcast / (SCALE * SCALE), n, spent);
        } catch (ModelException e) {
            return new GarchFit.Failed("GARCH(1,1) estimate is not a valid model: " + e.getMessage());
        }
    }

    /**
     * The log-likelihood of {@code returns} under {@code parameters}, the recursion started at {@code backcast}.
     *
     * @param parameters a GARCH(1,1) in the returns' units
     * @param returns daily log returns in date order
     * @param backcast the variance before the first return
     * @return the sum of the Student-t log densities of the returns
     */
    public static double logLikelihood(GarchParameters parameters, double[] returns, double backcast) {
        double[] sigma2 = parameters.variances(returns, backcast);
        double nu = parameters.nu();
        double constant = GammaFunctions.logGamma((nu + 1) / 2) - GammaFunctions.logGamma(nu / 2)
                - 0.5 * Math.log(Math.PI * (nu - 2));
        double sum = 0;
        for (int t = 0; t < returns.length; t++) {
            double e = returns[t] - parameters.mu();
            sum += constant - 0.5 * Math.log(sigma2[t]) - (nu + 1) / 2 * Math.log1p(e * e / (sigma2[t] * (nu - 2)));
        }
        return sum;
    }

    /** arch's backcast: the EWMA (weights 0.94^k, normalised) of the first min(75, n) squared demeaned returns. */
    static double backcast(double[] y, double mean) {
        int tau = Math.min(75, y.length);
        double weights = 0;
        double sum = 0;
        double w = 1;
        for (int t = 0; t < tau; t++) {
            double e = y[t] - mean;
            sum += w * e * e;
            weights += w;
            w *= 0.94;
        }
        return sum / weights;
    }

    /** The old search, kept as the fallback: a simplex from {@code start}, restarted at its best point. */
    private static NelderMead.Outcome nelderMead(GarchLikelihood likelihood, double[] start, int budget) {
        NelderMead.Outcome best = NelderMead.minimise(likelihood::value, start, 0.3, 1e-9, budget);
        for (int restart = 0; restart < 20; restart++) {
            NelderMead.Outcome o = NelderMead.minimise(likelihood::value, best.point(), 0.05, 1e-10, budget);
            boolean improved = o.value() < best.value() - 1e-9;
            if (o.value() <= best.value()) {
                best = o;
            }
            if (!improved && o.converged()) {
                return best;
            }
            best = new NelderMead.Outcome(best.point(), best.value(), best.evaluations(), o.converged());
        }
        return best;
    }
}
