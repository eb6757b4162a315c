package io.closecast.training.fused;


import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.train.TrainingSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;

/**
 * Everything the fused trainer takes from, and gives back to, a DL4J {@code MultiLayerNetwork}: whether the fused
 * engine can train it, its parameters in and out of a {@link ParameterLayout}, the regularization its layer configs
 * list per parameter, and the update rule with ND4J's default hyper-parameters. The only place the fused trainer
 * touches DL4J or ND4J.
 */
public final class Dl4jBridge {

    private Dl4jBridge() {
    }

    /** One regularized parameter range: summed L2 coefficients, summed weight-decay scale, score coefficient. */
    public record Regularized(int start, int end, float l2, float decay, double scoreCoefficient) {
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

    /** {@code network}'s parameters as one flat array laid out by {@code layout}. */
    public static float[] readParams(MultiLayerNetwork network, ParameterLayout layout, ModelSpec model) {
        float[] params = new float[layout.size()];
        for (Map.Entry<String, int[]> e : layout.dl4jKeys().entrySet()) {
            INDArray p = network.getParam(e.getKey());
            float[] values = p.dup('c').castTo(DataType.FLOAT).data().asFloat();
            int[] range = e.getValue();
            if (values.length != range[1] - range[0]) {
                throw new ModelException("network parameter " + e.getKey() + " must hold " + (range[1] - range[0])
                        + " values for " + model + ", found " + values.length);
            }
            System.arraycopy(values, 0, params, range[0], values.length);
        }
        return params;
    }

    /** Writes {@code params} into {@code network} (each DL4J parameter view, so its flat params too). */
    public static void writeParams(MultiLayerNetwork network, ParameterLayout layout, float[] params, int iteration) {
        for (Map.Entry<String, int[]> e : layout.dl4jKeys().entrySet()) {
            INDArray p = network.getParam(e.getKey());
            int[] range = e.getValue();
            p.assign(Nd4j.create(Arrays.copyOfRange(params, range[0], range[1]), p.shape(), 'c'));
        }
        network.setIterationCount(iteration);
    }

    /** The regularization DL4J applies to each parameter, read from the network's own layer configs. */
    public static List<Regularized> regularization(MultiLayerNetwork network, ParameterLayout layout, double lr) {
        List<Regularized> list = new ArrayList<>();
        for (Map.Entry<String, int[]> e : layout.dl4jKeys().entrySet()) {
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

    /**
     * The update rule {@code optimizer} with ND4J's default hyper-parameters (Adam: beta1 0.9, beta2 0.999, epsilon
     * 1e-8; RMSProp: decay 0.95, epsilon 1e-8), over {@code size} parameters. AdamW is Adam here: its decoupled decay
     * is the network's {@code WeightDecay} regularizer, applied after the step.
     */
    public static GradientOptimizer optimizer(Optimizer optimizer, double learningRate, int size) {
        float lr = (float) learningRate;
        return switch (optimizer) {
            case ADAM, ADAMW -> {
                Adam defaults = new Adam();
                yield new GradientOptimizer.Adam(lr, (float) defaults.getBeta1(), (float) defaults.getBeta2(),
                        (float) defaults.getEpsilon(), size);
            }
            case RMSPROP -> {
                RmsProp defaults = new RmsProp();
                float epsilon = (float) defaults.getEpsilon();
                yield new GradientOptimizer.RmsProp(lr, (float) defaults.getRmsDecay(), epsilon, epsilon, size);
            }
            case SGD -> new GradientOptimizer.Sgd(lr);
        };
    }
}
