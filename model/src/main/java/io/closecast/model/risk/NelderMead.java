package io.closecast.model.risk;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/**
 * A Nelder-Mead simplex minimiser (the standard coefficients: reflection 1, expansion 2, contraction 1/2, shrink
 * 1/2) for the few smooth parameters of a volatility model. A non-finite function value counts as infinitely bad.
 * Converged when the simplex's function values agree within {@code tolerance} (absolute) and its vertices within
 * {@code tolerance} in every coordinate.
 */
final class NelderMead {

    /**
     * Where the search stopped.
     *
     * @param point the best vertex
     * @param value the function there
     * @param evaluations function evaluations spent
     * @param converged whether the tolerances were met before the evaluation budget ran out
     */
    record Outcome(double[] point, double value, int evaluations, boolean converged) {
    }

    private NelderMead() {
    }

    static Outcome minimise(ToDoubleFunction<double[]> f, double[] start, double step, double tolerance,
                            int maxEvaluations) {
        int d = start.length;
        double[][] simplex = new double[d + 1][];
        double[] values = new double[d + 1];
        int[] evaluations = {0};
        ToDoubleFunction<double[]> g = x -> {
            evaluations[0]++;
            double v = f.applyAsDouble(x);
            return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
        };
        simplex[0] = start.clone();
        for (int i = 0; i < d; i++) {
            simplex[i + 1] = start.clone();
            simplex[i + 1][i] += step;
        }
        for (int i = 0; i <= d; i++) {
            values[i] = g.applyAsDouble(simplex[i]);
        }
        Integer[] order = new Integer[d + 1];
        while (true) {
            for (int i = 0; i <= d; i++) {
                order[i] = i;
            }
            double[] v = values;
            Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
            double[][] s = new double[d + 1][];
            double[] sv = new double[d + 1];
            for (int i = 0; i <= d; i++) {
                s[i] = simplex[order[i]];
                sv[i] = values[order[i]];
            }
            simplex = s;
            values = sv;
            if (converged(simplex, values, tolerance)) {
                return new Outcome(simplex[0].clone(), values[0], evaluations[0], true);
            }
            if (evaluations[0] >= maxEvaluations) {
                return new Outcome(simplex[0].clone(), values[0], evaluations[0], false);
            }
            double[] centroid = new double[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    centroid[j] += simplex[i][j] / d;
                }
            }
            double[] worst = simplex[d];
            double[] reflected = along(centroid, worst, -1);
            double fr = g.applyAsDouble(reflected);
            if (fr < values[0]) {
                double[] expanded = along(centroid, worst, -2);
                double fe = g.applyAsDouble(expanded);
                if (fe < fr) {
                    simplex[d] = expanded;
                    values[d] = fe;
                } else {
                    simplex[d] = reflected;
                    values[d] = fr;
                }
            } else if (fr < values[d - 1]) {
                simplex[d] = reflected;
                values[d] = fr;
            } else {
                boolean outside = fr < values[d];
                double[] contracted = along(centroid, worst, outside ? -0.5 : 0.5);
                double fc = g.applyAsDouble(contracted);
                if (fc < (outside ? fr : values[d])) {
                    simplex[d] = contracted;
                    values[d] = fc;
                } else {
                    for (int i = 1; i <= d; i++) {
                        for (int j = 0; j < d; j++) {
                            simplex[i][j] = simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]);
                        }
                        values[i] = g.applyAsDouble(simplex[i]);
                    }
                }
            }
        }
    }

    /** {@code centroid + t (point - centroid)}. */
    private static double[] along(double[] centroid, double[] point, double t) {
        double[] out = new double[centroid.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = centroid[j] + t * (point[j] - centroid[j]);
        }
        return out;
    }

    private static boolean converged(double[][] simplex, double[] values, double tolerance) {
        if (!Double.isFinite(values[0]) || Math.abs(values[values.length - 1] - values[0]) > tolerance) {
            return false;
        }
        for (int i = 1; i < simplex.length; i++) {
            for (int j = 0; j < simplex[0].length; j++) {
                if (Math.abs(simplex[i][j] - simplex[0][j]) > tolerance) {
                    return false;
                }
            }
        }
        return true;
    }
}
