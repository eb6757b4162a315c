package io.closecast.model.risk;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GarchLikelihoodTest {
    private static final double[] R = StudentTGarchTest.returns("PETR4.SA.csv", 1500);

    /** Percent returns and arch's backcast, as StudentTGarch fits them. */
    private static GarchLikelihood likelihood() {
        double[] y = new double[R.length];
        double mean = 0;
        for (int t = 0; t < y.length; t++) {
            y[t] = R[t] * 100;
            mean += y[t] / y.length;
        }
        return new GarchLikelihood(y, StudentTGarch.backcast(y, mean));
    }

    /** Points near the estimate, at the start grid's corners and far from both (heavy tails, light tails). */
    private static final double[][] POINTS = {
            GarchLikelihood.toTheta(0.03, 0.06, 0.07, 0.92, 5.7),
            GarchLikelihood.toTheta(-0.2, 0.5, 0.15, 0.60, 4),
            GarchLikelihood.toTheta(0.1, 0.01, 0.02, 0.97, 30),
            GarchLikelihood.toTheta(0, 2, 0.3, 0.3, 2.3),
            GarchLikelihood.toTheta(0.5, 0.2, 0.01, 0.95, 300)};

    @Test
    void theValueIsTheStudentTLogLikelihood() {
        GarchLikelihood l = likelihood();
        double backcast = StudentTGarch.backcast(scaled(), mean(scaled()));
        for (double[] theta : POINTS) {
            double[] p = GarchLikelihood.fromTheta(theta);
            GarchParameters q = new GarchParameters(p[0], p[1], p[2], p[3], p[4]);
            double exact = StudentTGarch.logLikelihood(q, scaled(), backcast);
            assertEquals(exact, -l.value(theta), 1e-9 * Math.abs(exact), "at " + q);
        }
    }

    @Test
    void theGradientIsTheDerivativeOfTheValue() {
        GarchLikelihood l = likelihood();
        for (double[] theta : POINTS) {
            double[] gradient = new double[5];
            l.valueAndGradient(theta, gradient);
            for (int i = 0; i < 5; i++) {
                // central differences: truncation ~h^2, rounding of the value (~1e-10 at nu 300) / h
                double h = 1e-4;
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[i] += h;
                down[i] -= h;
                double numeric = (l.value(up) - l.value(down)) / (2 * h);
                assertEquals(numeric, gradient[i], 1e-5 * Math.max(1, Math.abs(numeric)),
                        "coordinate " + i + " at " + Arrays.toString(GarchLikelihood.fromTheta(theta)));
            }
        }
    }

    @Test
    void whereTheLikelihoodIsNotFiniteTheValueIsInfinite() {
        GarchLikelihood l = likelihood();
        double[] gradient = new double[5];
        double[] theta = {Double.NaN, 0, 0, 0, 0};
        assertEquals(Double.POSITIVE_INFINITY, l.valueAndGradient(theta, gradient));
        assertTrue(Double.isNaN(gradient[0]));
        // omega = e^800 overflows
        assertEquals(Double.POSITIVE_INFINITY, l.value(new double[] {0, 800, 0, 0, 0}));
        assertEquals(2, l.evaluations());
    }

    @Test
    void whereARunningProductOverflowsTheValueIsStillTheExactOne() {
        // a squared shock of 1e148 then one of 1e162: the product of the (h k + e^2) overflows on the second return
        double[] y = {1e74, 1e81, 0.1, -0.2, 0.3, 1.5, -0.7};
        GarchLikelihood l = new GarchLikelihood(y, 1);
        double[] theta = GarchLikelihood.toTheta(0, 1, 0.5, 0.4, 5);
        double[] p = GarchLikelihood.fromTheta(theta);
        double exact = StudentTGarch.logLikelihood(new GarchParameters(p[0], p[1], p[2], p[3], p[4]), y, 1);
        assertTrue(Double.isFinite(exact));
        assertEquals(exact, -l.value(theta), 1e-12 * Math.abs(exact));
        // and a variance of 1e200 (folded every return) is summed exactly too
        double[] huge = GarchLikelihood.toTheta(0, 1e200, 0.05, 0.9, 5);
        p = GarchLikelihood.fromTheta(huge);
        double backcast = StudentTGarch.backcast(scaled(), mean(scaled()));
        exact = StudentTGarch.logLikelihood(new GarchParameters(p[0], p[1], p[2], p[3], p[4]), scaled(), backcast);
        assertEquals(exact, -likelihood().value(huge), 1e-12 * Math.abs(exact));
    }

    private static double[] scaled() {
        double[] y = new double[R.length];
        for (int t = 0; t < y.length; t++) {
            y[t] = R[t] * 100;
        }
        return y;
    }

    private static double mean(double[] y) {
        double m = 0;
        for (double v : y) {
            m += v / y.length;
        }
        return m;
    }
}
