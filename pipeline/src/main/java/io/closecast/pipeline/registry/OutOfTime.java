package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;

import io.closecast.model.evaluation.Backtest;
import io.closecast.model.prices.DateRange;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

/**
 * Out-of-time evaluation of a loaded model on a price file, shared by {@code closecast evaluate} and the promotion
 * gate: which days are out of sample, what the baselines are fitted on, and the rolling-origin backtest.
 */
public final class OutOfTime {
    private OutOfTime() {
    }

    /**
     * The baselines' training data: the file's rows within the model's training range when the file is of the
     * model's symbol and holds them, else the file's rows before {@code from} (a model applied to another ticker).
     */
    public record Baselines(ForecastEvaluation.Reference reference, String fittedOn) {
    }

    public static Baselines baselines(ForecastModel model, PriceSeries series, LocalDate from) {
        double[] prices = series.column(model.codec().target().column());
        DateRange train = model.trainRange();
        if (sameSymbol(model, series)) {
            double[] inTrain = slice(series, prices, train.from(), train.to());
            if (inTrain.length >= 2) {
                return new Baselines(ForecastEvaluation.Reference.fit(inTrain), "the model's training range " + train);
            }
        }
        double[] before = slice(series, prices, LocalDate.MIN, from.minusDays(1));
        if (before.length < 2) {
            throw new PipelineException(series.source() + " holds " + before.length + " rows before " + from
                    + " and none of the model's training range " + train
                    + ": the drift and majority-sign baselines need at least 2 earlier prices");
        }
        return new Baselines(ForecastEvaluation.Reference.fit(before), "the " + before.length + " rows of "
                + series.source() + " before " + from);
    }

    /** True when the file is of the model's symbol (so its dates can overlap the model's training data). */
    public static boolean sameSymbol(ForecastModel model, PriceSeries series) {
        return series.symbol().equalsIgnoreCase(model.mlmodel().setting("symbol"));
    }

    public static PriceSeries read(Path file) {
        return PriceCsv.read(file);
    }

    /** The backtest on {@code range} with the baselines fitted as {@link #baselines} says. */
    public static Backtest run(ForecastModel model, PriceSeries series, DateRange range, int horizon, Baselines baselines) {
        return Backtest.run(model, series, range, horizon, baselines.reference());
    }

    private static double[] slice(PriceSeries series, double[] prices, LocalDate from, LocalDate to) {
        int start = -1;
        int end = -1;
        for (int i = 0; i < prices.length; i++) {
            LocalDate d = series.bar(i).date();
            if (!d.isBefore(from) && !d.isAfter(to)) {
                if (start < 0) {
                    start = i;
                }
                end = i;
            }
        }
        return start < 0 ? new double[0] : Arrays.copyOfRange(prices, start, end + 1);
    }
}
