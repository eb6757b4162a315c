package io.closecast.pipeline.registry;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.risk.AdaptiveReplay;
import io.closecast.model.risk.DailyBounds;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.VolatilityReferences;
import io.closecast.pipeline.PipelineException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The next-day intervals of an out-of-time backtest beside GARCH(1,1), RiskMetrics EWMA and the constant-width
 * baseline, all three fitted on the model's training range of the file (the rows before the first evaluated day when
 * the file is of another symbol or the range overlaps it) and filtered through every later day with fixed
 * parameters. The model's intervals are its bundle's calibration around its step-1 forecasts; a bundle without one is
 * evaluated without the {@code model} rows.
 */
public final class OutOfTimeRisk {

    private OutOfTimeRisk() {
    }

    /**
     * Evaluates the backtest's intervals.
     *
     * @param model the model the backtest ran
     * @param series the price file it ran on
     * @param backtest its forecasts
     * @return the side-by-side evaluation (GARCH may be reported as not fitted, see {@link RiskEvaluation#garch()})
     * @throws PipelineException when the file holds fewer than 2 prices before the first evaluated day
     */
    public static RiskEvaluation evaluate(ForecastModel model, PriceSeries series, Backtest backtest) {
        return evaluate(model, series, backtest, OptionalDouble.empty());
    }

    /**
     * As {@link #evaluate(ForecastModel, PriceSeries, Backtest)}, with the model's intervals also replayed with adaptive
     * conformal inference of step size {@code adaptiveGamma} ({@link AdaptiveReplay}: method {@value AdaptiveReplay#METHOD},
     * from the nominal miss rates on the first evaluated day) when it is given and the bundle has a calibration.
     *
     * @param model the model the backtest ran
     * @param series the price file it ran on
     * @param backtest its forecasts
     * @param adaptiveGamma ACI's step size, in (0, 0.5]; empty: no replay
     * @return the side-by-side evaluation
     * @throws PipelineException when the file holds fewer than 2 prices before the first evaluated day
     */
    public static RiskEvaluation evaluate(ForecastModel model, PriceSeries series, Backtest backtest,
                                          OptionalDouble adaptiveGamma) {
        List<PriceBar> bars = series.bars();
        double[] prices = series.column(model.codec().target().column());
        int first = indexOf(series, backtest.dates().getFirst());
        int last = first + backtest.days() - 1;
        DateRange train = model.trainRange();
        int from = 0;
        int to = first - 1;
        if (OutOfTime.sameSymbol(model, series)) {
            int inTrainFrom = -1;
            int inTrainTo = -1;
            for (int i = 0; i < first; i++) {
                LocalDate d = bars.get(i).date();
                if (!d.isBefore(train.from()) && !d.isAfter(train.to())) {
                    inTrainFrom = inTrainFrom < 0 ? i : inTrainFrom;
                    inTrainTo = i;
                }
            }
            if (inTrainTo - inTrainFrom >= 1) {
                from = inTrainFrom;
                to = inTrainTo;
            }
        }
        if (to - from < 1) {
            throw new PipelineException(series.source() + " holds " + (to - from + 1) + " prices before "
                    + backtest.dates().getFirst() + ": GARCH, EWMA and the constant baseline need at least 2");
        }
        double[] training = RiskEvaluation.logReturns(Arrays.copyOfRange(prices, from, to + 1));
        double[] later = RiskEvaluation.logReturns(Arrays.copyOfRange(prices, to, last + 1));
        double[] lastPrices = backtest.last();
        double[] actual = new double[backtest.days()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = backtest.actual()[i][0];
        }
        List<Double> levels = model.intervals().map(IntervalCalibration::levels).orElse(IntervalSpec.DEFAULT_LEVELS);
        IntervalSpec spec = new IntervalSpec(levels, IntervalSpec.DEFAULT_EWMA_LAMBDA);
        double[][] trainTargets = new double[training.length][];
        double[] trainLast = new double[training.length];
        for (int t = 0; t < training.length; t++) {
            trainLast[t] = prices[from + t];
            trainTargets[t] = new double[] {prices[from + t + 1]};
        }
        BaselineIntervals baseline = BaselineIntervals.fit(spec, trainTargets, trainLast);
        List<List<ForecastInterval>> constant = new ArrayList<>();
        for (double p : lastPrices) {
            constant.add(baseline.intervals(p, 1));
        }
        List<DailyBounds> methods = new ArrayList<>();
        model.intervals().ifPresent(c -> methods.addAll(DailyBounds.firstStep(RiskEvaluation.MODEL,
                modelIntervals(model, c, series, prices, first, backtest))));
        if (adaptiveGamma.isPresent() && !methods.isEmpty()) {
            methods.addAll(AdaptiveReplay.replay(adaptiveGamma.getAsDouble(), List.copyOf(methods), actual).bounds());
        }
        methods.addAll(DailyBounds.firstStep("baseline", constant));
        return RiskEvaluation.beside(VolatilityReferences.fit(training), later, lastPrices, actual, methods);
    }

    /**
     * The calibration's intervals around each step-1 forecast, scaled by the volatility of the same input (a
     * distribution head's: its predicted scale, as the service answers them).
     */
    private static List<List<ForecastInterval>> modelIntervals(ForecastModel model, IntervalCalibration calibration,
                                                               PriceSeries series, double[] prices, int first,
                                                               Backtest backtest) {
        int need = model.requiredHistory();
        boolean pricesOnly = model.codec().features().size() == 1;
        List<List<ForecastInterval>> out = new ArrayList<>(backtest.days());
        for (int i = 0; i < backtest.days(); i++) {
            int t = first + i;
            float[][] input = pricesOnly ? model.codec().encode(Arrays.copyOfRange(prices, t - need, t))
                    : model.codec().encode(new ArrayList<>(series.bars().subList(t - need, t)));
            double[] forecast = {backtest.predicted()[i][0]};
            out.add(IntervalCalibration.PREDICTED_SCALE_METHOD.equals(calibration.method())
                    ? calibration.intervals(forecast, new double[] {model.predictedScales(input)[0]})
                    : calibration.intervals(forecast, calibration.volatility(model.codec(), input)));
        }
        return out;
    }

    private static int indexOf(PriceSeries series, LocalDate date) {
        for (int i = 0; i < series.size(); i++) {
            if (series.bar(i).date().equals(date)) {
                return i;
            }
        }
        throw new PipelineException(series.source() + " has no row for " + date);
    }
}
