package io.closecast.training.bundle;

import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.train.EpochListener;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.TestData;
import io.closecast.model.train.TrainingSpec;
import io.closecast.model.dataset.WindowSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real bundle with its interval calibration: stored, covered by the manifest, and served as training computed it. */
class IntervalBundleTest {

    static PreparedData data;
    static TrainingResult trained;
    static IntervalCalibration calibration;
    static PriceSeries clean;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        PriceSeries series = TestData.read("MSFT.csv").between(LocalDate.of(2021, 1, 1), LocalDate.of(2024, 12, 31));
        DatasetSpec spec = DatasetSpec.builder().window(20).horizon(2).transform(TargetTransform.LOG_RETURN)
                .scaler(ScalerKind.STANDARD).build();
        data = DatasetBuilder.prepare(series, spec);
        clean = DatasetBuilder.clean(series, spec).cleaned();
        trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(8)).inputFeatures(1).horizon(2).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(7).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        calibration = IntervalCalibration.calibrate(IntervalSpec.defaults(), data.codec(), data.validation(),
                decoded(data.validation()), "validation");
    }

    static double[][] decoded(WindowSet part) {
        float[][] scaled = trained.predict(part.inputs());
        double[][] out = new double[scaled.length][];
        for (int i = 0; i < scaled.length; i++) {
            out[i] = data.codec().decode(scaled[i], part.lastPrices()[i]);
        }
        return out;
    }

    private ForecastModel write() {
        return BundleWriter.write(dir, trained, data.codec(), new BundleWriter.Provenance("run1", "MSFT", data.trainRange(),
                data.testRange(), data.dataset().sha256(), 7, "test", "model: tiny\n"), clean.column(PriceColumn.CLOSE), calibration);
    }

    @Test
    void theCalibrationIsStoredNamedByTheFlavorAndCoveredByTheManifest() throws Exception {
        ForecastModel model = write();
        assertEquals(calibration, model.intervals().orElseThrow());
        assertEquals(data.validation().targetRange().orElseThrow(), calibration.range());
        assertEquals(IntervalCalibration.FILE, model.mlmodel().setting("intervals"));
        assertEquals("[0.8, 0.95]", model.mlmodel().setting("interval_levels"));
        assertTrue(Files.readString(dir.resolve(ModelBundle.MANIFEST)).contains(
                ModelBundle.sha256(dir.resolve(IntervalCalibration.FILE)) + "  " + IntervalCalibration.FILE));
        // a widened calibration after sealing is refused like changed weights
        String json = Files.readString(dir.resolve(IntervalCalibration.FILE));
        Files.writeString(dir.resolve(IntervalCalibration.FILE), json.replaceFirst("\"windows\" : \\d+", "\"windows\" : 1"));
        ModelException e = assertThrows(ModelException.class, () -> ForecastModel.load(dir));
        assertTrue(e.getMessage().startsWith("model bundle checksum mismatch for " + IntervalCalibration.FILE), e.getMessage());
    }

    @Test
    void servedIntervalsEqualTheTrainingSidesForTheSameWindow() {
        ForecastModel model = write();
        WindowSet test = data.test();
        double[][] predicted = decoded(test);
        double[] closes = clean.column(PriceColumn.CLOSE);
        int checked = 0;
        for (int i = 0; i < test.size(); i += 37) {
            LocalDate day = test.lastInputDates().get(i);
            int last = 0;
            while (!clean.bar(last).date().equals(day)) {
                last++;
            }
            double[] window = Arrays.copyOfRange(closes, last + 1 - model.requiredHistory(), last + 1);
            List<ForecastInterval> training = calibration.intervals(predicted[i], calibration.volatility(data.codec(), test.inputs()[i]));
            ForecastModel.Forecast served = model.forecastWithIntervals(window, 2);
            assertEquals(2, served.intervals().size());
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 2; h++) {
                    double tolerance = 1e-5 * training.get(l).upper(h);
                    assertEquals(training.get(l).lower(h), served.intervals().get(l).lower(h), tolerance, "window " + i + " step " + h);
                    assertEquals(training.get(l).upper(h), served.intervals().get(l).upper(h), tolerance, "window " + i + " step " + h);
                }
            }
            checked++;
        }
        assertTrue(checked >= 3, "checked " + checked + " windows");
        // the evaluation training logs scores exactly these intervals
        IntervalEvaluation evaluation = IntervalEvaluation.of(calibration, data.codec(), test, predicted,
                BaselineIntervals.fit(IntervalSpec.defaults(), data.train().targetPrices(), data.train().lastPrices()));
        assertEquals(2, evaluation.model().size());
        assertEquals(test.size() * 2, evaluation.model().getFirst().count());
        assertTrue(evaluation.toMap("test_", "baseline_test_").containsKey("baseline_test_interval_score_95"));
    }
}
