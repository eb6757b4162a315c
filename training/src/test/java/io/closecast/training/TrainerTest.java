package io.closecast.training;

import io.closecast.model.train.EpochDecision;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.EpochStats;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.dataset.Samples;
import io.closecast.model.SineSamples;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

public class TrainerTest {
    static final int WINDOW = 12;
    public static final Samples TRAIN = SineSamples.create(192, WINDOW, 2, 0, 7);
    public static final Samples VAL = SineSamples.create(64, WINDOW, 2, 220, 7);
    public static final ModelSpec SPEC = ModelSpec.builder().lstmHiddenUnits(List.of(12, 8)).denseUnits(List.of(8))
            .headActivation(HeadActivation.TANH).inputFeatures(1).horizon(2).build();

    public static TrainingSpec.Builder training() {
        return TrainingSpec.builder().learningRate(0.02).batchSize(32).maxEpochs(12).patience(12).seed(3).threads(2);
    }

    @Test
    void learnsANoisySineBetterThanNaive() {
        List<EpochStats> seen = new ArrayList<>();
        TrainingResult result = Trainer.create(SPEC, training().build()).train(TRAIN, VAL, stats -> {
            seen.add(stats);
            return EpochDecision.CONTINUE;
        });
        assertEquals(result.epochs(), seen);
        assertEquals(12, seen.size());
        double naive = SineSamples.naiveMse(VAL);
        double first = seen.get(0).valLoss();
        assertTrue(result.bestValLoss() < first / 2, "val loss must fall: first " + first + ", best " + result.bestValLoss());
        assertTrue(result.bestValLoss() < naive, "best val " + result.bestValLoss() + " must beat naive " + naive);
        // restored best weights: predicting val again gives the best epoch's loss
        float[][] predicted = result.predict(VAL.x());
        double mse = 0;
        for (int i = 0; i < predicted.length; i++) {
            for (int h = 0; h < 2; h++) {
                mse += Math.pow(predicted[i][h] - VAL.y()[i][h], 2);
            }
        }
        assertEquals(result.bestValLoss(), mse / (predicted.length * 2), 1e-6);
        EpochStats best = seen.stream().min((a, b) -> Double.compare(a.valLoss(), b.valLoss())).orElseThrow();
        assertEquals(best.epoch(), result.bestEpoch());
    }

    @Test
    void stopsEarlyAfterPatienceEpochsWithoutImprovement() {
        // lr so small the val loss moves little; with patience 1 any non-improving epoch stops training
        TrainingResult result = Trainer.create(SPEC, training().optimizer(Optimizer.SGD).learningRate(1e-9)
                .maxEpochs(20).patience(1).build()).train(TRAIN, VAL, EpochListener.none());
        assertTrue(result.stoppedEarly(), "expected an early stop, ran " + result.epochs().size() + " epochs");
        assertEquals(result.bestEpoch() + 1, result.epochs().size());
        assertEquals(Optional.empty(), result.stopReason());
    }

    @Test
    void aListenersStopEndsTrainingAfterThatEpochWithItsReasonAndTheBestWeights() {
        List<EpochStats> seen = new ArrayList<>();
        TrainingResult result = Trainer.create(SPEC, training().build()).train(TRAIN, VAL, stats -> {
            seen.add(stats);
            return stats.epoch() == 3 ? EpochDecision.stop("pruned: worse than the median") : EpochDecision.CONTINUE;
        });
        assertEquals(3, seen.size());
        assertEquals(3, result.epochs().size());
        assertTrue(result.stoppedEarly());
        assertEquals(Optional.of("pruned: worse than the median"), result.stopReason());
        EpochStats best = seen.stream().min((a, b) -> Double.compare(a.valLoss(), b.valLoss())).orElseThrow();
        assertEquals(best.epoch(), result.bestEpoch());
        float[][] predicted = result.predict(VAL.x());
        double mse = 0;
        for (int i = 0; i < predicted.length; i++) {
            for (int h = 0; h < 2; h++) {
                mse += Math.pow(predicted[i][h] - VAL.y()[i][h], 2);
            }
        }
        assertEquals(result.bestValLoss(), mse / (predicted.length * 2), 1e-6, "the best epoch's weights are kept");
    }

    @Test
    void sameSeedGivesBitIdenticalLosses() {
        TrainingSpec spec = training().maxEpochs(2).build();
        List<EpochStats> a = Trainer.create(SPEC, spec).train(TRAIN, VAL, EpochListener.none()).epochs();
        List<EpochStats> b = Trainer.create(SPEC, spec).train(TRAIN, VAL, EpochListener.none()).epochs();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0.0, "train loss, epoch " + (i + 1));
            assertEquals(a.get(i).valLoss(), b.get(i).valLoss(), 0.0, "val loss, epoch " + (i + 1));
        }
        List<EpochStats> c = Trainer.create(SPEC, training().maxEpochs(2).seed(4).build())
                .train(TRAIN, VAL, EpochListener.none()).epochs();
        assertTrue(c.get(0).trainLoss() != a.get(0).trainLoss(), "another seed must change the losses");
    }

    @Test
    void nanLossFailsNamingTheEpoch() {
        TrainingSpec spec = training().optimizer(Optimizer.SGD).learningRate(1e6).gradientClipNorm(0).build();
        ModelException e = assertThrows(ModelException.class,
                () -> Trainer.create(SPEC, spec).train(TRAIN, VAL, EpochListener.none()));
        assertTrue(e.getMessage().startsWith("training diverged: "), e.getMessage());
        assertTrue(e.getMessage().contains("at epoch 1"), e.getMessage());
    }

    @Test
    void rejectsSamplesOfAnotherShape() {
        Samples wrong = SineSamples.create(10, WINDOW, 3, 0, 1);
        ModelException e = assertThrows(ModelException.class,
                () -> Trainer.create(SPEC, training().build()).train(wrong, VAL, EpochListener.none()));
        assertEquals("train samples must have model.horizon=2 targets, found 3", e.getMessage());
    }
}
