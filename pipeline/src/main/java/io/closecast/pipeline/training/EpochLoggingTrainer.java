package io.closecast.pipeline.training;

import io.closecast.pipeline.config.TrainConfig;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Metric;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.evaluation.ForecastMetrics;
import io.closecast.model.train.EpochDecision;
import io.closecast.model.train.EpochStats;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;
import io.closecast.training.dl4j.LstmNetworkFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * Trains one network of a run (the held-out model, or a walk-forward fold's), logging every epoch's losses, its
 * {@code val_mase} and its duration to the run (prefixed for a fold: {@code fold3_train_loss}) and printing a line
 * per epoch. Only the held-out model's epochs go to the epoch hook, which may stop the training.
 */
final class EpochLoggingTrainer {
    private final MlflowClient client;
    private final PrintWriter console;

    EpochLoggingTrainer(MlflowClient client, PrintWriter console) {
        this.client = client;
        this.console = console;
    }

    /**
     * Trains on {@code data}'s training windows, validating on its validation windows (its test windows when it has
     * none). With an empty {@code prefix} (the held-out model) every epoch is added to {@code epochs} and handed to
     * {@code hook}.
     */
    TrainingResult train(TrainConfig config, PreparedData data, String runId, TrainingJob.EpochHook hook,
                         List<EpochStats> epochs, String prefix, List<TrainingListener> listeners) {
        Samples train = new Samples(data.train().inputs(), data.train().targets());
        WindowSet validationSet = data.validation().isEmpty() ? data.test() : data.validation();
        Samples validation = new Samples(validationSet.inputs(), validationSet.targets());
        int total = config.training().maxEpochs();
        MultiLayerNetwork network = LstmNetworkFactory.create(config.model(), config.training());
        if (!listeners.isEmpty()) {
            network.setListeners(listeners);
        }
        // val_mase: the validation period's MASE against naive, in prices, after every epoch.
        Trainer.ValidationScore valMase = scaled -> {
            double[][] predicted = new double[scaled.length][];
            for (int i = 0; i < scaled.length; i++) {
                predicted[i] = data.codec().decode(scaled[i], validationSet.lastPrices()[i]);
            }
            return ForecastMetrics.of(validationSet.targetPrices(), predicted, validationSet.lastPrices()).mase();
        };
        return Trainer.create(config.model(), config.training()).train(network, train, validation, stats -> {
            if (prefix.isEmpty()) {
                epochs.add(stats);
            }
            List<Metric> perEpoch = new ArrayList<>(List.of(
                    Metric.create(prefix + "train_loss", stats.trainLoss(), stats.epoch()),
                    Metric.create(prefix + "val_loss", stats.valLoss(), stats.epoch()),
                    Metric.create(prefix + "epoch_seconds", stats.epochMillis() / 1000.0, stats.epoch())));
            if (Double.isFinite(stats.valScore())) {
                perEpoch.add(Metric.create(prefix + "val_mase", stats.valScore(), stats.epoch()));
            }
            client.logMetrics(runId, perEpoch);
            console.printf(Locale.ROOT, "%sepoch %3d/%d  train_loss %.6f  val_loss %.6f  val_mase %.4f  %.1fs%n",
                    prefix.isEmpty() ? "" : prefix.replace('_', ' '), stats.epoch(), total, stats.trainLoss(),
                    stats.valLoss(), stats.valScore(), stats.epochMillis() / 1000.0);
            console.flush();
            if (prefix.isEmpty()) {
                return hook.afterEpoch(stats).map(EpochDecision::stop).orElse(EpochDecision.CONTINUE);
            }
            return EpochDecision.CONTINUE;
        }, valMase);
    }
}
