package io.closecast.training;

import io.closecast.model.HeadActivation;
import io.closecast.model.Kernels;
import io.closecast.model.ModelException;
import io.closecast.model.ModelSpec;
import io.closecast.model.Optimizer;
import io.closecast.model.Samples;
import io.closecast.model.TrainingSpec;

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

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;

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
 */
public final class FusedLstmTrainer implements AutoCloseable {
    /** Rows per thread below which a mini-batch is not split. */
    static final int MIN_ROWS_PER_THREAD = 8;

    private final ModelSpec model;
    private final TrainingSpec training;
    private final int features;
    private final int horizon;
    // LSTM layers
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
    // per DL4J layer [start, end) in params; the regularized parameters as the network's config lists them
    private final int[] layerStart;
    private final int[] layerEnd;
    private final List<Regularized> regularized;

    private final float[] params;
    private final float[] grad;
    private final float[] m;   // Adam m, RMSProp G
    private final float[] v;   // Adam v
    private int iteration;

    private final int parts;
    private final Part[] workers;
    private final ExecutorService pool;
    private int window = -1;

    private FusedLstmTrainer(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        this.model = model;
        this.training = training;
        this.features = model.inputFeatures();
        this.horizon = model.horizon();
        this.activation = model.headActivation();
        lstmCount = model.lstmHiddenUnits().size();
        denseCount = model.denseUnits().size() + 1;
        lIn = new int[lstmCount];
        lUnits = new int[lstmCount];
        wOff = new int[lstmCount];
        rwOff = new int[lstmCount];
        bOff = new int[lstmCount];
        wT = new float[lstmCount][];
        rwT = new float[lstmCount][];
        dIn = new int[denseCount];
        dOut = new int[denseCount];
        dwOff = new int[denseCount];
        dbOff = new int[denseCount];
        layerStart = new int[lstmCount + denseCount];
        layerEnd = new int[lstmCount + denseCount];
        int off = 0;
        int in = features;
        for (int l = 0; l < lstmCount; l++) {
            int u = model.lstmHiddenUnits().get(l);
            lIn[l] = in;
            lUnits[l] = u;
            layerStart[l] = off;
            wOff[l] = off;
            off += in * 4 * u;
            rwOff[l] = off;
            off += u * 4 * u;
            bOff[l] = off;
            off += 4 * u;
            layerEnd[l] = off;
            wT[l] = new float[in * 4 * u];
            rwT[l] = new float[u * 4 * u];
            in = u;
        }
        for (int d = 0; d < denseCount; d++) {
            int out = d < denseCount - 1 ? model.denseUnits().get(d) : horizon;
            dIn[d] = in;
            dOut[d] = out;
            layerStart[lstmCount + d] = off;
            dwOff[d] = off;
            off += in * out;
            dbOff[d] = off;
            off += out;
            layerEnd[lstmCount + d] = off;
            in = out;
        }
        params = new float[off];
        grad = new float[off];
        m = new float[off];
        v = new float[off];
        if (training.optimizer() == Optimizer.RMSPROP) {
            Arrays.fill(m, (float) new org.nd4j.linalg.learning.config.RmsProp().getEpsilon());
        }
        readParams(network);
        regularized = regularization(network, training.learningRate());
        iteration = network.getIterationCount();
        parts = Math.max(1, Math.min(training.threads(), training.batchSize() / MIN_ROWS_PER_THREAD));
        int capacity = (training.batchSize() + parts - 1) / parts;
        workers = new Part[parts];
        for (int p = 0; p < parts; p++) {
            workers[p] = new Part(capacity, p == 0 ? grad : new float[off]);
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
        if (model.dropout() > 0) {
            return Optional.of("model.lstm.dropout=" + model.dropout() + " (the fused engine supports 0 only)");
        }
        if (network.getIterationCount() != 0) {
            return Optional.of("the network was already trained for " + network.getIterationCount()
                    + " iterations (the fused engine starts from a fresh updater state)");
        }
        int expected = model.lstmHiddenUnits().size() + model.denseUnits().size() + 1;
        if (network.getnLayers() != expected) {
            return Optional.of("the network has " + network.getnLayers() + " layers, expected " + expected
                    + " for " + model);
        }
        for (int i = 0; i < network.getnLayers(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = network.getLayer(i).conf().getLayer();
            for (String param : network.getLayer(i).paramTable().keySet()) {
                List<Regularization> list = conf.getRegularizationByParam(param);
                for (Regularization r : list == null ? List.<Regularization>of() : list) {
                    boolean fixedL2 = r instanceof L2Regularization l2 && l2.getL2() instanceof FixedSchedule;
                    boolean fixedDecay = r instanceof WeightDecay wd && wd.getCoeff() instanceof FixedSchedule;
                    if (!fixedL2 && !fixedDecay) {
                        return Optional.of("layer " + i + " parameter " + param + " has regularization " + r
                                + " (the fused engine supports fixed L2 and weight decay)");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** An engine holding a copy of {@code network}'s parameters; fails when {@link #unsupported} says why. */
    public static FusedLstmTrainer create(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        unsupported(model, training, network).ifPresent(reason -> {
            throw new ModelException("the fused training engine cannot train this network: " + reason);
        });
        return new FusedLstmTrainer(model, training, network);
    }

    /** One regularized parameter: its range, summed L2 coefficients, summed weight-decay scale, score coefficients. */
    private record Regularized(int start, int end, float l2, float decay, double scoreCoefficient) {
    }

    /** The regularization DL4J applies to each parameter, read from the network's own layer configs. */
    private List<Regularized> regularization(MultiLayerNetwork network, double lr) {
        List<Regularized> list = new ArrayList<>();
        for (Map.Entry<String, int[]> e : layout().entrySet()) {
            String key = e.getKey();
            int layer = Integer.parseInt(key.substring(0, key.indexOf('_')));
            String param = key.substring(key.indexOf('_') + 1);
            List<Regularization> regs = network.getLayer(layer).conf().getLayer().getRegularizationByParam(param);
            if (regs == null || regs.isEmpty()) {
                continue;
            }
            double l2 = 0;
            double decay = 0;
            double score = 0;
            for (Regularization r : regs) {
                if (r instanceof L2Regularization reg) {
                    double c = reg.getL2().valueAt(0, 0);
                    l2 += c;
                    score += c;
                } else if (r instanceof WeightDecay wd) {
                    double c = wd.getCoeff().valueAt(0, 0);
                    decay += wd.isApplyLR() ? c * lr : c;
                    score += c;
                }
            }
            list.add(new Regularized(e.getValue()[0], e.getValue()[1], (float) l2, (float) decay, score));
        }
        return List.copyOf(list);
    }

    private void readParams(MultiLayerNetwork network) {
        for (Map.Entry<String, int[]> e : layout().entrySet()) {
            INDArray p = network.getParam(e.getKey());
            float[] values = p.dup('c').castTo(DataType.FLOAT).data().asFloat();
            int[] range = e.getValue();
            if (values.length != range[1] - range[0]) {
                throw new ModelException("network parameter " + e.getKey() + " must hold " + (range[1] - range[0])
                        + " values for " + model + ", found " + values.length);
            }
            System.arraycopy(values, 0, params, range[0], values.length);
        }
    }

    /** Writes the current parameters into {@code network} (each DL4J parameter view, so its flat params too). */
    public void copyTo(MultiLayerNetwork network) {
        for (Map.Entry<String, int[]> e : layout().entrySet()) {
            INDArray p = network.getParam(e.getKey());
            int[] range = e.getValue();
            p.assign(Nd4j.create(Arrays.copyOfRange(params, range[0], range[1]), p.shape(), 'c'));
        }
        network.setIterationCount(iteration);
    }

    /** DL4J parameter key ("0_W", "0_RW", "0_b", ...) -> [start, end) of its row-major values here. */
    Map<String, int[]> layout() {
        Map<String, int[]> map = new LinkedHashMap<>();
        for (int l = 0; l < lstmCount; l++) {
            map.put(l + "_W", new int[] {wOff[l], rwOff[l]});
            map.put(l + "_RW", new int[] {rwOff[l], bOff[l]});
            map.put(l + "_b", new int[] {bOff[l], layerEnd[l]});
        }
        for (int d = 0; d < denseCount; d++) {
            int layer = lstmCount + d;
            map.put(layer + "_W", new int[] {dwOff[d], dbOff[d]});
            map.put(layer + "_b", new int[] {dbOff[d], layerEnd[layer]});
        }
        return map;
    }

    /** A copy of the parameters (row-major per DL4J parameter, in {@link #layout()} order). */
    float[] params() {
        return params.clone();
    }

    /** Restores parameters taken by {@link #params()}. */
    void params(float[] values) {
        System.arraycopy(values, 0, params, 0, params.length);
    }

    /** Parameter updates done so far (DL4J's iteration count). */
    int iteration() {
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
        for (Regularized r : regularized) {
            double sum = 0;
            for (int i = r.start(); i < r.end(); i++) {
                sum += (double) params[i] * params[i];
            }
            score += r.scoreCoefficient() * 0.5 * sum;
        }
        return score;
    }

    /** DL4J's update: divide by the batch, clip per layer, L2, the updater, weight decay, params -= update. */
    private void update(int batch) {
        float[] g = grad;
        float divisor = batch;
        for (int i = 0; i < g.length; i++) {
            g[i] /= divisor;
        }
        double clip = training.gradientClipNorm();
        if (clip > 0) {
            for (int layer = 0; layer < layerStart.length; layer++) {
                double sum = 0;
                for (int i = layerStart[layer]; i < layerEnd[layer]; i++) {
                    sum += (double) g[i] * g[i];
                }
                double norm = Math.sqrt(sum);
                if (norm > clip) {
                    float scale = (float) (clip / norm);
                    for (int i = layerStart[layer]; i < layerEnd[layer]; i++) {
                        g[i] *= scale;
                    }
                }
            }
        }
        Optimizer optimizer = training.optimizer();
        for (Regularized r : regularized) {
            float l2 = r.l2();
            if (l2 != 0f) {
                for (int i = r.start(); i < r.end(); i++) {
                    g[i] = l2 * params[i] + g[i];
                }
            }
        }
        float lr = (float) training.learningRate();
        switch (optimizer) {
            case ADAM, ADAMW -> adam(g, lr);
            case RMSPROP -> rmsProp(g, lr);
            case SGD -> {
                for (int i = 0; i < g.length; i++) {
                    g[i] = lr * g[i];
                }
            }
        }
        for (Regularized r : regularized) {
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

    /** ND4J's native adam_updater in float: defaults beta1 0.9, beta2 0.999, epsilon 1e-8. */
    private void adam(float[] g, float lr) {
        org.nd4j.linalg.learning.config.Adam defaults = new org.nd4j.linalg.learning.config.Adam();
        float beta1 = (float) defaults.getBeta1();
        float beta2 = (float) defaults.getBeta2();
        float epsilon = (float) defaults.getEpsilon();
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float alpha = lr * (float) Math.sqrt(1.0f - beta2T) / (1.0f - beta1T);
        if (Float.isNaN(alpha) || alpha == 0f || Float.isInfinite(alpha)) {
            alpha = epsilon;
        }
        float[] mm = m;
        float[] vv = v;
        for (int i = 0; i < g.length; i++) {
            float gi = g[i];
            float mi = beta1 * mm[i] + gi * (1 - beta1);
            float vi = beta2 * vv[i] + gi * gi * (1 - beta2);
            mm[i] = mi;
            vv[i] = vi;
            g[i] = (mi * alpha) / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /** ND4J's native rms_prop_updater in float: defaults decay 0.95, epsilon 1e-8 (state starts at epsilon). */
    private void rmsProp(float[] g, float lr) {
        org.nd4j.linalg.learning.config.RmsProp defaults = new org.nd4j.linalg.learning.config.RmsProp();
        float decay = (float) defaults.getRmsDecay();
        float epsilon = (float) defaults.getEpsilon();
        float[] s = m;
        for (int i = 0; i < g.length; i++) {
            float gi = g[i];
            float si = s[i] * decay + gi * gi * (1 - decay);
            s[i] = si;
            g[i] = (lr * gi) / ((float) Math.sqrt(si) + epsilon);
        }
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
