package io.closecast.serving;

import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelInfo;
import io.closecast.model.risk.CalibrationRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.IntervalCalibration;

/**
 * A small honest forecaster for tests: the next prices continue the window's mean daily change
 * (last + k * mean change). It fails loudly when used after {@link #close()}, so a test sees a request that
 * ran on a closed model. Its intervals come from the model core's {@link IntervalCalibration} with fixed quantiles
 * (1.6 and 2.5 times the window's volatility at step 1, for 80 % and 95 %).
 */
public class DriftForecaster implements Forecaster {

    static final IntervalCalibration INTERVALS = new IntervalCalibration(IntervalCalibration.METHOD, List.of(0.8, 0.95),
            0.94, new double[][] {{1.6}, {2.5}}, 250, "2021-01-04", "2021-12-31", "validation");

    private final ModelInfo info;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();

    public DriftForecaster(ModelInfo info) {
        this.info = info;
    }

    public static ModelInfo info(String name, String version, int window, int maxHorizon) {
        return info(name, version, window, maxHorizon, "MSFT");
    }

    /** The test model's version, trained on {@code symbol}'s prices. */
    public static ModelInfo info(String name, String version, int window, int maxHorizon, String symbol) {
        return new ModelInfo(name, version, "run-" + version, "production", LocalDate.of(2010, 1, 4),
                LocalDate.of(2022, 12, 30), window, maxHorizon, List.of("Close"),
                Map.ofEntries(Map.entry("test_mae", 0.42), Map.entry("naive_test_mae", 0.45),
                        Map.entry("test_directional_accuracy", 0.56), Map.entry("naive_test_directional_accuracy", 0.004),
                        Map.entry("test_up_share", 0.53), Map.entry("test_coverage_80", 0.79),
                        Map.entry("baseline_test_coverage_80", 0.84), Map.entry("test_interval_score_80", 9.5),
                        Map.entry("baseline_test_interval_score_80", 10.25), Map.entry("test_r2", 0.962),
                        Map.entry("naive_test_r2", 0.981)),
                Instant.now(), symbol, CalibrationRecord.read(CALIBRATION_TAGS));
    }

    /**
     * The interval test results of the test model, as training and {@code closecast evaluate} tag a version: the test
     * period passes at 80 % and fails Kupiec at 95 %; the evaluation has no independence p-value and no DM test.
     */
    public static final Map<String, String> CALIBRATION_TAGS = Map.ofEntries(
            Map.entry("test_windows", "250"),
            Map.entry("test_coverage_80", "0.79"), Map.entry("test_kupiec_p_80", "0.7"),
            Map.entry("test_christoffersen_ind_p_80", "0.4"), Map.entry("test_christoffersen_cc_p_80", "0.6"),
            Map.entry("test_interval_score_80", "9.5"), Map.entry("garch_test_interval_score_80", "9.75"),
            Map.entry("test_dm_garch_interval_score_80_p_two_sided", "0.3"),
            Map.entry("test_coverage_95", "0.91"), Map.entry("test_kupiec_p_95", "0.01"),
            Map.entry("test_christoffersen_ind_p_95", "0.5"), Map.entry("test_christoffersen_cc_p_95", "0.03"),
            Map.entry("test_interval_score_95", "14.5"), Map.entry("garch_test_interval_score_95", "13.25"),
            Map.entry("closecast.eval.range", "2023-01-03..2023-12-29"), Map.entry("closecast.eval.days", "250"),
            Map.entry("closecast.eval.in_sample", "false"),
            Map.entry("closecast.eval.coverage_80", "0.8"), Map.entry("closecast.eval.kupiec_p_80", "1"),
            Map.entry("closecast.eval.christoffersen_cc_p_80", "0.25"),
            Map.entry("closecast.eval.interval_score_80", "8.5"),
            Map.entry("closecast.eval.garch_eval_interval_score_80", "8.75"));

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public double[] forecast(double[] window, int horizon) {
        if (closed.get()) {
            throw new IllegalStateException("model " + info.version() + " used after close");
        }
        calls.incrementAndGet();
        double drift = (window[window.length - 1] - window[0]) / (window.length - 1);
        double[] out = new double[horizon];
        for (int i = 0; i < horizon; i++) {
            out[i] = window[window.length - 1] + drift * (i + 1);
        }
        return out;
    }

    @Override
    public ForecastModel.Forecast forecastWithIntervals(double[] window, int horizon) {
        double[] point = forecast(window, horizon);
        double[] returns = new double[window.length - 1];
        for (int i = 1; i < window.length; i++) {
            returns[i - 1] = Math.log(window[i] / window[i - 1]);
        }
        return new ForecastModel.Forecast(point, INTERVALS.intervals(point,
                IntervalCalibration.volatility(returns, INTERVALS.ewmaLambda())), INTERVALS.method());
    }

    @Override
    public void close() {
        closed.set(true);
    }

    public boolean closed() {
        return closed.get();
    }

    int calls() {
        return calls.get();
    }
}
