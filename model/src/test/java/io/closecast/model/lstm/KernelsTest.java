package io.closecast.model.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against the plain loops (and the plain loops against a float64 reference) on shapes that
 * exercise every path: full 2 x 4-vector blocks, odd row counts, single vectors and scalar column tails,
 * offsets and leading dimensions larger than the row.
 */
class KernelsTest {
    private static final int[][] SHAPES = {
            // m, n, k
            {1, 1, 1}, {1, 128, 32}, {2, 128, 32}, {16, 128, 32}, {17, 128, 33}, {960, 128, 1}, {5, 37, 7},
            {3, 8, 5}, {4, 40, 9}, {7, 72, 3}, {9, 3, 128}, {31, 32, 128}, {2, 132, 64}, {300, 128, 32},
    };

    private static float[] random(SplittableRandom rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void theVectorApiIsInUseInTheseTests() {
        // the build runs the tests with --add-modules jdk.incubator.vector; without it this suite would compare
        // the scalar kernels with themselves through Kernels
        assertTrue(Kernels.implementation().startsWith("vector"), Kernels.implementation());
    }

    @Test
    void gemmMatchesTheScalarLoopsAndAFloat64Reference() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] shape : SHAPES) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            int lda = k + 3;
            int ldb = n + 5;
            int ldc = n + 2;
            int ao = 4;
            int bo = 9;
            int co = 6;
            float[] a = random(rng, ao + m * lda);
            float[] b = random(rng, bo + k * ldb);
            float[] c0 = random(rng, co + m * ldc + 3);
            float[] vector = c0.clone();
            float[] scalar = c0.clone();
            VectorKernels.gemm(m, n, k, a, ao, lda, b, bo, ldb, vector, co, ldc);
            ScalarKernels.gemm(m, n, k, a, ao, lda, b, bo, ldb, scalar, co, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = c0[co + i * ldc + j];
                    for (int p = 0; p < k; p++) {
                        ref += (double) a[ao + i * lda + p] * b[bo + p * ldb + j];
                    }
                    String where = "gemm m=" + m + " n=" + n + " k=" + k + " at [" + i + "][" + j + "]";
                    assertEquals(ref, vector[co + i * ldc + j], 1e-5 * (1 + k), where + " (vector)");
                    assertEquals(ref, scalar[co + i * ldc + j], 1e-5 * (1 + k), where + " (scalar)");
                }
                // the padding between rows is untouched
                for (int j = n; j < ldc && co + i * ldc + j < c0.length; j++) {
                    assertEquals(c0[co + i * ldc + j], vector[co + i * ldc + j], "gemm wrote past column n");
                }
            }
            assertEquals(c0[co - 1], vector[co - 1], "gemm wrote before the offset");
        }
    }

    @Test
    void gemmTnMatchesTheScalarLoopsAndAFloat64Reference() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] shape : SHAPES) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            int lda = k + 1;
            int ldd = n + 4;
            int ldc = n + 3;
            int ao = 2;
            int dOff = 5;
            int co = 1;
            float[] a = random(rng, ao + m * lda);
            float[] d = random(rng, dOff + m * ldd);
            float[] c0 = random(rng, co + k * ldc);
            float[] vector = c0.clone();
            float[] scalar = c0.clone();
            VectorKernels.gemmTN(m, n, k, a, ao, lda, d, dOff, ldd, vector, co, ldc);
            ScalarKernels.gemmTN(m, n, k, a, ao, lda, d, dOff, ldd, scalar, co, ldc);
            for (int q = 0; q < k; q++) {
                for (int j = 0; j < n; j++) {
                    double ref = c0[co + q * ldc + j];
                    for (int r = 0; r < m; r++) {
                        ref += (double) a[ao + r * lda + q] * d[dOff + r * ldd + j];
                    }
                    String where = "gemmTN m=" + m + " n=" + n + " k=" + k + " at [" + q + "][" + j + "]";
                    assertEquals(ref, vector[co + q * ldc + j], 1e-5 * (1 + m), where + " (vector)");
                    assertEquals(ref, scalar[co + q * ldc + j], 1e-5 * (1 + m), where + " (scalar)");
                }
            }
        }
    }

    @Test
    void lstmCellForwardAndBackwardMatchTheScalarLoops() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int u : new int[] {1, 5, 8, 32, 37}) {
            for (boolean hasPrev : new boolean[] {false, true}) {
                int rows = 3;
                int g = 4 * u;
                float[] pre = random(rng, 2 + rows * g);
                for (int i = 0; i < pre.length; i++) {
                    pre[i] *= 12;  // saturating gates too
                }
                float[] prev = random(rng, 1 + rows * u);
                float[][] out = new float[2][];
                float[][] grads = new float[2][];
                float[] dh0 = random(rng, rows * u);
                float[] dc0 = random(rng, rows * u);
                for (int impl = 0; impl < 2; impl++) {
                    float[] a = pre.clone();
                    float[] c = new float[rows * u];
                    float[] tc = new float[rows * u];
                    float[] h = new float[rows * u];
                    float[] dh = dh0.clone();
                    float[] dc = dc0.clone();
                    float[] dg = new float[2 + rows * g];
                    if (impl == 0) {
                        VectorKernels.lstmCell(rows, u, a, 2, hasPrev, prev, 1, c, tc, h, 0);
                        VectorKernels.lstmCellBackward(rows, u, a, 2, hasPrev, prev, 1, tc, 0, dh, dc, dg);
                    } else {
                        ScalarKernels.lstmCell(rows, u, a, 2, hasPrev, prev, 1, c, tc, h, 0);
                        ScalarKernels.lstmCellBackward(rows, u, a, 2, hasPrev, prev, 1, tc, 0, dh, dc, dg);
                    }
                    out[impl] = concat(a, c, tc, h);
                    grads[impl] = concat(dg, dc);
                }
                for (int i = 0; i < out[0].length; i++) {
                    assertEquals(out[1][i], out[0][i], 2e-6, "lstmCell u=" + u + " prev=" + hasPrev + " value " + i);
                }
                for (int i = 0; i < grads[0].length; i++) {
                    assertEquals(grads[1][i], grads[0][i], 1e-5, "lstmCellBackward u=" + u + " prev=" + hasPrev
                            + " value " + i);
                }
                // the forward step is an LSTM cell: h = o * tanh(f * prev + i * tanh(block)) for row 0, unit 0
                double block = Math.tanh(pre[2]);
                double f = 1 / (1 + Math.exp(-pre[2 + u]));
                double o = 1 / (1 + Math.exp(-pre[2 + 2 * u]));
                double in = 1 / (1 + Math.exp(-pre[2 + 3 * u]));
                double cell = f * (hasPrev ? prev[1] : 0) + in * block;
                int hAt = 2 + rows * g + 2 * rows * u;
                assertEquals(o * Math.tanh(cell), out[0][hAt], 1e-6, "h of unit 0, u=" + u);
            }
        }
    }

    @Test
    void vectorTanhAndSigmoidAreWithinAFewUlpOfMath() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int lanes = species.length();
        float[] in = new float[lanes];
        float[] t = new float[lanes];
        float[] s = new float[lanes];
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int i = -400_000; i <= 400_000; i += lanes) {
            for (int l = 0; l < lanes; l++) {
                in[l] = (i + l) * 5e-5f;  // -20 .. 20, through 0 and the clamp at 7.9
            }
            var x = jdk.incubator.vector.FloatVector.fromArray(species, in, 0);
            VectorKernels.tanh(x).intoArray(t, 0);
            VectorKernels.sigmoid(x).intoArray(s, 0);
            for (int l = 0; l < lanes; l++) {
                double th = Math.tanh(in[l]);
                worstTanh = Math.max(worstTanh, Math.abs(t[l] - th));
                if (Math.abs(in[l]) < 0.01) {
                    // near 0 the error is relative: tanh(x) ~ x
                    assertEquals(th, t[l], 1e-6 * Math.abs(th) + 1e-12, "tanh(" + in[l] + ")");
                }
                worstSigmoid = Math.max(worstSigmoid, Math.abs(s[l] - 1 / (1 + Math.exp(-in[l]))));
                assertTrue(s[l] >= 0f && s[l] <= 1f && Math.abs(t[l]) <= 1f, "out of range at " + in[l]);
            }
        }
        assertTrue(worstTanh < 3e-7, "worst absolute error of tanh: " + worstTanh);
        assertTrue(worstSigmoid < 2e-7, "worst absolute error of sigmoid: " + worstSigmoid);
        // saturation: no NaN or infinity far outside the range
        float[] far = new float[lanes];
        java.util.Arrays.fill(far, 1e30f);
        far[0] = -1e30f;
        var x = jdk.incubator.vector.FloatVector.fromArray(species, far, 0);
        VectorKernels.tanh(x).intoArray(t, 0);
        VectorKernels.sigmoid(x).intoArray(s, 0);
        assertEquals(-1f, t[0], 1e-6f);
        assertEquals(0f, s[0], 1e-6f);
        assertEquals(1f, t[lanes - 1], 1e-6f);
        assertEquals(1f, s[lanes - 1], 1e-6f);
    }

    private static float[] concat(float[]... parts) {
        int size = 0;
        for (float[] p : parts) {
            size += p.length;
        }
        float[] all = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
