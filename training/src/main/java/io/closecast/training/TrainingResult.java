package io.closecast.training;

import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.train.EpochStats;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.TrainingSpec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The outcome of {@link Trainer#train}: the network (holding the best epoch's weights), every epoch's
 * numbers, which epoch was best, and why it ended before the epoch limit.
 *
 * @param stoppedEarly fewer epochs than {@code training.max-epochs} ran (early stopping or a listener's stop)
 * @param stopReason   the reason an {@link io.closecast.model.train.EpochListener} gave for stopping, or empty
 */
public record TrainingResult(MultiLayerNetwork network, ModelSpec model, TrainingSpec training,
                             List<EpochStats> epochs, int bestEpoch, double bestValLoss, boolean stoppedEarly,
                             Optional<String> stopReason) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
        Objects.requireNonNull(stopReason, "stopReason");
    }

    /** Predictions of the trained network for {@code x[n][time][features]}. */
    public float[][] predict(float[][][] x) {
        return LstmNetworks.predict(network, x);
    }
}
