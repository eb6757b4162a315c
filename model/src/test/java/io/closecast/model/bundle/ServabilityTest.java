package io.closecast.model.bundle;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.Feature;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.dataset.Scaler;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.Target;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.lstm.ModelSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServabilityTest {
    @TempDir
    Path dir;

    /** A tiny real bundle: one LSTM layer of 2 units over a window of 5 closes, every weight {@code weight}. */
    static void writeBundle(Path dir, float weight) throws Exception {
        Files.createDirectories(dir);
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(2)).headActivation(HeadActivation.IDENTITY)
                .inputFeatures(1).horizon(1).build();
        LstmWeights weights = new LstmWeights(spec,
                List.of(new LstmWeights.Lstm(1, 2, filled(8, weight), filled(16, weight), filled(8, weight))),
                List.of(), new LstmWeights.Dense(2, 1, filled(2, weight), filled(1, weight)));
        weights.write(dir.resolve(LstmWeights.FILE_NAME));
        ForecastCodec codec = new ForecastCodec(Target.CLOSE, TargetTransform.LEVEL, List.of(Feature.TARGET), 5, 1,
                new Scaler(ScalerKind.MIN_MAX, List.of("Close"), new double[] {90}, new double[] {20}));
        Files.writeString(dir.resolve(ForecastModel.CODEC_FILE), codec.toJson());
        Map<String, Object> flavor = new LinkedHashMap<>();
        flavor.put("weights", LstmWeights.FILE_NAME);
        flavor.put("codec", ForecastModel.CODEC_FILE);
        flavor.put("target", "close");
        flavor.put("symbol", "TEST");
        flavor.put("train_range", "2020-01-02..2020-06-30");
        flavor.put("test_range", "2020-09-01..2020-12-31");
        ModelBundle.seal(dir, new ModelBundle.MlModel("run1", "model", "2026-12-07T00:00:00Z", "uuid", flavor, "[]", "[]",
                "input_example.json"));
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    @Test
    void aSoundBundleIsServableAndSaysWhatWasMeasured() throws Exception {
        writeBundle(dir, 0.1f);
        Servability.Report report = Servability.check(dir, Servability.Budget.DEFAULT);
        assertTrue(report.servable(), report.reason());
        assertTrue(report.reason().startsWith("servable: window 5, horizon up to 30, no intervals, 4 warm-up forecasts"),
                report.reason());
        assertTrue(report.bundleBytes() > 100, "counts the bundle's files: " + report.bundleBytes());
    }

    @Test
    void aChangedFileIsNotServableByItsChecksum() throws Exception {
        writeBundle(dir, 0.1f);
        Files.writeString(dir.resolve(ForecastModel.CODEC_FILE), Files.readString(dir.resolve(ForecastModel.CODEC_FILE)) + " ");
        Servability.Report report = Servability.check(dir, Servability.Budget.DEFAULT);
        assertFalse(report.servable());
        assertTrue(report.reason().startsWith("not servable: model bundle checksum mismatch for codec.json"), report.reason());
    }

    @Test
    void nanWeightsUnderAValidManifestAreNotServable() throws Exception {
        writeBundle(dir, Float.NaN);
        ModelBundle.verify(dir); // the checksums are fine: only the warm-up can tell
        Servability.Report report = Servability.check(dir, Servability.Budget.DEFAULT);
        assertFalse(report.servable());
        // the first warm-up forecast runs 30 steps; step 2 reads step 1's NaN back as a price
        assertEquals("not servable: warm-up forecast 1 (30 steps) failed: price must be a finite number > 0, found NaN"
                + " (prices[5])", report.reason());
        ModelException oneStep = assertThrows(ModelException.class, () -> Servability.warmUp(new Servability.WarmUpTarget() {
            private final ForecastModel model = ForecastModel.load(dir);

            @Override
            public int windowLength() {
                return model.requiredHistory();
            }

            @Override
            public int maxHorizon() {
                return 1;
            }

            @Override
            public ForecastModel.Forecast forecast(double[] window, int horizon) {
                return model.forecastWithIntervals(window, horizon);
            }
        }, 1));
        assertEquals("warm-up forecast 1 expected finite values, found NaN at step 1", oneStep.getMessage());
    }

    @Test
    void aBundleOverTheMemoryBudgetIsNotServable() throws Exception {
        writeBundle(dir, 0.1f);
        Servability.Report report = Servability.check(dir, new Servability.Budget(Duration.ofSeconds(30), 64, 2));
        assertFalse(report.servable());
        assertTrue(report.reason().matches("not servable: the bundle holds \\d+ bytes, the memory budget is 64"), report.reason());
    }

    @Test
    void aModelSlowerThanTheTimeBudgetIsNotServable() throws Exception {
        writeBundle(dir, 0.1f);
        // 200 000 warm-up rounds of 30 steps cannot finish in 50 ms
        Servability.Report report = Servability.check(dir, new Servability.Budget(Duration.ofMillis(50), 1L << 30, 200_000));
        assertFalse(report.servable());
        assertEquals("not servable: loading and warm-up took longer than the time budget of 50 ms", report.reason());
    }

    @Test
    void aCheckThatFinishesAfterTheBudgetIsNotServable() throws Exception {
        writeBundle(dir, 0.1f);
        // starting the worker thread alone takes longer than a microsecond: the check ends past its budget even when
        // the wait for it returns (a one-round warm-up of a tiny model can finish inside the wait's granularity)
        Servability.Report report = Servability.check(dir, new Servability.Budget(Duration.ofNanos(1_000), 1L << 30, 1));
        assertFalse(report.servable());
        assertEquals("not servable: loading and warm-up took longer than the time budget of 1 us", report.reason());
        assertTrue(report.took().toNanos() > 1_000, report.took().toString());
    }

    @Test
    void aMissingDirectoryIsNotServableNotAnException() {
        Servability.Report report = Servability.check(dir.resolve("absent"), Servability.Budget.DEFAULT);
        assertFalse(report.servable());
        assertTrue(report.reason().startsWith("not servable: cannot read the bundle in "), report.reason());
    }

    @Test
    void warmUpRefusesNonFiniteOrInvertedIntervals() {
        Servability.WarmUpTarget inverted = target(new ForecastInterval(0.8, new double[] {101}, new double[] {99}));
        ModelException e = assertThrows(ModelException.class, () -> Servability.warmUp(inverted, 2));
        assertEquals("warm-up forecast 1 expected a finite 0.8 interval with lower <= upper, found [101.0, 99.0] at step 1",
                e.getMessage());
        Servability.WarmUpTarget infinite = target(new ForecastInterval(0.9, new double[] {99},
                new double[] {Double.POSITIVE_INFINITY}));
        assertThrows(ModelException.class, () -> Servability.warmUp(infinite, 1));
        Servability.warmUp(target(new ForecastInterval(0.8, new double[] {99}, new double[] {101})), 2);
    }

    @Test
    void warmUpRefusesTheWrongNumberOfValues() {
        Servability.WarmUpTarget shortAnswer = new Servability.WarmUpTarget() {
            @Override
            public int windowLength() {
                return 3;
            }

            @Override
            public int maxHorizon() {
                return 5;
            }

            @Override
            public ForecastModel.Forecast forecast(double[] window, int horizon) {
                return new ForecastModel.Forecast(new double[] {100}, List.of());
            }
        };
        ModelException e = assertThrows(ModelException.class, () -> Servability.warmUp(shortAnswer, 1));
        assertEquals("warm-up forecast 1 expected 5 values, found 1", e.getMessage());
    }

    /** A one-step model answering 100 with {@code interval}. */
    private static Servability.WarmUpTarget target(ForecastInterval interval) {
        return new Servability.WarmUpTarget() {
            @Override
            public int windowLength() {
                return 3;
            }

            @Override
            public int maxHorizon() {
                return 1;
            }

            @Override
            public ForecastModel.Forecast forecast(double[] window, int horizon) {
                return new ForecastModel.Forecast(new double[] {100}, List.of(interval));
            }
        };
    }
}
