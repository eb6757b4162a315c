package io.closecast.training;

import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.dataset.Feature;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Scaler;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.Target;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.train.TrainingSpec;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the forecast intervals cost per forecast in serving: {@link ForecastModel#forecast} against
 * {@link ForecastModel#forecastWithIntervals} on the shipped configs' network ([32, 32] LSTM, window 60, 2 levels),
 * pure Java as serving runs it. Not a test: run it with
 * {@code bench/interval-cost.sh}
 * (the machine's load distorts it: it prints medians of several rounds).
 */
public final class IntervalCostBench {

    private IntervalCostBench() {
    }

    public static void main(String[] args) {
        int window = 60;
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(32, 32)).inputFeatures(1).horizon(1).build();
        LstmForecaster network = LstmForecaster.create(LstmNetworks.exportWeights(
                LstmNetworkFactory.create(spec, TrainingSpec.builder().build()), spec));
        Random random = new Random(3);
        double[] prices = new double[window + 1];
        prices[0] = 100;
        double[][] rows = new double[prices.length][1];
        for (int t = 1; t < prices.length; t++) {
            prices[t] = prices[t - 1] * Math.exp(0.015 * random.nextGaussian());
            rows[t][0] = Math.log(prices[t] / prices[t - 1]);
        }
        Scaler scaler = Scaler.fit(ScalerKind.STANDARD, List.of("TARGET"), rows, 1, rows.length);
        ForecastCodec codec = new ForecastCodec(Target.CLOSE, TargetTransform.LOG_RETURN, List.of(Feature.TARGET), window, 1, scaler);
        IntervalCalibration calibration = new IntervalCalibration(IntervalCalibration.METHOD, List.of(0.8, 0.95), 0.94,
                new double[][] {{1.6}, {2.5}}, 500, "2020-01-01", "2020-12-31", "validation");
        ForecastModel model = ForecastModel.create(new ModelBundle.MlModel("run", "model", "", "", Map.of(), "", "", ""),
                network, codec, calibration);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int n = 20_000;
        double[] plain = new double[rounds];
        double[] banded = new double[rounds];
        double[] intervalsOnly = new double[rounds];
        double sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += model.forecast(prices, 1)[0];
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += model.forecastWithIntervals(prices, 1).intervals().getFirst().upper(0);
            }
            long t2 = System.nanoTime();
            double[] point = {prices[window]};
            for (int i = 0; i < n; i++) {
                sink += calibration.intervals(point, calibration.volatility(codec, codec.encode(prices))).getLast().lower(0);
            }
            long t3 = System.nanoTime();
            plain[r] = (t1 - t0) / 1e3 / n;
            banded[r] = (t2 - t1) / 1e3 / n;
            intervalsOnly[r] = (t3 - t2) / 1e3 / n;
        }
        java.util.Arrays.sort(plain);
        java.util.Arrays.sort(banded);
        java.util.Arrays.sort(intervalsOnly);
        System.out.printf(java.util.Locale.ROOT, "median of %d rounds x %d forecasts (us per forecast): forecast %.2f,"
                        + " forecastWithIntervals %.2f, intervals alone (encode + volatility + 2 levels) %.2f  [%s]%n",
                rounds, n, plain[rounds / 2], banded[rounds / 2], intervalsOnly[rounds / 2], sink > 0 ? "ok" : "?");
    }
}
