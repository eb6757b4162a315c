package io.closecast.training.fused;

import io.closecast.training.dl4j.Dl4jBridge;
import io.closecast.training.dl4j.LstmNetworkFactory;

import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.Kernels;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A fused training engine for the closecast LSTM network: the same math as the DL4J network that
 * {@link LstmNetworkFactory} builds (stacked {@code LSTM} layers with DL4J's gate order
 * [block input (tanh), forget, output, input gate (sigmoid)], last time step, dense head, identity output,
 * {@code LossMSE}), with its backward pass (full BPTT) and DL4J's update step (divide by the mini-batch size,
 * {@code ClipL2PerLayer}, L2 before the updater, Adam / RMSProp / SGD as ND4J's native updaters compute them,
 * weight decay after the updater; the regularization of each parameter is read from the network's own layer
 * configs, so it matches DL4J even where DL4J lists a regularization twice), in plain {@code float} loops over
 * preallocated buffers.
 *
 * <p>It starts from a network's parameters ({@link #create}) and writes the trained ones back
 * ({@link #copyTo}). A mini-batch can be split over several threads; each thread keeps its own gradient and the
 * parts are summed in a fixed order, so a given thread count is deterministic. Not thread-safe itself.
 *
 * <p>This class is the math (forward, backward, the update step's order). Where each parameter lives is
 * {@link ParameterLayout}; the update rules are {@link GradientOptimizer}s; everything taken from or given back to
 * DL4J (parameters, regularization, ND4J's updater defaults, what the engine cannot train) is {@link Dl4jBridge}.
 */
public final class FusedLstmTrainer implements AutoCloseable {
    /** Rows per thread below which a mini-batch is not split. */
    static final int MIN_ROWS_PER_THREAD = 8;

    private final ModelSpec model;
    private final TrainingSpec training;
    private final ParameterLayout layout;
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
    // the regularized parameters as the network's config lists them
    private final List<Dl4jBridge.Regularized> regularized;
    private final GradientOptimizer optimizer;

    private final float[] params;
    private final float[] grad;
    private int iteration;

    private final int parts;
    private final Part[] workers;
    private final ExecutorService pool;
    private int window = -1;

    private FusedLstmTrainer(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        this.model = model;
        this.training = training;
        this.layout = ParameterLayout.create(model);
        this.features = layout.features();
        this.horizon = layout.horizon();
        this.activation = model.headActivation();
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
        int size = layout.size();
        params = Dl4jBridge.readParams(network, layout, model);
        grad = new float[size];
        optimizer = Dl4jBridge.optimizer(training.optimizer(), training.learningRate(), size);
        regularized = Dl4jBridge.regularization(network, layout, training.learningRate());
        iteration = network.getIterationCount();
        parts = Math.max(1, Math.min(training.threads(), training.batchSize() / MIN_ROWS_PER_THREAD));
        int capacity = (training.batchSize() + parts - 1) / parts;
        workers = new Part[parts];
        for (int p = 0; p < parts; p++) {
            workers[p] = new Part(capacity, p == 0 ? grad : new float[size]);
        }
        pool = parts > 1 ? Executors.newFixedThreadPool(parts - 1, r -> {
            Thread t = new Thread(r, "closecast-fused-lstm");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Why the fused engine cannot train {@code network} as {@code training} says, or empty when it can.
     * Unsupported: dropout (DL4J draws its masks from its own RNG), a network that was already trained (its
     * updater state would be lost), a network whose layers do not match {@code model}.
     */
    public static Optional<String> unsupported(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        return Dl4jBridge.unsupported(model, training, network);
    }

    /** An engine holding a copy of {@code network}'s parameters; fails when {@link #unsupported} says why. */
    public static FusedLstmTrainer create(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        unsupported(model, training, network).ifPresent(reason -> {
            throw new ModelException("the fused training engine cannot train this network: " + reason);
        });
        return new FusedLstmTrainer(model, training, network);
    }

    /** Writes the current parameters into {@code network} (each DL4J parameter view, so its flat params too). */
    public void copyTo(MultiLayerNetwork network) {
        Dl4jBridge.writeParams(network, layout, params, iteration);
    }

    /** DL4J parameter key ("0_W", "0_RW", "0_b", ...) -> [start, end) of its row-major values here. */
    Map<String, int[]> layout() {
        return layout.dl4jKeys();
    }

    /** A copy of the parameters (row-major per DL4J parameter, in {@link #layout()} order). */
    public float[] params() {
        return params.clone();
    }

    /** Restores parameters taken by {@link #params()}. */
    public void params(float[] values) {
        System.arraycopy(values, 0, params, 0, params.length);
    }

    /** Parameter updates done so far (DL4J's iteration count). */
    public int iteration() {
        return iteration;
    }

    /**
     * The loss gradient for the windows {@code order[from..to)} of {@code samples}, summed over the batch (as DL4J's
     * {@code network.gradient()} holds it after {@code computeGradientAndScore()}, before the updater divides it by
     * the batch size), and the batch's mean MSE. Leaves the gradient in the engine's buffer.
     */
    double computeGradient(Samples samples, int[] order, int from, int to) {
        checkWindow(samples.window());
        prepareWeights();
        int n = to - from;
        int[] split = split(n);
        run(split.length - 1, p -> {
            Part w = workers[p];
            int rows = split[p + 1] - split[p];
            Arrays.fill(w.grad, 0f);
            w.loss = 0;
            if (rows > 0) {
                w.load(samples, order, from + split[p], rows, true);
                forward(w, rows);
                backward(w, rows);
            }
        });
        double loss = workers[0].loss;
        for (int p = 1; p < split.length - 1; p++) {
            float[] g = workers[p].grad;
            for (int i = 0; i < grad.length; i++) {
                grad[i] += g[i];
            }
            loss += workers[p].loss;
        }
        return loss / ((double) n * horizon);
    }

    /** The raw gradient of {@link #computeGradient} per DL4J parameter key, row-major. */
    Map<String, float[]> gradientTable() {
        Map<String, float[]> table = new LinkedHashMap<>();
        layout().forEach((k, r) -> table.put(k, Arrays.copyOfRange(grad, r[0], r[1])));
        return table;
    }

    /** The parameters per DL4J parameter key, row-major. */
    Map<String, float[]> paramTable() {
        Map<String, float[]> table = new LinkedHashMap<>();
        layout().forEach((k, r) -> table.put(k, Arrays.copyOfRange(params, r[0], r[1])));
        return table;
    }

    /**
     * One training step on the windows {@code order[from..to)}, like {@code network.fit(batch)}; returns the
     * score DL4J reports for it (mean MSE before the update plus the L2 / weight-decay term).
     */
    public double fit(Samples samples, int[] order, int from, int to) {
        double loss = computeGradient(samples, order, from, to);
        double score = loss + regularizationScore();
        update(to - from);
        return score;
    }

    /** Sum of each regularization's {@code coeff * 0.5 * ||w||^2}, as DL4J adds it to the score. */
    private double regularizationScore() {
        double score = 0;
        for (Dl4jBridge.Regularized r : regularized) {
            double sum = 0;
            for (int i = r.start(); i < r.end(); i++) {
                sum += (double) params[i] * params[i];
            }
            score += r.scoreCoefficient() * 0.5 * sum;
        }
        return score;
    }

    /** DL4J's update: divide by the batch, clip per layer, L2, the update rule, weight decay, params -= update. */
    private void update(int batch) {
        float[] g = grad;
        float divisor = batch;
        for (int i = 0; i < g.length; i++) {
            g[i] /= divisor;
        }
        double clip = training.gradientClipNorm();
        if (clip > 0) {
            for (int layer = 0; layer < layout.layerCount(); layer++) {
                int start = layout.layerStart(layer);
                int end = layout.layerEnd(layer);
                double sum = 0;
                for (int i = start; i < end; i++) {
                    sum += (double) g[i] * g[i];
                }
                double norm = Math.sqrt(sum);
                if (norm > clip) {
                    float scale = (float) (clip / norm);
                    for (int i = start; i < end; i++) {
                        g[i] *= scale;
                    }
                }
            }
        }
        for (Dl4jBridge.Regularized r : regularized) {
            float l2 = r.l2();
            if (l2 != 0f) {
                for (int i = r.start(); i < r.end(); i++) {
                    g[i] = l2 * params[i] + g[i];
                }
            }
        }
        optimizer.step(g, iteration);
        for (Dl4jBridge.Regularized r : regularized) {
            float scale = r.decay();
            if (scale != 0f) {
                for (int i = r.start(); i < r.end(); i++) {
                    g[i] = scale * params[i] + g[i];
                }
            }
        }
        float[] p = params;
        for (int i = 0; i < p.length; i++) {
            p[i] -= g[i];
        }
        iteration++;
    }

    /** Predictions for every window {@code x[n][time][features]}, {@code [n][horizon]}. */
    public float[][] predict(float[][][] x) {
        float[][] out = new float[x.length][horizon];
        if (x.length == 0) {
            return out;
        }
        Samples s = new Samples(x, out);
        checkWindow(s.window());
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int chunk = workers[0].capacity * parts;
        for (int from = 0; from < x.length; from += chunk) {
            int n = Math.min(chunk, x.length - from);
            int[] split = split(n);
            int start = from;
            run(split.length - 1, p -> {
                int rows = split[p + 1] - split[p];
                if (rows > 0) {
                    Part w = workers[p];
                    w.load(s, order, start + split[p], rows, false);
                    forward(w, rows);
                    float[] o = w.z[denseCount - 1];
                    for (int b = 0; b < rows; b++) {
                        System.arraycopy(o, b * horizon, out[start + split[p] + b], 0, horizon);
                    }
                }
            });
        }
        return out;
    }

    /** Mean squared error of {@link #predict} against {@code samples.y()} over all values. */
    public double mse(Samples samples) {
        float[][] predicted = predict(samples.x());
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            for (int h = 0; h < horizon; h++) {
                double d = predicted[i][h] - samples.y()[i][h];
                sum += d * d;
            }
        }
        return sum / ((double) predicted.length * horizon);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void checkWindow(int steps) {
        if (steps <= 0) {
            throw new ModelException("windows must have at least one time step, found " + steps);
        }
        if (steps != window) {
            window = steps;
            for (Part w : workers) {
                w.allocate(steps);
            }
        }
    }

    private int[] split(int n) {
        int k = Math.max(1, Math.min(parts, n / MIN_ROWS_PER_THREAD));
        int[] bounds = new int[k + 1];
        for (int p = 0; p <= k; p++) {
            bounds[p] = (int) ((long) n * p / k);
        }
        return bounds;
    }

    private interface PartTask {
        void run(int part);
    }

    private void run(int count, PartTask task) {
        if (count == 1) {
            task.run(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(count - 1);
        for (int p = 1; p < count; p++) {
            int part = p;
            futures.add(pool.submit(() -> task.run(part)));
        }
        task.run(0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException("fused training interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new ModelException("fused training failed: " + cause, cause);
            }
        }
    }

    private void prepareWeights() {
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
    private void forward(Part w, int n) {
        final float[] p = params;
        final int steps = window;
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

    /** Backward pass: the MSE gradient through the head and BPTT through every LSTM layer into {@code w.grad}. */
    private void backward(Part w, int n) {
        final float[] p = params;
        final float[] gr = w.grad;
        final int steps = window;
        // output layer delta: LossMSE gradient 2 (out - y) / horizon
        float[] out = w.z[denseCount - 1];
        float[] delta = w.dA;
        double loss = 0;
        for (int i = 0; i < n * horizon; i++) {
            float diff = out[i] - w.y[i];
            loss += (double) diff * diff;
            delta[i] = 2f * diff / horizon;
        }
        w.loss = loss;
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

    /** Derivative of the head activation expressed through its output {@code y}. */
    private float derivative(float y) {
        return switch (activation) {
            case IDENTITY -> 1f;
            case RELU -> y > 0f ? 1f : 0f;
            case TANH -> 1f - y * y;
            case SIGMOID -> y * (1f - y);
        };
    }

    /** One thread's buffers, time-major {@code [t][row][...]} with {@code rows} packed per step. */
    private final class Part {
        final int capacity;
        final float[] grad;
        double loss;
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

        Part(int capacity, float[] grad) {
            this.capacity = capacity;
            this.grad = grad;
        }

        void allocate(int steps) {
            int maxU = 0;
            for (int u : lUnits) {
                maxU = Math.max(maxU, u);
            }
            int maxD = 0;
            for (int d = 0; d < denseCount; d++) {
                maxD = Math.max(maxD, Math.max(dIn[d], dOut[d]));
            }
            int rows = steps * capacity;
            x = new float[rows * features];
            y = new float[capacity * horizon];
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
        }

        /** Copies windows {@code order[from..from+rows)} into the time-major input (and targets when asked). */
        void load(Samples s, int[] order, int from, int rows, boolean targets) {
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
}
