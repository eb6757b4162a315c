package io.closecast.model.evaluation;

import io.closecast.model.ModelException;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Rolling-origin forecasts of a model over a date range, each made from the true history before it (never from
 * earlier forecasts), scored with {@link ForecastEvaluation} beside naive, drift and the majority sign.
 *
 * <p>An origin is the trading day before a target day {@code dates[i]}; the forecast for steps {@code 1..H} is made
 * from the bars up to and including the origin, and every one of its {@code H} target days lies within the range.
 * {@code last[i]} is the origin's price (the naive forecast), {@code actual[i][h]} the price {@code h + 1} trading
 * days later. The series must be sorted by date (as {@link PriceCsv} files are).
 *
 * @param dates the target day of each step-1 forecast, ascending
 * @param last each origin's price (the naive forecast), one per date
 * @param actual the true prices {@code [origin][step]}, {@code H} per origin
 * @param predicted the model's forecasts {@code [origin][step]}, in price units
 * @param evaluation their statistics beside the baselines
 */
public record Backtest(List<LocalDate> dates, double[] last, double[][] actual, double[][] predicted,
                       ForecastEvaluation evaluation) {

    public Backtest {
        dates = List.copyOf(dates);
        Objects.requireNonNull(evaluation, "evaluation");
    }

    /**
     * Forecasts every target day of {@code range} in {@code series} {@code horizon} steps ahead.
     *
     * @param model the trained model to forecast with
     * @param series the price history, sorted by date; the bars before the range feed the first forecast
     * @param range the target days to forecast; every origin's {@code horizon} target days lie within it
     * @param horizon steps ahead per forecast, 1 to {@link ForecastModel#maxHorizon()}
     * @param reference the baselines' drift and majority sign, fit on the training prices
     * @return every origin's forecast and actuals with their evaluation
     * @throws ModelException when the horizon is out of range, the series is not sorted by date or the range leaves
     *                        no full forecast
     */
    public static Backtest run(ForecastModel model, PriceSeries series, DateRange range, int horizon,
                               ForecastEvaluation.Reference reference) {
        if (horizon < 1 || horizon > model.maxHorizon()) {
            throw new ModelException("horizon must be between 1 and " + model.maxHorizon() + " for this model, found "
                    + horizon);
        }
        if (!series.isStrictlyAscending()) {
            throw new ModelException(series.source() + " is not sorted by date without duplicates: run `closecast data check`");
        }
        List<PriceBar> bars = series.bars();
        PriceColumn column = model.codec().target().column();
        double[] prices = series.column(column);
        int need = model.requiredHistory();
        boolean pricesOnly = model.codec().features().size() == 1;
        int first = -1;
        int lastTarget = -1;
        for (int i = 0; i < bars.size(); i++) {
            if (range.contains(bars.get(i).date())) {
                if (first < 0) {
                    first = i;
                }
                lastTarget = i;
            }
        }
        if (first < 0) {
            throw new ModelException(series.source() + " has no rows in " + range + " (it holds "
                    + (series.isEmpty() ? "none" : series.firstDate() + ".." + series.lastDate()) + ")");
        }
        first = Math.max(first, need);
        List<LocalDate> dates = new ArrayList<>();
        List<double[]> actual = new ArrayList<>();
        List<double[]> predicted = new ArrayList<>();
        List<Double> last = new ArrayList<>();
        for (int t = first; t + horizon - 1 <= lastTarget; t++) {
            double[] forecast = pricesOnly
                    ? model.forecast(Arrays.copyOfRange(prices, t - need, t), horizon)
                    : Arrays.copyOf(model.forecast(bars.subList(t - need, t)), horizon);
            dates.add(bars.get(t).date());
            actual.add(Arrays.copyOfRange(prices, t, t + horizon));
            predicted.add(forecast);
            last.add(prices[t - 1]);
        }
        if (dates.size() < 3) {
            throw new ModelException(series.source() + " leaves " + dates.size() + " forecast days in " + range
                    + " (the model needs " + need + " days of history before each, and " + horizon
                    + " target days within the range), expected at least 3");
        }
        double[][] a = actual.toArray(double[][]::new);
        double[][] p = predicted.toArray(double[][]::new);
        double[] l = last.stream().mapToDouble(Double::doubleValue).toArray();
        return new Backtest(dates, l, a, p, ForecastEvaluation.of(a, p, l, reference));
    }

    /**
     * The range actually forecast: the first and last step-1 target days.
     *
     * @return the first and last target days of step 1
     */
    public DateRange range() {
        return DateRange.create(dates.getFirst(), dates.getLast());
    }

    /**
     * Forecast days (origins).
     *
     * @return the number of origins, one forecast each
     */
    public int days() {
        return dates.size();
    }

    /**
     * The model's errors (forecast - actual) of one step (1-based), in date order.
     *
     * @param step the horizon step, 1 to {@code H}
     * @return one error per origin in price units; positive where the forecast was too high
     */
    public double[] errors(int step) {
        double[] e = new double[dates.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = predicted[i][step - 1] - actual[i][step - 1];
        }
        return e;
    }
}
