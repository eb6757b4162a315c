package io.closecast.training.fused;

import io.closecast.model.dataset.Samples;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.DistributionLoss;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.EpochStats;
import io.closecast.model.train.Optimizer;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.Trainer;
import io.closecast.training.TrainerTest;
import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.dl4j.LstmNetworks;

import static io.closecast.training.fused.FusedLstmTrainerTest.ROWS;
import static io.closecast.training.fused.FusedLstmTrainerTest.assertClose;
import static io.closecast.training.fused.FusedLstmTrainerTest.batch;
import static io.closecast.training.fused.FusedLstmTrainerTest.dataSet;
import static io.closecast.training.fused.FusedLstmTrainerTest.identity;
import static io.closecast.training.fused.FusedLstmTrainerTest.rowMajor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The distribution heads ({@code model.distribution: gaussian | student-t}): the fused engine's gradients against
 * finite differences of its own loss, and against DL4J's with the {@code DistributionNll} loss; the same updates as
 * DL4J's fit; the pure-Java forecaster's outputs against DL4J's after a save.
 */
class DistributionHeadTest {

    static ModelSpec spec(Distribution distribution) {
        return ModelSpec.builder().lstmHiddenUnits(List.of(6, 5)).denseUnits(List.of(4)).headActivation(HeadActivation.TANH)
                .inputFeatures(2).horizon(3).distribution(distribution).build();
    }

    /** The per-step NLL's gradient against central differences of the NLL itself, per output. */
    @ParameterizedTest
    @EnumSource(value = Distribution.class, names = {"GAUSSIAN", "STUDENT_T"})
    void lossGradientMatchesFiniteDifferences(Distribution distribution) {
        int horizon = 3;
        float[] out = {0.3f, -0.2f, 1.1f, -0.7f, 0.4f, 1.5f, 0.2f, -1.0f, 2.5f};
        float[] y = {0.9f, -0.1f, -0.8f};
        int width = horizon * distribution.parameters();
        float[] grad = new float[width];
        DistributionLoss.row(distribution, horizon, out, 0, y, 0, grad, 0);
        for (int j = 0; j < width; j++) {
            float h = 1e-2f;
            float[] plus = out.clone();
            float[] minus = out.clone();
            plus[j] += h;
            minus[j] -= h;
            double numeric = (DistributionLoss.row(distribution, horizon, plus, 0, y, 0, null, 0)
                    - DistributionLoss.row(distribution, horizon, minus, 0, y, 0, null, 0)) / (plus[j] - minus[j])
                    / horizon;
            assertEquals(numeric, grad[j], 2e-3 + 1e-3 * Math.abs(numeric), distribution + " d/d out[" + j + "]");
            assertTrue(Math.abs(grad[j]) > 1e-4, "output " + j + " must move the loss, gradient " + grad[j]);
        }
    }

    @Test
    void gaussianNllHasItsClosedFormValue() {
        // y = 1, mu = 0, sigma = softplus(0) + 1e-4: ln sigma + 0.5 / sigma^2 + 0.5 ln 2 pi
        float[] out = {0f, 0f};
        double sigma = Math.log(2) + 1e-4;
        double expected = Math.log(sigma) + 0.5 / (sigma * sigma) + 0.5 * Math.log(2 * Math.PI);
        assertEquals(expected, DistributionLoss.row(Distribution.GAUSSIAN, 1, out, 0, new float[] {1f}, 0, null, 0), 1e-6);
        // Student-t with nu = 2 + softplus(0), sigma as above, z = 1/sigma: the density of a t distribution
        double nu = 2 + Math.log(2);
        double z = 1 / sigma;
        double logDensity = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(sigma)
                - (nu + 1) / 2 * Math.log(1 + z * z / nu);
        assertEquals(-logDensity, DistributionLoss.row(Distribution.STUDENT_T, 1, new float[] {0f, 0f, 0f}, 0,
                new float[] {1f}, 0, null, 0), 1e-6);
    }

    /** ln Gamma by Stirling's series with a shift: an independent check of the Lanczos form. */
    private static double lgamma(double x) {
        double shift = 0;
        while (x < 10) {
            shift -= Math.log(x);
            x += 1;
        }
        return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }

    /** The whole network's gradient (fused backward pass) against central differences of the fused loss. */
    @ParameterizedTest
    @EnumSource(value = Distribution.class, names = {"GAUSSIAN", "STUDENT_T"})
    void fusedGradientMatchesFiniteDifferences(Distribution distribution) {
        ModelSpec spec = spec(distribution);
        TrainingSpec training = TrainingSpec.builder().batchSize(ROWS).threads(1).seed(5).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        Samples s = batch(21);
        try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
            fused.computeGradient(s, identity(ROWS), 0, ROWS);
            Map<String, float[]> gradient = fused.gradientTable();
            Map<String, int[]> layout = fused.layout();
            float[] params = fused.params();
            for (Map.Entry<String, float[]> e : gradient.entrySet()) {
                // the largest gradient of each parameter tensor, and one more
                float[] g = e.getValue();
                int largest = 0;
                for (int i = 1; i < g.length; i++) {
                    if (Math.abs(g[i]) > Math.abs(g[largest])) {
                        largest = i;
                    }
                }
                for (int i : new int[] {largest, g.length / 2}) {
                    int at = layout.get(e.getKey())[0] + i;
                    double h = 2e-3;
                    float[] p = params.clone();
                    p[at] = (float) (params[at] + h);
                    fused.params(p);
                    double plus = fused.loss(s);
                    p[at] = (float) (params[at] - h);
                    fused.params(p);
                    double minus = fused.loss(s);
                    fused.params(params);
                    // computeGradient sums over the rows; the loss is their mean
                    double numeric = (plus - minus) / (2 * h) * ROWS;
                    double analytic = g[i];
                    assertEquals(numeric, analytic, 3e-3 + 0.03 * Math.abs(numeric),
                            distribution + " gradient " + e.getKey() + "[" + i + "]");
                }
                assertTrue(Math.abs(g[largest]) > 1e-4, e.getKey() + " must have a gradient, largest " + g[largest]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Distribution.class, names = {"GAUSSIAN", "STUDENT_T"})
    void gradientsEqualDl4jForEveryParameter(Distribution distribution) {
        ModelSpec spec = spec(distribution);
        TrainingSpec training = TrainingSpec.builder().batchSize(ROWS).threads(2).seed(5).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        Samples s = batch(21);
        try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
            double loss = fused.computeGradient(s, identity(ROWS), 0, ROWS);
            var ds = dataSet(s);
            net.setInput(ds.getFeatures());
            net.setLabels(ds.getLabels());
            net.computeGradientAndScore();
            assertEquals(net.score(), loss, 1e-5 * Math.abs(net.score()), "NLL score");
            Map<String, INDArray> expected = net.gradient().gradientForVariable();
            Map<String, float[]> actual = fused.gradientTable();
            assertEquals(expected.keySet(), actual.keySet());
            for (String key : expected.keySet()) {
                assertClose(distribution + " gradient " + key, rowMajor(expected.get(key)), actual.get(key), 1e-3, 1e-6);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Optimizer.class, names = {"ADAM", "SGD"})
    void threeUpdatesEqualDl4jFit(Optimizer optimizer) {
        for (Distribution distribution : List.of(Distribution.GAUSSIAN, Distribution.STUDENT_T)) {
            ModelSpec spec = spec(distribution);
            TrainingSpec training = TrainingSpec.builder().optimizer(optimizer).learningRate(0.01).batchSize(ROWS)
                    .gradientClipNorm(0.05).l2(0.01).threads(1).seed(9).build();
            MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
            try (FusedLstmTrainer fused = FusedLstmTrainer.create(spec, training, net)) {
                for (int step = 0; step < 3; step++) {
                    Samples s = batch(40 + step);
                    double score = fused.fit(s, identity(ROWS), 0, ROWS);
                    net.fit(dataSet(s));
                    assertEquals(net.score(), score, 1e-5 * Math.abs(net.score()),
                            distribution + " " + optimizer + " score, step " + step);
                    for (Map.Entry<String, float[]> e : fused.paramTable().entrySet()) {
                        assertClose(distribution + " " + optimizer + " step " + step + " param " + e.getKey(),
                                rowMajor(net.getParam(e.getKey())), e.getValue(), 1e-4, 2e-6);
                    }
                }
            }
        }
    }

    @Test
    void fusedTrainerFollowsDl4jTrainerOverEpochs() {
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(8)).inputFeatures(1).horizon(2)
                .distribution(Distribution.GAUSSIAN).build();
        TrainingSpec.Builder b = TrainerTest.training().maxEpochs(3).patience(3);
        List<EpochStats> dl4j = Trainer.create(spec, b.engine(TrainingEngine.DL4J).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        List<EpochStats> fused = Trainer.create(spec, b.engine(TrainingEngine.FUSED).build())
                .train(TrainerTest.TRAIN, TrainerTest.VAL, EpochListener.none()).epochs();
        assertEquals(3, fused.size());
        for (int i = 0; i < 3; i++) {
            double d = dl4j.get(i).valLoss();
            assertEquals(d, fused.get(i).valLoss(), 0.01 * Math.max(1, Math.abs(d)), "val NLL, epoch " + (i + 1));
            assertEquals(dl4j.get(i).trainLoss(), fused.get(i).trainLoss(),
                    0.01 * Math.max(1, Math.abs(dl4j.get(i).trainLoss())), "train NLL, epoch " + (i + 1));
        }
        assertTrue(fused.get(2).trainLoss() < fused.get(0).trainLoss(), "the NLL must fall: " + fused);
    }

    @Test
    void aPointNetworkKeepsWeightsVersionOneAndItsOutputLayer(@TempDir Path dir) throws Exception {
        ModelSpec spec = spec(Distribution.POINT);
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, TrainingSpec.builder().seed(3).build());
        assertTrue(((org.deeplearning4j.nn.conf.layers.OutputLayer) net.getLayer(3).conf().getLayer())
                .getLossFn() instanceof org.nd4j.linalg.lossfunctions.impl.LossMSE, "a point network trains on MSE");
        assertEquals(3, net.getLayer(3).getParam("b").length());
        LstmNetworks.save(net, spec, dir);
        byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve(io.closecast.model.lstm.LstmWeights.FILE_NAME));
        assertEquals("CCLSTMW1", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        // the version-1 layout exactly: header, then every float of the network
        int header = 8 + 4 + 4 + 8 + 2 + "tanh".length() + 4 + 2 * 4 + 4 + 4;
        assertEquals(header + 4L * net.numParams(), bytes.length);
    }

    @ParameterizedTest
    @EnumSource(value = Distribution.class, names = {"GAUSSIAN", "STUDENT_T"})
    void savedWeightsForecastAsDl4jDoes(Distribution distribution, @TempDir Path dir) {
        ModelSpec spec = spec(distribution);
        TrainingSpec training = TrainingSpec.builder().batchSize(ROWS).threads(1).seed(3).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, training);
        LstmNetworks.save(net, spec, dir);
        MultiLayerNetwork reloaded = LstmNetworks.load(dir);
        LstmForecaster forecaster = LstmForecaster.load(dir);
        assertEquals(distribution, forecaster.spec().distribution());
        Samples s = batch(8);
        float[][] dl4j = LstmNetworks.predict(reloaded, s.x());
        for (int i = 0; i < ROWS; i++) {
            assertEquals(spec.outputs(), dl4j[i].length);
            assertClose("outputs " + i, dl4j[i], forecaster.predictOutputs(s.x()[i]), 1e-4, 1e-6);
            float[] location = forecaster.predict(s.x()[i]);
            assertEquals(3, location.length);
            assertClose("location " + i, java.util.Arrays.copyOf(dl4j[i], 3), location, 1e-4, 1e-6);
        }
    }
}
