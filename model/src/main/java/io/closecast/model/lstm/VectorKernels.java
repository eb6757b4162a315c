package io.closecast.model.lstm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} with the JDK's Vector API. The matrix products keep a block of 2 rows x 4 vectors of the
 * result in registers (8 accumulators: within the 16 vector registers of AVX2) and stream the other operand
 * through them with fused multiply-adds. The gate functions are a rational approximation of tanh (sigmoid through
 * tanh) written with basic lane operations: not the Vector API's {@code EXP}/{@code TANH}, which HotSpot backs with
 * SVML once compiled but computes with {@code Math.exp} before, so the same training would give different bits
 * depending on JIT timing. Basic operations and fused multiply-adds round the same way interpreted and compiled:
 * training stays reproducible bit for bit. Columns that do not fill a vector are done in scalar code.
 * Loaded only when {@code jdk.incubator.vector} is in the JVM (see {@link Kernels}).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the streamed operand per block in {@link #gemmTN}, so a block stays in the L2 cache. */
    private static final int ROW_BLOCK = 128;

    private VectorKernels() {
    }

    static String describe() {
        return S.vectorBitSize() + "-bit, " + L + " floats";
    }

    static void gemm(int m, int n, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                     float[] c, int co, int ldc) {
        if (m == 1) {
            gemv(n, k, a, ao, b, bo, ldb, c, co);
            return;
        }
        // C's rows i, i+1 take A's rows (stride lda), summed over A's columns p (step 1) and B's rows (step ldb)
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                block2x4(k, a, ao + i * lda, lda, 1, b, bo + j, ldb, c, co + i * ldc + j, ldc);
            }
            if (i < m) {
                block1x4(k, a, ao + i * lda, 1, b, bo + j, ldb, c, co + i * ldc + j);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < m; i++) {
                block1x1(k, a, ao + i * lda, 1, b, bo + j, ldb, c, co + i * ldc + j);
            }
        }
        for (; j < n; j++) {
            for (int i = 0; i < m; i++) {
                scalar(k, a, ao + i * lda, 1, b, bo + j, ldb, c, co + i * ldc + j);
            }
        }
    }

    /**
     * {@link #gemm} for one row (a single window's step): 8 accumulators across the row, so the fused multiply-adds
     * of one {@code p} do not wait for each other.
     */
    private static void gemv(int n, int k, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co) {
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            int c0 = co + j;
            FloatVector s0 = FloatVector.fromArray(S, c, c0);
            FloatVector s1 = FloatVector.fromArray(S, c, c0 + L);
            FloatVector s2 = FloatVector.fromArray(S, c, c0 + 2 * L);
            FloatVector s3 = FloatVector.fromArray(S, c, c0 + 3 * L);
            FloatVector s4 = FloatVector.fromArray(S, c, c0 + 4 * L);
            FloatVector s5 = FloatVector.fromArray(S, c, c0 + 5 * L);
            FloatVector s6 = FloatVector.fromArray(S, c, c0 + 6 * L);
            FloatVector s7 = FloatVector.fromArray(S, c, c0 + 7 * L);
            int bp = bo + j;
            for (int p = 0; p < k; p++, bp += ldb) {
                FloatVector x = FloatVector.broadcast(S, a[ao + p]);
                s0 = x.fma(FloatVector.fromArray(S, b, bp), s0);
                s1 = x.fma(FloatVector.fromArray(S, b, bp + L), s1);
                s2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2);
                s3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), s3);
                s4 = x.fma(FloatVector.fromArray(S, b, bp + 4 * L), s4);
                s5 = x.fma(FloatVector.fromArray(S, b, bp + 5 * L), s5);
                s6 = x.fma(FloatVector.fromArray(S, b, bp + 6 * L), s6);
                s7 = x.fma(FloatVector.fromArray(S, b, bp + 7 * L), s7);
            }
            s0.intoArray(c, c0);
            s1.intoArray(c, c0 + L);
            s2.intoArray(c, c0 + 2 * L);
            s3.intoArray(c, c0 + 3 * L);
            s4.intoArray(c, c0 + 4 * L);
            s5.intoArray(c, c0 + 5 * L);
            s6.intoArray(c, c0 + 6 * L);
            s7.intoArray(c, c0 + 7 * L);
        }
        for (; j + L <= n; j += L) {
            block1x1(k, a, ao, 1, b, bo + j, ldb, c, co + j);
        }
        for (; j < n; j++) {
            scalar(k, a, ao, 1, b, bo + j, ldb, c, co + j);
        }
    }

    static void gemmTN(int m, int n, int k, float[] a, int ao, int lda, float[] d, int dOff, int ldd,
                       float[] c, int co, int ldc) {
        // C's rows q, q+1 take A's columns (stride 1), summed over A's rows r (step lda) and D's rows (step ldd),
        // a block of ROW_BLOCK rows at a time
        for (int r0 = 0; r0 < m; r0 += ROW_BLOCK) {
            int rows = Math.min(m, r0 + ROW_BLOCK) - r0;
            int ar = ao + r0 * lda;
            int dr = dOff + r0 * ldd;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                int q = 0;
                for (; q + 2 <= k; q += 2) {
                    block2x4(rows, a, ar + q, 1, lda, d, dr + j, ldd, c, co + q * ldc + j, ldc);
                }
                if (q < k) {
                    block1x4(rows, a, ar + q, lda, d, dr + j, ldd, c, co + q * ldc + j);
                }
            }
            for (; j + L <= n; j += L) {
                for (int q = 0; q < k; q++) {
                    block1x1(rows, a, ar + q, lda, d, dr + j, ldd, c, co + q * ldc + j);
                }
            }
            for (; j < n; j++) {
                for (int q = 0; q < k; q++) {
                    scalar(rows, a, ar + q, lda, d, dr + j, ldd, c, co + q * ldc + j);
                }
            }
        }
    }

    // The micro-kernels both products share: count steps of c[row][0 .. width) += a[at] * b[bp .. bp + width), the
    // a index advancing by aStep and bp by bStep each step. A second row of c (ldc further on) takes a's values
    // aRow further on.

    /** Two rows x 4 vectors: 8 accumulators held in registers. */
    private static void block2x4(int count, float[] a, int at, int aRow, int aStep, float[] b, int bp, int bStep,
                                 float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        FloatVector s00 = FloatVector.fromArray(S, c, c0);
        FloatVector s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector s03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1);
        FloatVector s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        for (int p = 0; p < count; p++, at += aStep, bp += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[at]);
            FloatVector x1 = FloatVector.broadcast(S, a[at + aRow]);
            s00 = x0.fma(b0, s00);
            s01 = x0.fma(b1, s01);
            s02 = x0.fma(b2, s02);
            s03 = x0.fma(b3, s03);
            s10 = x1.fma(b0, s10);
            s11 = x1.fma(b1, s11);
            s12 = x1.fma(b2, s12);
            s13 = x1.fma(b3, s13);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
    }

    /** One row x 4 vectors. */
    private static void block1x4(int count, float[] a, int at, int aStep, float[] b, int bp, int bStep,
                                 float[] c, int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        FloatVector s1 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s2 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector s3 = FloatVector.fromArray(S, c, c0 + 3 * L);
        for (int p = 0; p < count; p++, at += aStep, bp += bStep) {
            FloatVector x0 = FloatVector.broadcast(S, a[at]);
            s0 = x0.fma(FloatVector.fromArray(S, b, bp), s0);
            s1 = x0.fma(FloatVector.fromArray(S, b, bp + L), s1);
            s2 = x0.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2);
            s3 = x0.fma(FloatVector.fromArray(S, b, bp + 3 * L), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
        s3.intoArray(c, c0 + 3 * L);
    }

    /** One row x 1 vector. */
    private static void block1x1(int count, float[] a, int at, int aStep, float[] b, int bp, int bStep,
                                 float[] c, int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        for (int p = 0; p < count; p++, at += aStep, bp += bStep) {
            s0 = FloatVector.broadcast(S, a[at]).fma(FloatVector.fromArray(S, b, bp), s0);
        }
        s0.intoArray(c, c0);
    }

    /** One element, for the columns that do not fill a vector. */
    private static void scalar(int count, float[] a, int at, int aStep, float[] b, int bp, int bStep,
                               float[] c, int c0) {
        float s = c[c0];
        for (int p = 0; p < count; p++, at += aStep, bp += bStep) {
            s = Math.fma(a[at], b[bp], s);
        }
        c[c0] = s;
    }

    /** tanh(x) is within float rounding of +-1 beyond this; the rational approximation is fitted up to it. */
    private static final float TANH_CLAMP = 7.90531110763549805f;

    /**
     * tanh(x) as the rational function Eigen and ONNX Runtime's MLAS use for float (odd polynomial of degree 13 over
     * an even one of degree 6, x clamped to +-7.905): within 2.4e-7 of tanh, one division, no exp.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector v = x.max(-TANH_CLAMP).min(TANH_CLAMP);
        FloatVector z = v.mul(v);
        FloatVector p = z.fma(-2.76076847742355e-16f, 2.00018790482477e-13f);
        p = p.fma(z, FloatVector.broadcast(S, -8.60467152213735e-11f));
        p = p.fma(z, FloatVector.broadcast(S, 5.12229709037114e-08f));
        p = p.fma(z, FloatVector.broadcast(S, 1.48572235717979e-05f));
        p = p.fma(z, FloatVector.broadcast(S, 6.37261928875436e-04f));
        p = p.fma(z, FloatVector.broadcast(S, 4.89352455891786e-03f));
        FloatVector q = z.fma(1.19825839466702e-06f, 1.18534705686654e-04f);
        q = q.fma(z, FloatVector.broadcast(S, 2.26843463243900e-03f));
        q = q.fma(z, FloatVector.broadcast(S, 4.89352518554385e-03f));
        return p.mul(v).div(q);
    }

    /** The logistic function as 0.5 + 0.5 tanh(x / 2): within 1.2e-7 of 1 / (1 + e^-x). */
    static FloatVector sigmoid(FloatVector x) {
        return tanh(x.mul(0.5f)).fma(0.5f, 0.5f);
    }

    // The cell's steps are separate small methods taking arrays, never vectors: C2 stops inlining when a method
    // grows past its node budget, and a vector value that crosses a call that was not inlined is boxed on the heap
    // (one big method allocated ~2 KB per row and ran 3x slower).

    static void lstmCell(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                         float[] c, float[] tc, float[] h, int co) {
        int g = 4 * u;
        for (int r = 0; r < rows; r++) {
            int ab = ao + r * g;
            int cb = co + r * u;
            tanhInPlace(a, ab, u);
            sigmoidInPlace(a, ab + u, 3 * u);  // forget, output and input gates are contiguous
            if (hasPrev) {
                cellWithPrevious(u, a, ab, cPrev, po + r * u, c, tc, h, cb);
            } else {
                cellFirstStep(u, a, ab, c, tc, h, cb);
            }
        }
    }

    private static void tanhInPlace(float[] a, int from, int count) {
        int end = from + count - count % L;
        int i = from;
        for (; i < end; i += L) {
            tanh(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
        for (; i < from + count; i++) {
            a[i] = ScalarKernels.tanh(a[i]);
        }
    }

    private static void sigmoidInPlace(float[] a, int from, int count) {
        int end = from + count - count % L;
        int i = from;
        for (; i < end; i += L) {
            sigmoid(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
        for (; i < from + count; i++) {
            a[i] = ScalarKernels.sigmoid(a[i]);
        }
    }

    /** c = forget * cPrev + input * block; tc = tanh(c); h = output * tc, from the activated gates at {@code ab}. */
    private static void cellWithPrevious(int u, float[] a, int ab, float[] cPrev, int pb, float[] c, float[] tc,
                                         float[] h, int cb) {
        int vu = u - u % L;
        for (int j = 0; j < vu; j += L) {
            FloatVector cell = FloatVector.fromArray(S, a, ab + u + j).fma(FloatVector.fromArray(S, cPrev, pb + j),
                    FloatVector.fromArray(S, a, ab + 3 * u + j).mul(FloatVector.fromArray(S, a, ab + j)));
            cell.intoArray(c, cb + j);
            FloatVector tcell = tanh(cell);
            tcell.intoArray(tc, cb + j);
            FloatVector.fromArray(S, a, ab + 2 * u + j).mul(tcell).intoArray(h, cb + j);
        }
        for (int j = vu; j < u; j++) {
            float cell = a[ab + u + j] * cPrev[pb + j] + a[ab + 3 * u + j] * a[ab + j];
            cellScalar(cell, a[ab + 2 * u + j], c, tc, h, cb + j);
        }
    }

    /** {@link #cellWithPrevious} at the first step, where the previous cell is zero. */
    private static void cellFirstStep(int u, float[] a, int ab, float[] c, float[] tc, float[] h, int cb) {
        int vu = u - u % L;
        for (int j = 0; j < vu; j += L) {
            FloatVector cell = FloatVector.fromArray(S, a, ab + 3 * u + j).mul(FloatVector.fromArray(S, a, ab + j));
            cell.intoArray(c, cb + j);
            FloatVector tcell = tanh(cell);
            tcell.intoArray(tc, cb + j);
            FloatVector.fromArray(S, a, ab + 2 * u + j).mul(tcell).intoArray(h, cb + j);
        }
        for (int j = vu; j < u; j++) {
            cellScalar(a[ab + 3 * u + j] * a[ab + j], a[ab + 2 * u + j], c, tc, h, cb + j);
        }
    }

    private static void cellScalar(float cell, float out, float[] c, float[] tc, float[] h, int at) {
        c[at] = cell;
        float tcell = ScalarKernels.tanh(cell);
        tc[at] = tcell;
        h[at] = out * tcell;
    }

    static void lstmCellBackward(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                                 float[] tc, int co, float[] dh, float[] dc, float[] dg) {
        int g = 4 * u;
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int vu = u - u % L;
        for (int r = 0; r < rows; r++) {
            int ab = ao + r * g;
            int cb = co + r * u;
            int pb = po + r * u;
            int sb = r * u;
            for (int j = 0; j < vu; j += L) {
                FloatVector dhj = FloatVector.fromArray(S, dh, sb + j);
                FloatVector block = FloatVector.fromArray(S, a, ab + j);
                FloatVector forget = FloatVector.fromArray(S, a, ab + u + j);
                FloatVector o = FloatVector.fromArray(S, a, ab + 2 * u + j);
                FloatVector input = FloatVector.fromArray(S, a, ab + 3 * u + j);
                FloatVector tcell = FloatVector.fromArray(S, tc, cb + j);
                FloatVector dcj = dhj.mul(o).mul(one.sub(tcell.mul(tcell))).add(FloatVector.fromArray(S, dc, sb + j));
                dcj.mul(input).mul(one.sub(block.mul(block))).intoArray(dg, ab + j);
                if (hasPrev) {
                    dcj.mul(FloatVector.fromArray(S, cPrev, pb + j)).mul(forget).mul(one.sub(forget))
                            .intoArray(dg, ab + u + j);
                } else {
                    zero.intoArray(dg, ab + u + j);
                }
                dhj.mul(tcell).mul(o).mul(one.sub(o)).intoArray(dg, ab + 2 * u + j);
                dcj.mul(block).mul(input).mul(one.sub(input)).intoArray(dg, ab + 3 * u + j);
                dcj.mul(forget).intoArray(dc, sb + j);
            }
            if (vu < u) {
                ScalarKernels.lstmCellBackwardColumns(vu, u, u, a, ab, hasPrev, cPrev, pb, tc, cb, dh, dc, dg, sb);
            }
        }
    }
}
