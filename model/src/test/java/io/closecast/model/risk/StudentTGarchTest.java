package io.closecast.model.risk;

import io.closecast.model.TestData;
import io.closecast.model.prices.PriceColumn;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudentTGarchTest {

    /** A Student-t GARCH(1,1) path with known parameters (t innovations as normal / sqrt(chi2 / nu), rescaled). */
    static double[] simulate(GarchParameters p, int n, long seed) {
        Random random = new Random(seed);
        double[] r = new double[n];
        double sigma2 = p.unconditionalVariance();
        double shock2 = sigma2;
        int nu = (int) p.nu();
        for (int t = 0; t < n; t++) {
            sigma2 = p.omega() + p.alpha() * shock2 + p.beta() * sigma2;
            double chi2 = 0;
            for (int k = 0; k < nu; k++) {
                double g = random.nextGaussian();
                chi2 += g * g;
            }
            double z = random.nextGaussian() / Math.sqrt(chi2 / nu) * Math.sqrt((nu - 2.0) / nu);
            double e = Math.sqrt(sigma2) * z;
            r[t] = p.mu() + e;
            shock2 = e * e;
        }
        return r;
    }

    @Test
    void recoversTheParametersOfASimulatedPath() {
        GarchParameters truth = new GarchParameters(5e-4, 2e-6, 0.08, 0.90, 6);
        GarchFit fit = StudentTGarch.fit(simulate(truth, 6000, 7));
        GarchParameters p = assertInstanceOf(GarchFit.Fitted.class, fit).parameters();
        assertEquals(truth.alpha(), p.alpha(), 0.025, "alpha " + p);
        assertEquals(truth.beta(), p.beta(), 0.03, "beta " + p);
        assertEquals(truth.nu(), p.nu(), 1.5, "nu " + p);
        assertEquals(truth.mu(), p.mu(), 3e-4, "mu " + p);
        assertEquals(truth.unconditionalVariance(), p.unconditionalVariance(), 0.3 * truth.unconditionalVariance(), "" + p);
    }

    @Test
    void theEstimateIsAMaximumOfTheLikelihood() {
        double[] r = returns("MSFT.csv", 2000);
        GarchFit.Fitted fit = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(r));
        GarchParameters p = fit.parameters();
        assertEquals(fit.logLikelihood(), StudentTGarch.logLikelihood(p, r, fit.backcast()), 1e-6);
        double[][] nudges = {{1e-4, 0, 0, 0, 0}, {0, 1e-7, 0, 0, 0}, {0, 0, 0.005, -0.005, 0}, {0, 0, 0, 0.003, 0},
                {0, 0, 0, 0, 0.3}};
        for (double[] d : nudges) {
            for (int sign = -1; sign <= 1; sign += 2) {
                GarchParameters q = new GarchParameters(p.mu() + sign * d[0], p.omega() + sign * d[1],
                        p.alpha() + sign * d[2], p.beta() + sign * d[3], p.nu() + sign * d[4]);
                assertTrue(StudentTGarch.logLikelihood(q, r, fit.backcast()) <= fit.logLikelihood() + 1e-7,
                        "moving to " + q + " raised the likelihood above the estimate " + p);
            }
        }
    }

    @Test
    void aFitThatCannotBeMadeIsReportedNotThrown() {
        assertTrue(StudentTGarch.fit(new double[50]) instanceof GarchFit.Failed f
                && f.reason().contains("at least 100 returns"));
        assertTrue(StudentTGarch.fit(new double[500]) instanceof GarchFit.Failed f
                && f.reason().contains("constant"), "a constant series");
        double[] r = returns("MSFT.csv", 500);
        r[17] = Double.NaN;
        assertTrue(StudentTGarch.fit(r) instanceof GarchFit.Failed f && f.reason().contains("NaN"));
    }

    @Test
    void theQuasiNewtonSearchTakesFewEvaluationsAndTheSimplexTakesOverWhereItStops() {
        double[] r = returns("AAPL.csv", 2000);
        GarchFit.Fitted fast = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(r));
        assertTrue(fast.evaluations() < 150, "BFGS took " + fast.evaluations() + " evaluations");
        // no BFGS iteration allowed: the Nelder-Mead fallback alone reaches the same maximum, the slow way
        GarchFit.Fitted slow = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(r, 0, 40_000));
        assertTrue(slow.evaluations() > 3 * fast.evaluations(), "Nelder-Mead took " + slow.evaluations());
        assertEquals(fast.logLikelihood(), slow.logLikelihood(), 1e-6);
        assertEquals(fast.parameters().alpha(), slow.parameters().alpha(), 1e-4);
        assertEquals(fast.parameters().beta(), slow.parameters().beta(), 1e-4);
        assertEquals(fast.parameters().nu(), slow.parameters().nu(), 1e-3 * fast.parameters().nu());
        assertTrue(fast.logLikelihood() >= slow.logLikelihood() - 1e-9, "BFGS stopped below the simplex");
    }

    @Test
    void theQuasiNewtonSearchAlsoConvergesWhereTheEstimateIsOnABoundary() {
        // a pure ARCH(1): beta -> 0, a single maximum
        double[] arch = simulate(new GarchParameters(0, 1e-4, 0.4, 1e-4, 5), 1500, 9);
        GarchFit.Fitted fast = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(arch));
        GarchFit.Fitted slow = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(arch, 0, 40_000));
        assertTrue(fast.evaluations() < 150, "BFGS took " + fast.evaluations() + " evaluations: fell back?");
        assertEquals(slow.logLikelihood(), fast.logLikelihood(), 1e-7, fast + " vs " + slow);
        assertTrue(fast.parameters().beta() < 1e-6, "" + fast);
    }

    @Test
    void whereAlphaIsZeroASecondSearchFindsTheHigherOfTwoMaxima() {
        // i.i.d. normal returns: alpha -> 0, beta and omega not identified; from the best grid point BFGS stops at
        // log-likelihood -363.197 (percent units), from the next-best at -363.184 (what the simplex finds too)
        Random random = new Random(3);
        double[] r = new double[250];
        for (int t = 0; t < r.length; t++) {
            r[t] = 0.01 * random.nextGaussian();
        }
        double percent = r.length * Math.log(StudentTGarch.SCALE);
        GarchFit.Fitted fit = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(r));
        assertTrue(fit.parameters().alpha() < StudentTGarch.UNIDENTIFIED_ALPHA, "" + fit);
        assertEquals(-363.184433, fit.logLikelihood() - percent, 1e-6, "" + fit);
        GarchFit.Fitted slow = assertInstanceOf(GarchFit.Fitted.class, StudentTGarch.fit(r, 0, 40_000));
        assertTrue(fit.logLikelihood() >= slow.logLikelihood() - 1e-7, fit + " below the simplex's " + slow);
    }

    @Test
    void aSearchThatDoesNotConvergeIsAFailedFitNamingTheEvaluations() {
        GarchFit fit = StudentTGarch.fit(returns("MSFT.csv", 1000), 2, 30);
        GarchFit.Failed failed = assertInstanceOf(GarchFit.Failed.class, fit);
        assertTrue(failed.reason().matches("GARCH\\(1,1\\) maximum likelihood did not converge after \\d+ likelihood"
                + " evaluations \\(best log-likelihood -?[0-9.]+\\)"), failed.reason());
    }

    @Test
    void variancesUseOnlyEarlierReturns() {
        GarchParameters p = new GarchParameters(0, 1e-6, 0.1, 0.85, 5);
        double[] r = returns("AAPL.csv", 300);
        double[] v = p.variances(r, 2e-4);
        double[] changed = r.clone();
        changed[200] *= 5;
        double[] w = p.variances(changed, 2e-4);
        for (int t = 0; t <= 200; t++) {
            assertEquals(v[t], w[t], 0);
        }
        assertTrue(w[201] > v[201]);
        assertEquals(1e-6 + 0.1 * r[0] * r[0] + 0.85 * v[0], v[1], 1e-18);
    }

    static double[] returns(String file, int n) {
        double[] close = TestData.read(file).column(PriceColumn.CLOSE);
        double[] r = new double[Math.min(n, close.length - 1)];
        for (int t = 0; t < r.length; t++) {
            r[t] = Math.log(close[t + 1] / close[t]);
        }
        return r;
    }
}
