package io.closecast.model.lstm;

/** {@link Kernels} in plain loops (what the JIT auto-vectorises): the fallback and the reference of the tests. */
final class ScalarKernels {
    private ScalarKernels() {
    }

    static void gemm(int m, int n, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                     float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            int ai = ao + i * lda;
            for (int p = 0; p < k; p++) {
                float x = a[ai + p];
                int bp = bo + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += x * b[bp + j];
                }
            }
        }
    }

    static void gemmTN(int m, int n, int k, float[] a, int ao, int lda, float[] d, int dOff, int ldd,
                       float[] c, int co, int ldc) {
        for (int r = 0; r < m; r++) {
            int ar = ao + r * lda;
            int dr = dOff + r * ldd;
            for (int q = 0; q < k; q++) {
                float x = a[ar + q];
                int cq = co + q * ldc;
                for (int j = 0; j < n; j++) {
                    c[cq + j] += x * d[dr + j];
                }
            }
        }
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    static void lstmCell(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                         float[] c, float[] tc, float[] h, int co) {
        for (int r = 0; r < rows; r++) {
            lstmCellColumns(0, u, u, a, ao + r * 4 * u, hasPrev, cPrev, po + r * u, c, tc, h, co + r * u);
        }
    }

    /** {@link #lstmCell} for units {@code [from, to)} of one row whose gates start at {@code ab}. */
    static void lstmCellColumns(int from, int to, int u, float[] a, int ab, boolean hasPrev, float[] cPrev, int pb,
                                float[] c, float[] tc, float[] h, int cb) {
        for (int j = from; j < to; j++) {
            float block = tanh(a[ab + j]);
            float forget = sigmoid(a[ab + u + j]);
            float out = sigmoid(a[ab + 2 * u + j]);
            float input = sigmoid(a[ab + 3 * u + j]);
            a[ab + j] = block;
            a[ab + u + j] = forget;
            a[ab + 2 * u + j] = out;
            a[ab + 3 * u + j] = input;
            float prev = hasPrev ? cPrev[pb + j] : 0f;
            float cell = forget * prev + input * block;
            c[cb + j] = cell;
            float tcell = tanh(cell);
            tc[cb + j] = tcell;
            h[cb + j] = out * tcell;
        }
    }

    static void lstmCellBackward(int rows, int u, float[] a, int ao, boolean hasPrev, float[] cPrev, int po,
                                 float[] tc, int co, float[] dh, float[] dc, float[] dg) {
        for (int r = 0; r < rows; r++) {
            lstmCellBackwardColumns(0, u, u, a, ao + r * 4 * u, hasPrev, cPrev, po + r * u, tc, co + r * u,
                    dh, dc, dg, r * u);
        }
    }

    /** {@link #lstmCellBackward} for units {@code [from, to)} of one row; {@code sb} indexes its dh and dc. */
    static void lstmCellBackwardColumns(int from, int to, int u, float[] a, int ab, boolean hasPrev, float[] cPrev,
                                        int pb, float[] tc, int cb, float[] dh, float[] dc, float[] dg, int sb) {
        for (int j = from; j < to; j++) {
            float dhj = dh[sb + j];
            float block = a[ab + j];
            float forget = a[ab + u + j];
            float o = a[ab + 2 * u + j];
            float input = a[ab + 3 * u + j];
            float tcell = tc[cb + j];
            float dcj = dhj * o * (1f - tcell * tcell) + dc[sb + j];
            float prev = hasPrev ? cPrev[pb + j] : 0f;
            dg[ab + j] = dcj * input * (1f - block * block);
            dg[ab + u + j] = dcj * prev * forget * (1f - forget);
            dg[ab + 2 * u + j] = dhj * tcell * o * (1f - o);
            dg[ab + 3 * u + j] = dcj * block * input * (1f - input);
            dc[sb + j] = dcj * forget;
        }
    }
}
