package io.closecast.training.fused;

import io.closecast.training.Trainer;
import io.closecast.training.TrainerTest;
import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.train.EpochListener;
import io.closecast.model.train.EpochStats;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.dataset.Samples;
import io.closecast.model.SineSamples;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The fused engine against DL4J itself: same gradients, same update step, same training curve. */
class FusedLstmTrainerTest {
    static final int WINDOW = 7;
    static final int ROWS = 16;

    static ModelSpec spec(HeadActivation activation) {
        return ModelSpec.builder().lstmHiddenUnits(List.of(6, 5)).denseUnits(List.of(4)).headActivation(activation)
                .inputFeatures(2).horizon(3).build();
    }

    static Samples batch(long seed) {
        float[][][] x = SineSamples.random(ROWS, WINDOW, 2, seed);
        float[][] y = new float[ROWS][3];
        Random r = new Random(seed + 1);
        for (float[] row : y) {
            for (int h = 0; h < row.length; h++) {
                row[h] = (float) r.nextGaussian();
            }
        }
        return new Samples(x, y);
    }

    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    static DataSet dataSet(Samples s) {
        return new DataSet(LstmNetworks.toInput(s.x()), Nd4j.create(s.y()));
    }

    static float[] rowMajor(INDArray a) {
        return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    /** |a - b| <= abs + rel * max(|a|, |b|) for every value; the message names the parameter and index. */
    static void assertClose(String what, float[] expected, float[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            double tol = abs + rel * Math.max(Math.abs(e), Math.abs(a));
            assertTrue(Math.abs(e - a) <= tol, what + "[" + i + "]: dl4j " + e + ", fused " + a + " (tol " + tol + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(HeadActivation.class)
    void gradientsEqualDl4jForEveryParameter(HeadActivation activation) {
        ModelSpec spec = spec(activation);
        TrainingSpec training = TrainingSpec.builder().batchSize(ROWS).threads(2).seed(5).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        Samples s = batch(21);
        try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
            double loss = fused.computeGradient(s, identity(ROWS), 0, ROWS);
            DataSet ds = dataSet(s);
            net.setInput(ds.getFeatures());
            net.setLabels(ds.getLabels());
            net.computeGradientAndScore();
            assertEquals(net.score(), loss, 1e-6 * Math.abs(net.score()), "MSE score");
            Map<String, INDArray> expected = net.gradient().gradientForVariable();
            Map<String, float[]> actual = fused.gradientTable();
            assertEquals(expected.keySet(), actual.keySet());
            double largest = 0;
            for (String key : expected.keySet()) {
                float[] e = rowMajor(expected.get(key));
                assertClose("gradient " + key, e, actual.get(key), 1e-3, 1e-6);
                for (float v : e) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
            assertTrue(largest > 1e-3, "the gradients must not all be ~0, largest |g| = " + largest);
        }
    }

    @ParameterizedTest
    @EnumSource(Optimizer.class)
    void threeUpdatesEqualDl4jFit(Optimizer optimizer) {
        ModelSpec spec = spec(HeadActivation.RELU);
        // a small clip norm so ClipL2PerLayer is active, and an L2 term (weight decay for AdamW)
        TrainingSpec training = TrainingSpec.builder().optimizer(optimizer).learningRate(0.01).batchSize(ROWS)
                .gradientClipNorm(0.05).l2(0.01).threads(1).seed(9).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        float[] before = rowMajor(net.params());
        try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
            for (int step = 0; step < 3; step++) {
                Samples s = batch(40 + step);
                double score = fused.fit(s, identity(ROWS), 0, ROWS);
                net.fit(dataSet(s));
                assertEquals(net.score(), score, 1e-5 * Math.abs(net.score()), optimizer + " score, step " + step);
                for (Map.Entry<String, float[]> e : fused.paramTable().entrySet()) {
                    assertClose(optimizer + " step " + step + " param " + e.getKey(),
                            rowMajor(net.getParam(e.getKey())), e.getValue(), 1e-4, 2e-6);
                }
            }
            assertEquals(3, fused.iteration());
        }
        assertFalse(java.util.Arrays.equals(before, rowMajor(net.params())), "the updates must move the params");
    }

    @Test
    void copyToWritesTheParamsIntoTheNetwork() {
        ModelSpec spec = spec(HeadActivation.TANH);
        TrainingSpec training = TrainingSpec.builder().batchSize(ROWS).threads(1).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        Samples s = batch(3);
        try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
            fused.fit(s, identity(ROWS), 0, ROWS);
            float[][] own = fused.predict(s.x());
            fused.copyTo(net);
            float[][] dl4j = LstmNetworks.predict(net, s.x());
            for (int i = 0; i < ROWS; i++) {
                assertClose("prediction " + i, dl4j[i], own[i], 1e-4, 1e-6);
            }
            assertEquals(1, net.getIterationCount());
        }
    }

    @Test
    void fusedTrainerFollowsDl4jTrainerOverEpochs() {
        TrainingSpec.Builder b = TrainerTest.training().maxEpochs(3).patience(3);
        List<EpochStats> dl4j = Trainer.create(TrainerTest.SPEC, b.engine(TrainingEngine.DL4J).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        List<EpochStats> fused = Trainer.create(TrainerTest.SPEC, b.engine(TrainingEngine.FUSED).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        assertEquals(3, fused.size());
        for (int i = 0; i < 3; i++) {
            double d = dl4j.get(i).valLoss();
            double f = fused.get(i).valLoss();
            assertEquals(d, f, 0.01 * d, "val loss, epoch " + (i + 1));
            assertEquals(dl4j.get(i).trainLoss(), fused.get(i).trainLoss(), 0.01 * dl4j.get(i).trainLoss(),
                    "train loss, epoch " + (i + 1));
        }
    }

    @Test
    void dropoutFallsBackToDl4j() {
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(6, 5)).denseUnits(List.of(4)).dropout(0.2)
                .inputFeatures(1).horizon(2).build();
        TrainingSpec.Builder b = TrainerTest.training().maxEpochs(1);
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, b.build());
        assertTrue(FusedLstmTrainer.unsupported(spec, b.build(), net).orElseThrow().contains("dropout=0.2"));
        List<EpochStats> fused = Trainer.create(spec, b.engine(TrainingEngine.FUSED).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        List<EpochStats> dl4j = Trainer.create(spec, b.engine(TrainingEngine.DL4J).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        assertEquals(dl4j.get(0).trainLoss(), fused.get(0).trainLoss(), 0.0, "fallback trains with DL4J itself");
        assertEquals(dl4j.get(0).valLoss(), fused.get(0).valLoss(), 0.0);
    }

    @Test
    void sameSeedAndThreadsGiveBitIdenticalLosses() {
        TrainingSpec spec = TrainerTest.training().maxEpochs(2).threads(2).engine(TrainingEngine.FUSED).build();
        List<EpochStats> a = Trainer.create(TrainerTest.SPEC, spec).train(TrainerTest.TRAIN, TrainerTest.VAL,
                EpochListener.none()).epochs();
        List<EpochStats> b = Trainer.create(TrainerTest.SPEC, spec).train(TrainerTest.TRAIN, TrainerTest.VAL,
                EpochListener.none()).epochs();
        for (int i = 0; i < 2; i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0.0, "train loss, epoch " + (i + 1));
            assertEquals(a.get(i).valLoss(), b.get(i).valLoss(), 0.0, "val loss, epoch " + (i + 1));
        }
    }
}
