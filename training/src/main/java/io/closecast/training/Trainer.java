package io.closecast.training;

import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.dl4j.LstmNetworks;
import io.closecast.training.fused.FusedLstmTrainer;

import io.closecast.model.train.EpochListener;
import io.closecast.model.train.EpochStats;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.DistributionLoss;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a closecast LSTM network with shuffled mini-batches, reports every epoch, stops early on the
 * validation loss (restoring the best weights) and fails on a NaN or diverging loss.
 */
public final class Trainer {
    /** A training loss above this multiple of the first epoch's counts as diverging. */
    public static final double DIVERGENCE_FACTOR = 1e3;
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final ModelSpec model;
    private final TrainingSpec training;

    private Trainer(ModelSpec model, TrainingSpec training) {
        this.model = model;
        this.training = training;
    }

    public static Trainer create(ModelSpec model, TrainingSpec training) {
        return new Trainer(model, training);
    }

    /** Builds a fresh network and trains it; see {@link #train(MultiLayerNetwork, Samples, Samples, EpochListener)}. */
    public TrainingResult train(Samples train, Samples validation, EpochListener listener) {
        return train(LstmNetworkFactory.create(model, training), train, validation, listener);
    }

    /** Scores the network's (scaled) predictions of the validation samples after each epoch, e.g. as MASE in prices. */
    @FunctionalInterface
    public interface ValidationScore {
        double score(float[][] scaledPredictions);
    }

    /** As {@link #train(MultiLayerNetwork, Samples, Samples, EpochListener)}, with {@code score} in every epoch's stats. */
    public TrainingResult train(MultiLayerNetwork network, Samples train, Samples validation, EpochListener listener,
                                ValidationScore score) {
        return run(network, train, validation, listener, Optional.of(score));
    }

    /**
     * Trains {@code network} in place; on return it holds the weights of the best validation epoch. The engine is
     * {@link TrainingSpec#engine()}; {@link TrainingEngine#FUSED} falls back to {@link TrainingEngine#DL4J} (logged)
     * where {@link FusedLstmTrainer#unsupported} names a reason.
     */
    public TrainingResult train(MultiLayerNetwork network, Samples train, Samples validation, EpochListener listener) {
        return run(network, train, validation, listener, Optional.empty());
    }

    private TrainingResult run(MultiLayerNetwork network, Samples train, Samples validation, EpochListener listener,
                               Optional<ValidationScore> score) {
        checkShape("train", train);
        checkShape("validation", validation);
        Nd4j.getEnvironment().setMaxMasterThreads(training.threads());
        Nd4j.getEnvironment().setMaxThreads(training.threads());
        if (training.engine() == TrainingEngine.FUSED) {
            Optional<String> reason = FusedLstmTrainer.unsupported(model, training, network);
            if (reason.isEmpty()) {
                try (FusedLstmTrainer fused = FusedLstmTrainer.create(model, training, network)) {
                    return loop(network, train, listener, new FusedEngine(fused, train, validation, network), score);
                }
            }
            LOG.info("training.engine=fused falls back to dl4j: {}", reason.get());
        }
        return loop(network, train, listener, new Dl4jEngine(network, train, validation, model.distribution()), score);
    }

    /** What the epoch loop needs from an engine. */
    private interface Engine {
        /** One update on {@code order[from..to)}; returns the mini-batch score (MSE or NLL, plus regularization). */
        double fit(int[] order, int from, int to);

        /** The validation loss: MSE for a point network, the mean NLL per step for a distribution head. */
        double validationMse();

        /** The network's current (scaled) outputs for the validation samples, every output of each. */
        float[][] validationPredictions();

        void keepBest();

        /** Leaves the best kept weights in the network. */
        void finish();
    }

    private TrainingResult loop(MultiLayerNetwork network, Samples train, EpochListener listener, Engine engine,
                                Optional<ValidationScore> score) {
        int[] order = new int[train.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(training.seed());
        List<EpochStats> epochs = new ArrayList<>();
        double firstLoss = Double.NaN;
        double bestVal = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        engine.keepBest();
        int sinceBest = 0;
        Optional<String> stopReason = Optional.empty();
        for (int epoch = 1; epoch <= training.maxEpochs(); epoch++) {
            long start = System.nanoTime();
            shuffle(order, random);
            double lossSum = 0;
            for (int from = 0, batch = 1; from < order.length; from += training.batchSize(), batch++) {
                int to = Math.min(order.length, from + training.batchSize());
                double loss = engine.fit(order, from, to);
                if (!Double.isFinite(loss)) {
                    throw new ModelException("training diverged: loss is " + loss + " at epoch " + epoch
                            + ", mini-batch " + batch + " (expected a finite loss; lower training.learning-rate="
                            + training.learningRate() + " or set training.gradient-clip-norm)");
                }
                lossSum += loss * (to - from);
            }
            double trainLoss = lossSum / order.length;
            if (epoch == 1) {
                firstLoss = trainLoss;
            } else if (diverged(trainLoss, firstLoss)) {
                throw new ModelException("training diverged: train loss " + trainLoss + " at epoch " + epoch
                        + " is above " + DIVERGENCE_FACTOR + " x the first epoch's " + firstLoss
                        + " (lower training.learning-rate=" + training.learningRate() + ")");
            }
            double valLoss = engine.validationMse();
            if (!Double.isFinite(valLoss)) {
                throw new ModelException("training diverged: validation loss is " + valLoss + " at epoch " + epoch);
            }
            double valScore = score.isPresent() ? score.get().score(locations(engine.validationPredictions()))
                    : Double.NaN;
            long millis = (System.nanoTime() - start) / 1_000_000;
            EpochStats stats = new EpochStats(epoch, trainLoss, valLoss, millis, valScore);
            epochs.add(stats);
            LOG.debug("epoch {} train {} val {} ({} ms)", epoch, trainLoss, valLoss, millis);
            if (valLoss < bestVal) {
                bestVal = valLoss;
                bestEpoch = epoch;
                engine.keepBest();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            stopReason = listener.onEpoch(stats).stopReason();
            if (stopReason.isPresent() || sinceBest >= training.patience()) {
                break;
            }
        }
        engine.finish();
        boolean early = epochs.size() < training.maxEpochs();
        return new TrainingResult(network, model, training, epochs, bestEpoch, bestVal, early, stopReason);
    }

    /**
     * A train loss far above the first epoch's: above {@link #DIVERGENCE_FACTOR} times it for MSE; for a
     * distribution head's NLL, which may be negative, more than {@link #DIVERGENCE_FACTOR} times its size (at least 1)
     * above it.
     */
    private boolean diverged(double trainLoss, double firstLoss) {
        if (model.distribution() == Distribution.POINT) {
            return trainLoss > DIVERGENCE_FACTOR * firstLoss;
        }
        return trainLoss - firstLoss > DIVERGENCE_FACTOR * Math.max(1, Math.abs(firstLoss));
    }

    /** The locations (the first {@code horizon} outputs) of every row; the rows themselves for a point network. */
    private float[][] locations(float[][] outputs) {
        if (model.distribution() == Distribution.POINT) {
            return outputs;
        }
        float[][] loc = new float[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            loc[i] = Arrays.copyOf(outputs[i], model.horizon());
        }
        return loc;
    }

    /** DL4J's own {@code MultiLayerNetwork.fit}. */
    private static final class Dl4jEngine implements Engine {
        private final MultiLayerNetwork network;
        private final Samples train;
        private final INDArray valX;
        private final INDArray valY;
        private final INDArray best;
        private final Distribution distribution;
        private final float[][] validationTargets;

        Dl4jEngine(MultiLayerNetwork network, Samples train, Samples validation, Distribution distribution) {
            this.network = network;
            this.train = train;
            this.distribution = distribution;
            this.validationTargets = validation.y();
            this.valX = LstmNetworks.toInput(validation.x());
            this.valY = Nd4j.create(validation.y());
            this.best = network.params().dup();
        }

        @Override
        public double fit(int[] order, int from, int to) {
            network.fit(batch(train, order, from, to));
            return network.score();
        }

        @Override
        public double validationMse() {
            if (distribution != Distribution.POINT) {
                return DistributionLoss.mean(distribution, validationPredictions(), validationTargets);
            }
            return mse(network.output(valX, false), valY);
        }

        @Override
        public float[][] validationPredictions() {
            return network.output(valX, false).toFloatMatrix();
        }

        @Override
        public void keepBest() {
            best.assign(network.params());
        }

        @Override
        public void finish() {
            network.setParams(best);
        }
    }

    /** {@link FusedLstmTrainer}: the same math in plain Java; the network gets the best weights at the end. */
    private static final class FusedEngine implements Engine {
        private final FusedLstmTrainer fused;
        private final Samples train;
        private final Samples validation;
        private final MultiLayerNetwork network;
        private float[] best;

        FusedEngine(FusedLstmTrainer fused, Samples train, Samples validation, MultiLayerNetwork network) {
            this.fused = fused;
            this.train = train;
            this.validation = validation;
            this.network = network;
        }

        @Override
        public double fit(int[] order, int from, int to) {
            return fused.fit(train, order, from, to);
        }

        @Override
        public double validationMse() {
            return fused.loss(validation);
        }

        @Override
        public float[][] validationPredictions() {
            return fused.predict(validation.x());
        }

        @Override
        public void keepBest() {
            best = fused.params();
        }

        @Override
        public void finish() {
            int iterations = fused.iteration();
            fused.params(best);
            fused.copyTo(network);
            network.setIterationCount(iterations);
        }
    }

    private void checkShape(String name, Samples s) {
        if (s.features() != model.inputFeatures()) {
            throw new ModelException(name + " samples must have model.input-features=" + model.inputFeatures()
                    + " features per step, found " + s.features());
        }
        if (s.horizon() != model.horizon()) {
            throw new ModelException(name + " samples must have model.horizon=" + model.horizon()
                    + " targets, found " + s.horizon());
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static DataSet batch(Samples s, int[] order, int from, int to) {
        int n = to - from;
        int window = s.window();
        int features = s.features();
        int horizon = s.horizon();
        float[] x = new float[n * window * features];
        float[] y = new float[n * horizon];
        for (int i = 0; i < n; i++) {
            int src = order[from + i];
            float[][] w = s.x()[src];
            for (int t = 0; t < window; t++) {
                System.arraycopy(w[t], 0, x, (i * window + t) * features, features);
            }
            System.arraycopy(s.y()[src], 0, y, i * horizon, horizon);
        }
        return new DataSet(Nd4j.create(x, new long[] {n, window, features}, 'c'),
                Nd4j.create(y, new long[] {n, horizon}, 'c'));
    }

    static double mse(INDArray predicted, INDArray actual) {
        return predicted.castTo(actual.dataType()).squaredDistance(actual) / actual.length();
    }
}
