package io.closecast.model.risk;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuasiNewtonTest {

    /** The five-dimensional Rosenbrock function, minimum 0 at (1, ..., 1): a narrow curved valley. */
    private static double rosenbrock(double[] x, double[] g) {
        double f = 0;
        Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    @Test
    void findsTheMinimumOfACurvedValley() {
        QuasiNewton.Outcome o = QuasiNewton.minimise(QuasiNewtonTest::rosenbrock, new double[] {-1.2, 1, -1.2, 1, -1.2},
                1e-8, 2, 500);
        assertTrue(o.converged(), "" + o);
        for (double x : o.point()) {
            assertEquals(1, x, 1e-6, Arrays.toString(o.point()));
        }
        assertTrue(o.value() < 1e-12);
        assertTrue(o.iterations() < 200, "took " + o.iterations());
    }

    @Test
    void staysWhereTheFunctionIsDefined() {
        // -ln x - ln (1 - x) + (x - 0.3)^2: infinite outside (0, 1); a long first step lands outside
        QuasiNewton.Objective f = (x, g) -> {
            if (!(x[0] > 0 && x[0] < 1)) {
                return Double.POSITIVE_INFINITY;
            }
            g[0] = -1 / x[0] + 1 / (1 - x[0]) + 2 * (x[0] - 0.3);
            return -Math.log(x[0]) - Math.log(1 - x[0]) + (x[0] - 0.3) * (x[0] - 0.3);
        };
        QuasiNewton.Outcome o = QuasiNewton.minimise(f, new double[] {0.999}, 1e-10, 2, 100);
        assertTrue(o.converged(), "" + o);
        double[] g = new double[1];
        f.valueAndGradient(o.point(), g);
        assertEquals(0, g[0], 1e-10);
    }

    @Test
    void saysWhenItDidNotConverge() {
        QuasiNewton.Outcome o = QuasiNewton.minimise(QuasiNewtonTest::rosenbrock, new double[] {-1.2, 1, -1.2, 1, -1.2},
                1e-8, 2, 3);
        assertFalse(o.converged());
        assertEquals(3, o.iterations());
        assertFalse(QuasiNewton.minimise((x, g) -> Double.NaN, new double[] {0}, 1e-8, 2, 10).converged());
        // unbounded below: the steps never end in a flat gradient
        assertFalse(QuasiNewton.minimise((x, g) -> {
            g[0] = -1;
            return -x[0];
        }, new double[] {0}, 1e-8, 2, 50).converged());
    }
}
