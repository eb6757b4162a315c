package io.closecast.training.dl4j;

import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the closecast LSTM network from a {@link ModelSpec}: LSTM layers (input {@code [batch, time,
 * features]}, NWC), the last one reduced to its last time step, then the dense head, then a linear
 * output of {@code horizon} values trained on MSE, or, with a distribution head ({@code model.distribution}), of
 * {@code horizon} values per distribution parameter trained by their negative log-likelihood ({@link DistributionNll}).
 * Each layer's input size is the previous layer's output.
 */
public final class LstmNetworkFactory {
    /** Input layout of the LSTM layers: {@code [batch, time, features]}, as {@link Samples} holds it. */
    static final RNNFormat FORMAT = RNNFormat.NWC;

    private LstmNetworkFactory() {
    }

    /** The configuration for {@code model} trained as {@code training} says (updater, L2, clipping, seed). */
    public static MultiLayerConfiguration configuration(ModelSpec model, TrainingSpec training) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(training.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater(training))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        if (training.optimizer() == Optimizer.ADAMW) {
            base.weightDecay(training.l2(), true);
        } else if (training.l2() > 0) {
            base.l2(training.l2());
        }
        if (training.gradientClipNorm() > 0) {
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(training.gradientClipNorm());
        }
        NeuralNetConfiguration.ListBuilder layers = base.list();
        int in = model.inputFeatures();
        int lstmCount = model.lstmHiddenUnits().size();
        for (int i = 0; i < lstmCount; i++) {
            int units = model.lstmHiddenUnits().get(i);
            LSTM.Builder lstm = new LSTM.Builder()
                    .nIn(in).nOut(units)
                    .activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID)
                    .dataFormat(FORMAT);
            if (i > 0 && model.dropout() > 0) {
                lstm.dropOut(new Dropout(1.0 - model.dropout()));
            }
            Layer layer = lstm.build();
            layers.layer(i == lstmCount - 1 ? new LastTimeStep(layer) : layer);
            in = units;
        }
        for (int units : model.denseUnits()) {
            DenseLayer.Builder dense = new DenseLayer.Builder().nIn(in).nOut(units).activation(activation(model));
            if (model.dropout() > 0) {
                dense.dropOut(new Dropout(1.0 - model.dropout()));
            }
            layers.layer(dense.build());
            in = units;
        }
        OutputLayer.Builder output = model.distribution() == Distribution.POINT
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                : new OutputLayer.Builder(new DistributionNll(model.distribution()));
        layers.layer(output.nIn(in).nOut(model.outputs()).activation(Activation.IDENTITY).build());
        return layers.build();
    }

    /** A new, initialised network for {@code model}. */
    public static MultiLayerNetwork create(ModelSpec model, TrainingSpec training) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(model, training));
        net.init();
        return net;
    }

    static Activation activation(ModelSpec model) {
        return switch (model.headActivation()) {
            case IDENTITY -> Activation.IDENTITY;
            case RELU -> Activation.RELU;
            case TANH -> Activation.TANH;
            case SIGMOID -> Activation.SIGMOID;
        };
    }

    static IUpdater updater(TrainingSpec training) {
        double lr = training.learningRate();
        return switch (training.optimizer()) {
            case ADAM, ADAMW -> new Adam(lr);
            case SGD -> new Sgd(lr);
            case RMSPROP -> new RmsProp(lr);
        };
    }
}
