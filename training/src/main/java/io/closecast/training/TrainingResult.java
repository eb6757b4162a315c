package io.closecast.training;

import io.closecast.model.EpochStats;
import io.closecast.model.ModelSpec;
import io.closecast.model.TrainingSpec;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The outcome of {@link Trainer#train}: the network (holding the best epoch's weights), every epoch's
 * numbers, and which epoch was best.
 */
public record TrainingResult(MultiLayerNetwork network, ModelSpec model, TrainingSpec training,
                             List<EpochStats> epochs, int bestEpoch, double bestValLoss, boolean stoppedEarly) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** Predictions of the trained network for {@code x[n][time][features]}. */
    public float[][] predict(float[][][] x) {
        return LstmNetworks.predict(network, x);
    }
}
