package io.closecast.training.fused;

import io.closecast.training.dl4j.LstmNetworkFactory;

import io.closecast.model.ModelException;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.DistributionLoss;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A fused training engine for the closecast LSTM network: the same math as the DL4J network that
 * {@link LstmNetworkFactory} builds (stacked {@code LSTM} layers with DL4J's gate order
 * [block input (tanh), forget, output, input gate (sigmoid)], last time step, dense head, identity output,
 * {@code LossMSE}, or a distribution head's negative log-likelihood, {@code model.distribution}), with its backward pass (full BPTT) and DL4J's update step (divide by the mini-batch size,
 * {@code ClipL2PerLayer}, L2 before the updater, Adam / RMSProp / SGD as ND4J's native updaters compute them,
 * weight decay after the updater; the regularization of each parameter is read from the network's own layer
 * configs, so it matches DL4J even where DL4J lists a regularization twice), in plain {@code float} loops over
 * preallocated buffers.
 *
 * <p>It starts from a network's parameters ({@link #create}) and writes the trained ones back
 * ({@link #copyTo}). A mini-batch can be split over several threads; each thread keeps its own gradient and the
 * parts are summed in a fixed order, so a given thread count is deterministic. Not thread-safe itself.
 *
 * <p>This class puts the parts together: the forward and backward passes are {@link ForwardBackwardPass}, each
 * thread's buffers a {@link ThreadWorkspace}, the split of a batch over threads {@link BatchThreads}, DL4J's update
 * step (clipping, regularization, the optimizer) {@link UpdateStep}. Where each parameter lives is
 * {@link ParameterLayout}; the update rules are {@link GradientOptimizer}s; everything taken from or given back to
 * DL4J (parameters, regularization, ND4J's updater defaults, what the engine cannot train) is {@link Dl4jBridge}.
 */
public final class FusedLstmTrainer implements AutoCloseable {
    private final ParameterLayout layout;
    private final int horizon;
    private final int outputs;
    private final Distribution distribution;
    private final float[] params;
    private final float[] grad;
    private final ForwardBackwardPass pass;
    private final UpdateStep update;
    private final BatchThreads threads;

    private FusedLstmTrainer(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        this.layout = ParameterLayout.create(model);
        this.horizon = layout.horizon();
        this.outputs = model.outputs();
        this.distribution = model.distribution();
        int size = layout.size();
        params = Dl4jBridge.readParams(network, layout, model);
        grad = new float[size];
        pass = new ForwardBackwardPass(layout, params, model.headActivation(), distribution);
        update = new UpdateStep(layout, params, grad, training.gradientClipNorm(),
                Dl4jBridge.regularization(network, layout, training.learningRate()),
                Dl4jBridge.optimizer(training.optimizer(), training.learningRate(), size),
                network.getIterationCount());
        threads = new BatchThreads(layout, training.threads(), training.batchSize(), grad);
    }

    /**
     * Why the fused engine cannot train {@code network} as {@code training} says, or empty when it can.
     * Unsupported: dropout (DL4J draws its masks from its own RNG), a network that was already trained (its
     * updater state would be lost), a network whose layers do not match {@code model}.
     *
     * @param model the network's architecture
     * @param training how it is to be trained
     * @param network the DL4J network built for {@code model}
     * @return the reason in words, naming the setting; empty when the fused engine can train it
     */
    public static Optional<String> unsupported(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        return Dl4jBridge.unsupported(model, training, network);
    }

    /**
     * An engine holding a copy of {@code network}'s parameters; fails when {@link #unsupported} says why.
     *
     * @param model the network's architecture
     * @param training how to train: optimizer, learning rate, clip norm, mini-batch size, threads
     * @param network the DL4J network built for {@code model}, not trained yet; left unchanged until {@link #copyTo}
     * @return an engine to {@link #close} after use (it may hold a thread pool)
     * @throws ModelException when {@link #unsupported} names a reason
     */
    public static FusedLstmTrainer create(ModelSpec model, TrainingSpec training, MultiLayerNetwork network) {
        unsupported(model, training, network).ifPresent(reason -> {
            throw new ModelException("the fused training engine cannot train this network: " + reason);
        });
        return new FusedLstmTrainer(model, training, network);
    }

    /**
     * Writes the current parameters into {@code network} (each DL4J parameter view, so its flat params too).
     *
     * @param network the network this engine was created from (or one of the same architecture)
     */
    public void copyTo(MultiLayerNetwork network) {
        Dl4jBridge.writeParams(network, layout, params, update.iteration());
    }

    /** DL4J parameter key ("0_W", "0_RW", "0_b", ...) -> [start, end) of its row-major values here. */
    Map<String, int[]> layout() {
        return layout.dl4jKeys();
    }

    /**
     * A copy of the parameters (row-major per DL4J parameter, in {@link #layout()} order).
     *
     * @return a new array the engine does not keep
     */
    public float[] params() {
        return params.clone();
    }

    /**
     * Restores parameters taken by {@link #params()}.
     *
     * @param values parameters as {@link #params()} returned them; copied
     */
    public void params(float[] values) {
        System.arraycopy(values, 0, params, 0, params.length);
    }

    /**
     * Parameter updates done so far (DL4J's iteration count).
     *
     * @return the network's updates before this engine plus those of every {@link #fit}
     */
    public int iteration() {
        return update.iteration();
    }

    /**
     * The loss gradient for the windows {@code order[from..to)} of {@code samples}, summed over the batch (as DL4J's
     * {@code network.gradient()} holds it after {@code computeGradientAndScore()}, before the updater divides it by
     * the batch size), and the batch's mean MSE (mean NLL per step with a distribution head). Leaves the gradient in
     * the engine's buffer.
     */
    double computeGradient(Samples samples, int[] order, int from, int to) {
        threads.checkWindow(samples.window());
        pass.prepareWeights();
        int n = to - from;
        int[] split = threads.split(n);
        threads.run(split.length - 1, p -> {
            ThreadWorkspace w = threads.workspace(p);
            int rows = split[p + 1] - split[p];
            Arrays.fill(w.grad, 0f);
            w.loss = 0;
            if (rows > 0) {
                w.load(samples, order, from + split[p], rows, true);
                pass.forward(w, rows);
                pass.backward(w, rows);
            }
        });
        double loss = threads.workspace(0).loss;
        for (int p = 1; p < split.length - 1; p++) {
            float[] g = threads.workspace(p).grad;
            for (int i = 0; i < grad.length; i++) {
                grad[i] += g[i];
            }
            loss += threads.workspace(p).loss;
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
     * One training step on the windows {@code order[from..to)}, like {@code network.fit(batch)}.
     *
     * @param samples the training windows and their (scaled) targets
     * @param order indices into {@code samples}, e.g. an epoch's shuffle
     * @param from first position of the mini-batch in {@code order}
     * @param to one past its last position; at most the mini-batch size after {@code from}
     * @return the score DL4J reports for it: mean MSE (or NLL per step) before the update plus the L2 / weight-decay
     *         term
     */
    public double fit(Samples samples, int[] order, int from, int to) {
        double loss = computeGradient(samples, order, from, to);
        double score = loss + update.regularizationScore();
        update.apply(to - from);
        return score;
    }

    /**
     * Predictions for every window, in the targets' (scaled) units: every output of the network (with a
     * distribution head, the locations, then the raw scales and tails, as {@link Distribution} lays them out).
     *
     * @param x windows {@code [n][time][features]}; may be empty
     * @return {@code [n][outputs]}, one row per window ({@code outputs} = the horizon for a point network)
     */
    public float[][] predict(float[][][] x) {
        float[][] out = new float[x.length][outputs];
        if (x.length == 0) {
            return out;
        }
        Samples s = new Samples(x, outputs == horizon ? out : new float[x.length][horizon]);
        threads.checkWindow(s.window());
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int chunk = threads.chunk();
        for (int from = 0; from < x.length; from += chunk) {
            int n = Math.min(chunk, x.length - from);
            int[] split = threads.split(n);
            int start = from;
            threads.run(split.length - 1, p -> {
                int rows = split[p + 1] - split[p];
                if (rows > 0) {
                    ThreadWorkspace w = threads.workspace(p);
                    w.load(s, order, start + split[p], rows, false);
                    pass.forward(w, rows);
                    float[] o = pass.output(w);
                    for (int b = 0; b < rows; b++) {
                        System.arraycopy(o, b * outputs, out[start + split[p] + b], 0, outputs);
                    }
                }
            });
        }
        return out;
    }

    /**
     * Mean squared error of {@link #predict} against {@code samples.y()} over all values.
     *
     * @param samples windows and their (scaled) targets
     * @return the mean over every window and horizon step, in squared scaled units
     */
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

    /**
     * The loss the network trains on, over {@code samples}: {@link #mse} for a point network, the mean negative
     * log-likelihood per window and step for a distribution head (what early stopping compares).
     *
     * @param samples windows and their (scaled) targets
     * @return the mean loss
     */
    public double loss(Samples samples) {
        if (distribution == Distribution.POINT) {
            return mse(samples);
        }
        return DistributionLoss.mean(distribution, predict(samples.x()), samples.y());
    }

    /** Stops the engine's worker threads, if any. */
    @Override
    public void close() {
        threads.close();
    }
}
