package io.closecast.training;

import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.train.EpochStats;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.TrainingSpec;

import java.util.Arrays;
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

    /**
     * Predictions of the trained network for {@code x[n][time][features]}: {@code [n][horizon]} point forecasts, or a
     * distribution head's locations.
     */
    public float[][] predict(float[][][] x) {
        float[][] out = LstmNetworks.predict(network, x);
        if (model.distribution() == Distribution.POINT) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOf(out[i], model.horizon());
        }
        return out;
    }

    /**
     * Every output of the trained network for {@code x[n][time][features]}: {@code [n][outputs]}, the locations
     * first, then a distribution head's raw scales (and tails), as {@link Distribution} lays them out.
     */
    public float[][] predictOutputs(float[][][] x) {
        return LstmNetworks.predict(network, x);
    }
}
