package io.closecast.pipeline.registry;

import io.closecast.model.prices.PriceCsv;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.prices.DateRange;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.intervals.PredictedScaleCalibration;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;
import io.closecast.training.bundle.BundleWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code closecast evaluate}'s risk table for a distribution head scores the intervals the service answers (its
 * predicted scale times the conformal quantile), not the quantile times the EWMA volatility.
 */
class OutOfTimeRiskHeadTest {

    @TempDir
    Path dir;

    @Test
    void aHeadsRiskRowHoldsTheServedIntervals() {
        PriceSeries series = PriceCsv.read(Path.of("..", "data", "MSFT.csv")).between(LocalDate.of(2021, 1, 1), LocalDate.of(2024, 12, 31));
        DatasetSpec spec = DatasetSpec.builder().window(20).horizon(1).transform(TargetTransform.LOG_RETURN)
                .scaler(ScalerKind.STANDARD).build();
        PreparedData data = DatasetBuilder.prepare(series, spec);
        PriceSeries clean = DatasetBuilder.clean(series, spec).cleaned();
        TrainingResult trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(8)).inputFeatures(1).horizon(1)
                                .distribution(Distribution.GAUSSIAN).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(7).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        float[][] outputs = trained.predictOutputs(data.validation().inputs());
        float[][] locations = trained.predict(data.validation().inputs());
        double[][] predicted = new double[outputs.length][];
        double[][] scales = new double[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            predicted[i] = data.codec().decode(locations[i], data.validation().lastPrices()[i]);
            scales[i] = data.codec().logPriceScales(Arrays.copyOf(outputs[i], 1), Distribution.GAUSSIAN.scales(outputs[i], 1),
                    IntervalCalibration.MIN_VOLATILITY);
        }
        IntervalCalibration calibration = PredictedScaleCalibration.calibrate(IntervalSpec.defaults(), data.validation(),
                predicted, scales, "validation");
        ForecastModel model = BundleWriter.write(dir, trained, data.codec(), new BundleWriter.Provenance("run1", "MSFT",
                data.trainRange(), data.testRange(), data.dataset().sha256(), 7, "test", "model: tiny\n"),
                clean.column(PriceColumn.CLOSE), calibration);

        LocalDate from = LocalDate.of(2024, 11, 1);
        LocalDate to = LocalDate.of(2024, 12, 31);
        Backtest backtest = OutOfTime.run(model, clean, DateRange.create(from, to), 1, OutOfTime.baselines(model, clean, from));
        RiskEvaluation risk = OutOfTimeRisk.evaluate(model, clean, backtest, OptionalDouble.empty());
        List<IntervalBacktest> rows = risk.of(RiskEvaluation.MODEL);
        double[] closes = clean.column(PriceColumn.CLOSE);
        int first = 0;
        while (!clean.bar(first).date().equals(backtest.dates().getFirst())) {
            first++;
        }
        int need = model.requiredHistory();
        for (int i = 0; i < backtest.days(); i++) {
            ForecastModel.Forecast served = model.forecastWithIntervals(
                    Arrays.copyOfRange(closes, first + i - need, first + i), 1);
            for (int k = 0; k < rows.size(); k++) {
                ForecastInterval band = served.intervals().get(k);
                assertEquals(band.level(), rows.get(k).level());
                assertEquals(band.lower()[0], rows.get(k).bounds().lower()[i], 1e-9 * band.lower()[0], "lower, day " + i);
                assertEquals(band.upper()[0], rows.get(k).bounds().upper()[i], 1e-9 * band.upper()[0], "upper, day " + i);
            }
        }
    }
}
