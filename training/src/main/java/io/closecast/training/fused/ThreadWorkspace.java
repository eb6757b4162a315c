package io.closecast.training.fused;

import io.closecast.model.dataset.Samples;

/**
 * One thread's buffers for the fused passes, time-major {@code [t][row][...]} with the rows of its part of a
 * mini-batch packed per step: the loaded windows and targets, every activation the forward pass leaves for the
 * backward pass, the backward pass's deltas and this thread's own gradient and loss. Sized once per window length
 * ({@link #allocate}), then reused batch after batch without allocating.
 */
final class ThreadWorkspace {
    /** Rows this workspace holds at most. */
    final int capacity;
    /** This thread's gradient, laid out as {@link ParameterLayout}; part 0's is the engine's own. */
    final float[] grad;
    /** Sum of squared errors of the rows last passed backward. */
    double loss;
    /** Time steps per window the buffers are sized for; -1 before {@link #allocate}. */
    int steps = -1;
    float[] x;
    float[] y;
    float[][] act;
    float[][] h;
    float[][] c;
    float[][] tc;
    float[][] z;
    float[] dG;
    float[] dX;
    float[] dh;
    float[] dc;
    float[] dA;
    float[] dB;

    private final ParameterLayout layout;

    ThreadWorkspace(ParameterLayout layout, int capacity, float[] grad) {
        this.layout = layout;
        this.capacity = capacity;
        this.grad = grad;
    }

    /** Sizes every buffer for windows of {@code steps} time steps. */
    void allocate(int steps) {
        int lstmCount = layout.lstmCount();
        int denseCount = layout.denseCount();
        int[] lUnits = layout.lstmUnits();
        int[] dIn = layout.denseIn();
        int[] dOut = layout.denseOut();
        int maxU = 0;
        for (int u : lUnits) {
            maxU = Math.max(maxU, u);
        }
        int maxD = 0;
        for (int d = 0; d < denseCount; d++) {
            maxD = Math.max(maxD, Math.max(dIn[d], dOut[d]));
        }
        int rows = steps * capacity;
        x = new float[rows * layout.features()];
        y = new float[capacity * layout.horizon()];
        act = new float[lstmCount][];
        h = new float[lstmCount][];
        c = new float[lstmCount][];
        tc = new float[lstmCount][];
        for (int l = 0; l < lstmCount; l++) {
            act[l] = new float[rows * 4 * lUnits[l]];
            h[l] = new float[rows * lUnits[l]];
            c[l] = new float[rows * lUnits[l]];
            tc[l] = new float[rows * lUnits[l]];
        }
        z = new float[denseCount][];
        for (int d = 0; d < denseCount; d++) {
            z[d] = new float[capacity * dOut[d]];
        }
        dG = new float[rows * 4 * maxU];
        dX = new float[rows * maxU];
        dh = new float[capacity * maxU];
        dc = new float[capacity * maxU];
        dA = new float[capacity * maxD];
        dB = new float[capacity * maxD];
        this.steps = steps;
    }

    /** Copies windows {@code order[from..from+rows)} into the time-major input (and targets when asked). */
    void load(Samples s, int[] order, int from, int rows, boolean targets) {
        int features = layout.features();
        int horizon = layout.horizon();
        for (int b = 0; b < rows; b++) {
            int src = order[from + b];
            float[][] win = s.x()[src];
            for (int t = 0; t < win.length; t++) {
                System.arraycopy(win[t], 0, x, (t * rows + b) * features, features);
            }
            if (targets) {
                System.arraycopy(s.y()[src], 0, y, b * horizon, horizon);
            }
        }
    }
}
