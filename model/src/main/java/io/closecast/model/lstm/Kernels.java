package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numeric kernels of closecast's LSTM training and inference: small dense matrix products and the LSTM
 * cell's element-wise forward and backward steps, on row-major {@code float} arrays addressed by
 * (array, offset, leading dimension).
 *
 * <p>Two implementations compute the same math: {@link VectorKernels} with the JDK's Vector API
 * ({@code jdk.incubator.vector}: register-blocked fused multiply-adds, SVML {@code exp}/{@code tanh}), used when
 * the JVM runs with {@code --add-modules jdk.incubator.vector} (closecast's launchers and build pass it), and the
 * plain loops of {@link ScalarKernels} otherwise, or when the system property {@value #PROPERTY} is
 * {@code scalar}. The choice is made once per JVM and logged; {@link #implementation()} names it.
 */
public final class Kernels {
    /** System property that forces an implementation: {@code vector} or {@code scalar}. */
    public static final String PROPERTY = "closecast.kernels";
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static final boolean VECTOR = chooseVector();

    private Kernels() {
    }

    private static boolean chooseVector() {
        boolean available = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String forced = System.getProperty(PROPERTY, "");
        boolean vector = switch (forced) {
            case "scalar" -> false;
            case "vector" -> {
                if (!available) {
                    throw new ModelException(PROPERTY + "=vector needs the JVM option --add-modules jdk.incubator.vector,"
                            + " which this JVM was started without");
                }
                yield true;
            }
            case "" -> available;
            default -> throw new ModelException(PROPERTY + " must be vector or scalar, found '" + forced + "'");
        };
        if (vector) {
            LOG.debug("LSTM kernels: Vector API, {}", VectorKernels.describe());
        } else {
            LOG.info("LSTM kernels: scalar loops ({}); start the JVM with --add-modules jdk.incubator.vector"
                    + " for the faster Vector API kernels", available ? PROPERTY + "=scalar" : "jdk.incubator.vector not loaded");
        }
        return vector;
    }

    /**
     * Which implementation this JVM uses, e.g. {@code vector (256-bit)} or {@code scalar}.
     *
     * @return a short description for logs and benchmark reports
     */
    public static String implementation() {
        return VECTOR ? "vector (" + VectorKernels.describe() + ")" : "scalar";
    }

    /**
     * {@code C[m][n] += A[m][k] . B[k][n]}.
     *
     * @param m rows of A and C
     * @param n columns of B and C
     * @param k columns of A, rows of B
     * @param a A's values
     * @param ao A's first element
     * @param lda A's row stride
     * @param b B's values
     * @param bo B's first element
     * @param ldb B's row stride
     * @param c C's values, added to
     * @param co C's first element
     * @param ldc C's row stride
     */
    public static void gemm(int m, int n, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                     float[] c, int co, int ldc) {
        if (VECTOR) {
            VectorKernels.gemm(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        } else {
            ScalarKernels.gemm(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        }
    }

    /**
     * {@code C[k][n] += A[m][k]^T . D[m][n]} (a weight gradient: inputs transposed times output deltas).
     *
     * @param m rows of A and D (e.g. time steps times batch rows)
     * @param n columns of D and C
     * @param k columns of A, rows of C
     * @param a A's values
     * @param ao A's first element
     * @param lda A's row stride
     * @param d D's values
     * @param dOff D's first element
     * @param ldd D's row stride
     * @param c C's values, added to
     * @param co C's first element
     * @param ldc C's row stride
     */
    public static void gemmTN(int m, int n, int k, float[] a, int ao, int lda, float[] d, int dOff, int ldd,
                       float[] c, int co, int ldc) {
        if (VECTOR) {
            VectorKernels.gemmTN(m, n, k, a, ao, lda, d, dOff, ldd, c, co, ldc);
        } else {
            ScalarKernels.gemmTN(m, n, k, a, ao, lda, d, dOff, ldd, c, co, ldc);
        }
    }

    /**
     * {@code out[j] += sum over rows r of D[r][j]}, {@code D} being {@code m x n} with leading dimension n.
     *
     * @param m rows of D
     * @param n columns of D and values of {@code out} added to
     * @param d D's values
     * @param dOff D's first element
     * @param out the sums' array, added to
     * @param oOff the first sum's index
     */
    public static void columnSums(int m, int n, float[] d, int dOff, float[] out, int oOff) {
        for (int r = 0; r < m; r++) {
            int row = dOff + r * n;
            for (int j = 0; j < n; j++) {
                out[oOff + j] += d[row + j];
            }
        }
    }

    /**
     * The LSTM cell's element-wise forward step for {@code rows} rows of {@code u} units, DL4J's gate order
     * [block input, forget, output, input gate]: replaces the pre-activations {@code a[rows][4u]} with the gate
     * activations and writes the cell {@code c}, {@code tanh(c)} and the output {@code h} ({@code [rows][u]}).
     * {@code cPrev} is read only when {@code hasPrev}.
     *
     * @param rows batch rows of this step
     * @param u units per gate
     * @param a the gate pre-activations {@code [rows][4u]}, replaced by the activations
     * @param ao {@code a}'s first element
     * @param hasPrev false on the first step (no previous cell)
     * @param cPrev the previous step's cells
     * @param po {@code cPrev}'s first element
     * @param c this step's cells, written
     * @param tc {@code tanh(c)}, written
     * @param h this step's outputs, written
     * @param co the first element of {@code c}, {@code tc} and {@code h}
     */
    public static void lstmCell(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                         float[] c, float[] tc, float[] h, int co) {
        if (VECTOR) {
            VectorKernels.lstmCell(rows, u, a, ao, hasPrev, cPrev, po, c, tc, h, co);
        } else {
            ScalarKernels.lstmCell(rows, u, a, ao, hasPrev, cPrev, po, c, tc, h, co);
        }
    }

    /**
     * The LSTM cell's element-wise backward step: from the gate activations {@code a}, {@code tanh(c)},
     * the previous cell ({@code hasPrev}), {@code dL/dh} of this step ({@code dh}) and {@code dL/dc} carried
     * from the next step ({@code dc}, overwritten with the carry to the previous step), writes {@code dL/d}
     * of the gate pre-activations into {@code dg} at the same offsets as {@code a}.
     *
     * @param rows batch rows of this step
     * @param u units per gate
     * @param a the step's gate activations {@code [rows][4u]}
     * @param ao {@code a}'s (and {@code dg}'s) first element
     * @param hasPrev false on the first step (no previous cell)
     * @param cPrev the previous step's cells
     * @param po {@code cPrev}'s first element
     * @param tc this step's {@code tanh(c)}
     * @param co {@code tc}'s first element
     * @param dh {@code dL/dh} of this step {@code [rows][u]}
     * @param dc {@code dL/dc} from the next step, overwritten with the carry to the previous one
     * @param dg {@code dL/d} of the gate pre-activations, written
     */
    public static void lstmCellBackward(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                                 float[] tc, int co, float[] dh, float[] dc, float[] dg) {
        if (VECTOR) {
            VectorKernels.lstmCellBackward(rows, u, a, ao, hasPrev, cPrev, po, tc, co, dh, dc, dg);
        } else {
            ScalarKernels.lstmCellBackward(rows, u, a, ao, hasPrev, cPrev, po, tc, co, dh, dc, dg);
        }
    }

    /**
     * One LSTM layer forward over a whole sequence, time-major: {@code x[steps][n][inW]} in, gate activations
     * {@code a[steps][n][4u]}, cells {@code c}, {@code tanh(c)} {@code tc} and outputs {@code h}
     * ({@code [steps][n][u]}) out. Weights row-major as DL4J stores them: {@code W[inW][4u]} at {@code wo},
     * {@code RW[u][4u]} at {@code ro}, bias {@code [4u]} at {@code bo}. The input projection of every step is one
     * product; only the recurrent product runs step by step.
     *
     * @param n batch rows per step
     * @param steps time steps
     * @param inW input width per row
     * @param u units per gate
     * @param x the inputs {@code [steps][n][inW]}
     * @param w the array holding {@code W}
     * @param wo {@code W}'s first element
     * @param rw the array holding {@code RW}
     * @param ro {@code RW}'s first element
     * @param bias the array holding the bias
     * @param bo the bias's first element
     * @param a the gate activations {@code [steps][n][4u]}, written
     * @param c the cells {@code [steps][n][u]}, written
     * @param tc {@code tanh(c)}, written
     * @param h the outputs {@code [steps][n][u]}, written
     */
    public static void lstmLayer(int n, int steps, int inW, int u, float[] x, float[] w, int wo, float[] rw, int ro,
                          float[] bias, int bo, float[] a, float[] c, float[] tc, float[] h) {
        int g = 4 * u;
        int rows = steps * n;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bias, bo, a, r * g, g);
        }
        gemm(rows, g, inW, x, 0, inW, w, wo, g, a, 0, g);
        for (int t = 0; t < steps; t++) {
            int ab = t * n * g;
            int cb = t * n * u;
            if (t > 0) {
                gemm(n, g, u, h, cb - n * u, u, rw, ro, g, a, ab, g);
            }
            lstmCell(n, u, a, ab, t > 0, c, cb - n * u, c, tc, h, cb);
        }
    }

    /**
     * Fills {@code a[from, from + count)} with zeros.
     *
     * @param a the array
     * @param from the first index to clear
     * @param count how many values to clear
     */
    public static void zero(float[] a, int from, int count) {
        Arrays.fill(a, from, from + count, 0f);
    }
}
