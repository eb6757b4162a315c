package io.closecast.training;

import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.train.EpochListener;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Samples;
import io.closecast.model.SineSamples;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LstmForecasterTest {
    static final ModelSpec SPEC = ModelSpec.builder().lstmHiddenUnits(List.of(16, 12)).denseUnits(List.of(10, 6))
            .headActivation(HeadActivation.RELU).inputFeatures(3).horizon(4).dropout(0.1).build();
    static MultiLayerNetwork trained;

    @BeforeAll
    static void train() {
        Samples train = new Samples(SineSamples.random(64, 15, 3, 11), targets(64, 5));
        Samples val = new Samples(SineSamples.random(32, 15, 3, 12), targets(32, 6));
        trained = Trainer.create(SPEC, TrainingSpec.builder().learningRate(0.01).batchSize(32).maxEpochs(2)
                .patience(2).threads(2).build()).train(train, val, EpochListener.none()).network();
    }

    private static float[][] targets(int n, long seed) {
        float[][] y = new float[n][4];
        java.util.Random r = new java.util.Random(seed);
        for (float[] row : y) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return y;
    }

    @Test
    void pureJavaForwardEqualsDl4jWithin1e5() {
        LstmForecaster forecaster = LstmForecaster.create(LstmNetworks.exportWeights(trained, SPEC));
        for (int window : new int[] {1, 15, 60}) {
            float[][][] x = SineSamples.random(200, window, 3, 100 + window);
            float[][] expected = LstmNetworks.predict(trained, x);
            float[][] actual = forecaster.predict(x);
            double maxDiff = 0;
            for (int i = 0; i < x.length; i++) {
                for (int h = 0; h < 4; h++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[i][h] - actual[i][h]));
                }
            }
            assertTrue(maxDiff <= 1e-5, "window " + window + ": max |dl4j - java| = " + maxDiff);
        }
        // the outputs differ between windows: a forward pass that ignored its input would fail above anyway
        float[][][] two = SineSamples.random(2, 15, 3, 5);
        assertTrue(forecaster.predict(two[0])[0] != forecaster.predict(two[1])[0]);
    }

    @Test
    void concurrentForecastsWithMixedWindowLengthsEqualSequentialOnes() throws Exception {
        LstmForecaster forecaster = LstmForecaster.create(LstmNetworks.exportWeights(trained, SPEC));
        float[][][] x = new float[240][][];
        for (int i = 0; i < x.length; i++) {
            x[i] = SineSamples.random(1, 5 + i % 3 * 25, 3, 300 + i)[0];  // 5, 30 and 55 steps interleaved
        }
        float[][] expected = forecaster.predict(x);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<float[]>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (float[][] window : x) {
                    futures.add(pool.submit(() -> forecaster.predict(window)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(expected[i % x.length], futures.get(i).get(), "forecast " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalPredictions(@TempDir Path dir) {
        LstmNetworks.save(trained, SPEC, dir);
        float[][][] x = SineSamples.random(50, 15, 3, 77);
        float[][] before = LstmNetworks.predict(trained, x);
        float[][] afterDl4j = LstmNetworks.predict(LstmNetworks.load(dir), x);
        LstmForecaster fromFile = LstmForecaster.load(dir);
        LstmForecaster inMemory = LstmForecaster.create(LstmNetworks.exportWeights(trained, SPEC));
        assertEquals(SPEC, fromFile.spec());
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(before[i], afterDl4j[i], 0f, "DL4J reload, window " + i);
            assertArrayEquals(inMemory.predict(x[i]), fromFile.predict(x[i]), 0f, "weights file, window " + i);
        }
    }

    @Test
    void rejectsAFileThatIsNotAWeightsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bogus.bin");
        Files.writeString(file, "hello world, not weights");
        ModelException e = assertThrows(ModelException.class, () -> LstmForecaster.load(file));
        assertEquals("weights: " + file + " must start with CCLSTMW1 or CCLSTMW2, found 'hello wo'", e.getMessage());
    }

    @Test
    void rejectsAWindowWithTheWrongFeatureCount() {
        LstmForecaster forecaster = LstmForecaster.create(LstmNetworks.exportWeights(trained, SPEC));
        ModelException e = assertThrows(ModelException.class, () -> forecaster.predict(new float[][] {{1f, 2f}}));
        assertEquals("window[0] must have 3 features, found 2", e.getMessage());
    }
}
