package io.closecast.training.bundle;

import io.closecast.model.TestData;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.intervals.PredictedScaleCalibration;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/**
 * A real bundle of a Gaussian distribution head: the bundle records the distribution, the calibration records the
 * predicted-scale method, and the service's intervals are the training side's for the same window.
 */
class DistributionBundleTest {

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
        trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(8)).inputFeatures(1).horizon(2)
                                .distribution(Distribution.GAUSSIAN).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(7).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        calibration = PredictedScaleCalibration.calibrate(IntervalSpec.defaults(), data.validation(),
                decoded(data.validation()), scales(data.validation()), "validation");
    }

    static double[][] decoded(WindowSet part) {
        float[][] scaled = trained.predict(part.inputs());
        double[][] out = new double[scaled.length][];
        for (int i = 0; i < scaled.length; i++) {
            assertEquals(2, scaled[i].length, "the locations only");
            out[i] = data.codec().decode(scaled[i], part.lastPrices()[i]);
        }
        return out;
    }

    static double[][] scales(WindowSet part) {
        float[][] outputs = trained.predictOutputs(part.inputs());
        double[][] out = new double[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            assertEquals(4, outputs[i].length, "two locations and two raw scales");
            out[i] = data.codec().logPriceScales(Arrays.copyOf(outputs[i], 2), Distribution.GAUSSIAN.scales(outputs[i], 2),
                    IntervalCalibration.MIN_VOLATILITY);
        }
        return out;
    }

    private ForecastModel write() {
        return BundleWriter.write(dir, trained, data.codec(), new BundleWriter.Provenance("run1", "MSFT", data.trainRange(),
                data.testRange(), data.dataset().sha256(), 7, "test", "model: tiny\n"), clean.column(PriceColumn.CLOSE),
                calibration);
    }

    @Test
    void theBundleRecordsTheDistributionAndTheCalibrationItsMethod() throws Exception {
        ForecastModel model = write();
        assertEquals("gaussian", model.mlmodel().setting("distribution"));
        assertEquals(Distribution.GAUSSIAN, model.distribution());
        assertEquals(IntervalCalibration.PREDICTED_SCALE_METHOD, model.mlmodel().setting("interval_method"));
        assertEquals(calibration, model.intervals().orElseThrow());
        assertTrue(Files.readString(dir.resolve(IntervalCalibration.FILE))
                .contains("\"method\" : \"" + IntervalCalibration.PREDICTED_SCALE_METHOD + "\""));
        byte[] weights = Files.readAllBytes(dir.resolve(LstmWeights.FILE_NAME));
        assertEquals("CCLSTMW2", new String(weights, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void servedIntervalsAreTheTrainingSidesScaledByThePredictedScale() {
        ForecastModel model = write();
        WindowSet test = data.test();
        double[][] predicted = decoded(test);
        double[][] scales = scales(test);
        double[] closes = clean.column(PriceColumn.CLOSE);
        int checked = 0;
        for (int i = 0; i < test.size(); i += 37) {
            LocalDate day = test.lastInputDates().get(i);
            int last = 0;
            while (!clean.bar(last).date().equals(day)) {
                last++;
            }
            double[] window = Arrays.copyOfRange(closes, last + 1 - model.requiredHistory(), last + 1);
            List<ForecastInterval> training = calibration.intervals(predicted[i], scales[i]);
            ForecastModel.Forecast served = model.forecastWithIntervals(window, 2);
            assertEquals(IntervalCalibration.PREDICTED_SCALE_METHOD, served.intervalMethod());
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 2; h++) {
                    double tolerance = 1e-5 * training.get(l).upper(h);
                    assertEquals(training.get(l).lower(h), served.intervals().get(l).lower(h), tolerance, "window " + i + " step " + h);
                    assertEquals(training.get(l).upper(h), served.intervals().get(l).upper(h), tolerance, "window " + i + " step " + h);
                    // the half-width in log price is the quantile times the head's scale of that step
                    double half = Math.log(served.intervals().get(l).upper(h) / served.prices()[h]);
                    assertEquals(calibration.quantile(l, h) * scales[i][h], half, 1e-5 * half);
                }
            }
            checked++;
        }
        assertTrue(checked >= 3, "checked " + checked + " windows");
        assertNotEquals(scales[0][0], scales[test.size() - 1][0], "the head's scale must depend on the window");
        IntervalEvaluation evaluation = IntervalEvaluation.of(calibration, scales, test, predicted,
                BaselineIntervals.fit(IntervalSpec.defaults(), data.train().targetPrices(), data.train().lastPrices()));
        assertEquals(test.size() * 2, evaluation.model().getFirst().count());
        // the EWMA overload cannot score a predicted-scale calibration: it has no head to ask
        ModelException e = assertThrows(ModelException.class, () -> IntervalEvaluation.of(calibration, data.codec(),
                test, predicted, BaselineIntervals.fit(IntervalSpec.defaults(), data.train().targetPrices(),
                        data.train().lastPrices())));
        assertTrue(e.getMessage().contains("predicted scales"), e.getMessage());
    }
}
