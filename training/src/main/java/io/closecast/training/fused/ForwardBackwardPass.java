package io.closecast.training.fused;

import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.DistributionLoss;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.Kernels;

/**
 * The math of the fused engine over one thread's rows: the forward pass (stacked LSTM layers with DL4J's gate
 * order [block input (tanh), forget, output, input gate (sigmoid)], last time step, dense head, identity output)
 * and the backward pass ({@code LossMSE} through the head, or a distribution head's negative log-likelihood
 * ({@link DistributionLoss}), full BPTT through every LSTM layer), in plain
 * {@code float} loops over a {@link ThreadWorkspace}. Reads the engine's parameters in place; holds the transposed
 * LSTM weights the backward pass multiplies by ({@link #prepareWeights} before each batch).
 */
final class ForwardBackwardPass {
    private final float[] params;
    private final int features;
    private final int horizon;
    // LSTM layers (copies of the layout's offsets, read in the hot loops)
    private final int lstmCount;
    private final int[] lIn;
    private final int[] lUnits;
    private final int[] wOff;
    private final int[] rwOff;
    private final int[] bOff;
    private final float[][] wT;   // per layer: W transposed [4u][in]
    private final float[][] rwT;  // per layer: RW transposed [4u][u]
    // dense layers, the output layer last
    private final int denseCount;
    private final int[] dIn;
    private final int[] dOut;
    private final int[] dwOff;
    private final int[] dbOff;
    private final HeadActivation activation;
    private final Distribution distribution;

    /**
     * @param layout where each parameter lives in {@code params}
     * @param params the engine's parameters, read (never written) by every pass
     * @param activation the hidden dense layers' activation (the output layer is identity)
     * @param distribution what the output layer predicts: a point (MSE) or a distribution's parameters (NLL)
     */
    ForwardBackwardPass(ParameterLayout layout, float[] params, HeadActivation activation, Distribution distribution) {
        this.params = params;
        this.features = layout.features();
        this.horizon = layout.horizon();
        this.activation = activation;
        this.distribution = distribution;
        lstmCount = layout.lstmCount();
        denseCount = layout.denseCount();
        lIn = layout.lstmIn();
        lUnits = layout.lstmUnits();
        wOff = layout.lstmW();
        rwOff = layout.lstmRW();
        bOff = layout.lstmBias();
        dIn = layout.denseIn();
        dOut = layout.denseOut();
        dwOff = layout.denseW();
        dbOff = layout.denseBias();
        wT = new float[lstmCount][];
        rwT = new float[lstmCount][];
        for (int l = 0; l < lstmCount; l++) {
            wT[l] = new float[lIn[l] * 4 * lUnits[l]];
            rwT[l] = new float[lUnits[l] * 4 * lUnits[l]];
        }
    }

    /** The network's outputs after {@link #forward}: {@code [row][outputs]} packed, in {@code w}'s own buffer. */
    float[] output(ThreadWorkspace w) {
        return w.z[denseCount - 1];
    }

    /** Copies the current LSTM weights into the transposed layout the backward pass reads; once per batch. */
    void prepareWeights() {
        float[] p = params;
        for (int l = 0; l < lstmCount; l++) {
            transpose(p, wOff[l], lIn[l], 4 * lUnits[l], wT[l]);
            transpose(p, rwOff[l], lUnits[l], 4 * lUnits[l], rwT[l]);
        }
    }

    private static void transpose(float[] src, int off, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[off + r * cols + c];
            }
        }
    }

    /** Forward pass over {@code n} rows loaded into {@code w}; leaves every activation the backward pass needs. */
    void forward(ThreadWorkspace w, int n) {
        final float[] p = params;
        final int steps = w.steps;
        float[] in = w.x;
        int inW = features;
        for (int l = 0; l < lstmCount; l++) {
            Kernels.lstmLayer(n, steps, inW, lUnits[l], in, p, wOff[l], p, rwOff[l], p, bOff[l],
                    w.act[l], w.c[l], w.tc[l], w.h[l]);
            in = w.h[l];
            inW = lUnits[l];
        }
        // dense head on the last time step
        float[] z = in;
        int zOff = (steps - 1) * n * inW;
        for (int d = 0; d < denseCount; d++) {
            int ni = dIn[d];
            int no = dOut[d];
            float[] out = w.z[d];
            int wo = dwOff[d];
            for (int b = 0; b < n; b++) {
                int ob = b * no;
                System.arraycopy(p, dbOff[d], out, ob, no);
                int ib = zOff + b * ni;
                for (int k = 0; k < ni; k++) {
                    float zk = z[ib + k];
                    int row = wo + k * no;
                    for (int j = 0; j < no; j++) {
                        out[ob + j] += zk * p[row + j];
                    }
                }
                if (d < denseCount - 1) {
                    for (int j = 0; j < no; j++) {
                        out[ob + j] = activation.apply(out[ob + j]);
                    }
                }
            }
            z = out;
            zOff = 0;
        }
    }

    /**
     * Backward pass: the loss gradient (MSE, or the head's NLL) through the head and BPTT through every LSTM layer
     * into {@code w.grad}; {@code w.loss} gets the summed squared errors (or summed NLL) of the rows.
     */
    void backward(ThreadWorkspace w, int n) {
        final float[] p = params;
        final float[] gr = w.grad;
        final int steps = w.steps;
        float[] out = w.z[denseCount - 1];
        float[] delta = w.dA;
        if (distribution == Distribution.POINT) {
            // output layer delta: LossMSE gradient 2 (out - y) / horizon
            double loss = 0;
            for (int i = 0; i < n * horizon; i++) {
                float diff = out[i] - w.y[i];
                loss += (double) diff * diff;
                delta[i] = 2f * diff / horizon;
            }
            w.loss = loss;
        } else {
            w.loss = nll(out, w.y, n, delta);
        }
        int topU = lUnits[lstmCount - 1];
        float[] topH = w.h[lstmCount - 1];
        int topOff = (steps - 1) * n * topU;
        float[] next = w.dB;
        for (int d = denseCount - 1; d >= 0; d--) {
            int ni = dIn[d];
            int no = dOut[d];
            float[] in = d > 0 ? w.z[d - 1] : topH;
            int inOff = d > 0 ? 0 : topOff;
            int wo = dwOff[d];
            int bo = dbOff[d];
            for (int b = 0; b < n; b++) {
                int db = b * no;
                int ib = inOff + b * ni;
                for (int k = 0; k < ni; k++) {
                    float x = in[ib + k];
                    int row = wo + k * no;
                    for (int j = 0; j < no; j++) {
                        gr[row + j] += x * delta[db + j];
                    }
                }
                for (int j = 0; j < no; j++) {
                    gr[bo + j] += delta[db + j];
                }
                for (int k = 0; k < ni; k++) {
                    float s = 0;
                    int row = wo + k * no;
                    for (int j = 0; j < no; j++) {
                        s += delta[db + j] * p[row + j];
                    }
                    if (d > 0) {
                        s *= derivative(in[ib + k]);
                    }
                    next[b * ni + k] = s;
                }
            }
            float[] swap = delta;
            delta = next;
            next = swap;
        }
        // delta = dL/dh of the top LSTM layer at the last step, [n][topU]
        float[] ext = delta;
        boolean lastStepOnly = true;
        for (int l = lstmCount - 1; l >= 0; l--) {
            final int u = lUnits[l];
            final int g = 4 * u;
            final float[] a = w.act[l];
            final float[] c = w.c[l];
            final float[] dg = w.dG;
            final float[] dh = w.dh;
            final float[] dc = w.dc;
            Kernels.zero(dh, 0, n * u);
            Kernels.zero(dc, 0, n * u);
            for (int t = steps - 1; t >= 0; t--) {
                int ab = t * n * g;
                int cb = t * n * u;
                if (!lastStepOnly || t == steps - 1) {
                    int eb = lastStepOnly ? 0 : cb;
                    for (int i = 0; i < n * u; i++) {
                        dh[i] += ext[eb + i];
                    }
                }
                Kernels.lstmCellBackward(n, u, a, ab, t > 0, c, cb - n * u, w.tc[l], cb, dh, dc, dg);
                if (t > 0) {
                    // dL/dh of the previous step through the recurrent weights: dG . RW^T
                    Kernels.zero(dh, 0, n * u);
                    Kernels.gemm(n, u, g, dg, ab, g, rwT[l], 0, u, dh, 0, u);
                }
            }
            // parameter gradients over all steps and rows
            float[] in = l > 0 ? w.h[l - 1] : w.x;
            int inW = lIn[l];
            int rows = steps * n;
            Kernels.gemmTN(rows, g, inW, in, 0, inW, dg, 0, g, gr, wOff[l], g);
            Kernels.gemmTN(rows - n, g, u, w.h[l], 0, u, dg, n * g, g, gr, rwOff[l], g);
            Kernels.columnSums(rows, g, dg, 0, gr, bOff[l]);
            if (l > 0) {
                // dL/d(input) = dG . W^T becomes the lower layer's dL/dh at every step
                float[] dx = w.dX;
                Kernels.zero(dx, 0, rows * inW);
                Kernels.gemm(rows, inW, g, dg, 0, g, wT[l], 0, inW, dx, 0, inW);
                ext = dx;
                lastStepOnly = false;
            }
        }
    }

    /** The summed NLL of {@code n} rows of outputs against their targets; their gradients into {@code delta}. */
    double nll(float[] out, float[] y, int n, float[] delta) {
        int width = horizon * distribution.parameters();
        double loss = 0;
        for (int b = 0; b < n; b++) {
            loss += DistributionLoss.row(distribution, horizon, out, b * width, y, b * horizon, delta, b * width);
        }
        return loss;
    }

    /** Derivative of the head activation expressed through its output {@code y}. */
    private float derivative(float y) {
        return switch (activation) {
            case IDENTITY -> 1f;
            case RELU -> y > 0f ? 1f : 0f;
            case TANH -> 1f - y * y;
            case SIGMOID -> y * (1f - y);
        };
    }
}
