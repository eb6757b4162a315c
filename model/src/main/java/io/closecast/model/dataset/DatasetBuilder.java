package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.PriceChecks;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a price series into leak-free training data: checks and cleans it under the spec's policy,
 * computes features, splits chronologically (a window goes to the part holding all of its targets),
 * fits the scaler on the training rows only, and builds scaled sliding windows.
 */
public final class DatasetBuilder {

    private DatasetBuilder() {
    }

    /**
     * Cleans {@code series} as the spec's checks and policy say, splits it, fits the scaler on the training rows and
     * cuts every part into scaled windows.
     *
     * @param series the raw price series, in any order
     * @param spec the target, features, window, horizon, split, scaler, checks and policy
     * @return the scaled windows of each part with the codec and the dataset's description
     * @throws ModelException when the series fails its checks, or is too short for the window, horizon and split
     */
    public static PreparedData prepare(PriceSeries series, DatasetSpec spec) {
        CheckPolicy.Result checked = spec.policy().apply(PriceChecks.run(series, spec.checks()));
        PriceSeries clean = checked.requireNoFailures();
        LocalDate trainStart = LocalDate.MIN;
        LocalDate testEnd = LocalDate.MAX;
        if (spec.split() instanceof Split.Dates d) {
            trainStart = d.trainStart();
            testEnd = d.testEnd();
        }
        PriceSeries used = clean.between(trainStart, testEnd);
        List<PriceBar> bars = used.bars();
        int n = bars.size();
        int lookback = spec.lookback();
        int window = spec.window();
        int horizon = spec.horizon();
        int firstTarget = lookback + window;
        if (n < firstTarget + horizon + 2) {
            throw new ModelException("series " + series.symbol() + " has " + n + " usable rows between "
                    + (n == 0 ? "-" : used.firstDate() + " and " + used.lastDate()) + ", expected at least "
                    + (firstTarget + horizon + 2) + " for window " + window + " and horizon " + horizon);
        }

        LocalDate trainEnd;
        LocalDate validationEnd;
        switch (spec.split()) {
            case Split.Fractions f -> {
                int count = n - firstTarget;
                int trainCount = (int) Math.floor(count * f.train());
                int validationCount = (int) Math.floor(count * (f.train() + f.validation())) - trainCount;
                if (trainCount < 1) {
                    throw new ModelException("split.train " + f.train() + " leaves no training days out of " + count);
                }
                trainEnd = bars.get(firstTarget + trainCount - 1).date();
                validationEnd = bars.get(firstTarget + trainCount + validationCount - 1).date();
            }
            case Split.Dates d -> {
                trainEnd = d.trainEnd();
                validationEnd = d.validationEnd();
            }
        }

        double[][] rows = ForecastCodec.featureRows(bars, spec.target(), spec.transform(), spec.features(), lookback);
        int fitEnd = lookback;
        while (fitEnd < n && !bars.get(fitEnd).date().isAfter(trainEnd)) {
            fitEnd++;
        }
        if (fitEnd - lookback < window + horizon) {
            throw new ModelException("the training part (up to " + trainEnd + ") has " + (fitEnd - lookback)
                    + " rows, expected at least " + (window + horizon) + " for window " + window + " and horizon " + horizon);
        }
        List<String> names = spec.features().stream().map(Enum::name).toList();
        Parts parts = new Parts();
        for (int t = firstTarget - 1; t + horizon < n; t++) {
            LocalDate first = bars.get(t + 1).date();
            LocalDate last = bars.get(t + horizon).date();
            if (!last.isAfter(trainEnd)) {
                parts.train.add(t);
            } else if (first.isAfter(trainEnd) && !last.isAfter(validationEnd)) {
                parts.validation.add(t);
            } else if (first.isAfter(validationEnd)) {
                parts.test.add(t);
            }
        }
        Scaler scaler = Scaler.fit(spec.scaler(), names, rows, lookback, fitEnd);
        if (spec.transform() == TargetTransform.WINDOW_RELATIVE) {
            scaler = withRelativeTarget(scaler, spec.scaler(), names, rows, parts.train, window);
        }
        ForecastCodec codec = new ForecastCodec(spec.target(), spec.transform(), spec.features(), window, horizon, scaler);
        List<String> rangeWarnings = spec.transform() == TargetTransform.LEVEL
                ? rangeWarnings(rows, lookback, fitEnd, bars, trainEnd, spec.scaler()) : List.of();
        WindowSet train = windows("train", parts.train, bars, rows, codec);
        WindowSet validation = windows("validation", parts.validation, bars, rows, codec);
        WindowSet test = windows("test", parts.test, bars, rows, codec);
        if (train.isEmpty() || test.isEmpty()) {
            throw new ModelException("split " + spec.split() + " of " + used.firstDate() + ".." + used.lastDate()
                    + " must leave training and test windows, found " + train.size() + " training and " + test.size() + " test");
        }
        DateRange fitRange = DateRange.create(bars.get(lookback).date(), bars.get(fitEnd - 1).date());
        return new PreparedData(spec, train, validation, test, codec, DatasetInfo.create(used, checked.dropped().size()),
                fitRange, checked.dropped(), checked.warnings(), rangeWarnings);
    }

    /**
     * Feature 0's scaler for WINDOW_RELATIVE: offset 0 (so a scaled output of 0 is the naive forecast) and scale the
     * spread of the training windows' relative inputs {@code x = p[s] / p[t] - 1}: their root mean square for
     * STANDARD, their largest {@code |x|} for MIN_MAX.
     */
    private static Scaler withRelativeTarget(Scaler scaler, ScalerKind kind, List<String> names, double[][] rows,
                                             List<Integer> trainEnds, int window) {
        double sumSquares = 0;
        double maxAbs = 0;
        long n = 0;
        for (int t : trainEnds) {
            for (int s = t - window + 1; s <= t; s++) {
                double x = ForecastCodec.relative(TargetTransform.WINDOW_RELATIVE, rows, s, t);
                sumSquares += x * x;
                maxAbs = Math.max(maxAbs, Math.abs(x));
                n++;
            }
        }
        double spread = kind == ScalerKind.STANDARD ? Math.sqrt(sumSquares / Math.max(1, n)) : maxAbs;
        double[] offset = scaler.offset();
        double[] scale = scaler.scale();
        offset[0] = 0;
        scale[0] = spread > 0 ? spread : 1;
        return new Scaler(kind, names, offset, scale);
    }

    /**
     * A global scaler fitted on training prices cannot map prices outside their range to values the network has
     * seen (min-max pins them beyond [0, 1]): says by how much validation and test prices leave it.
     */
    private static List<String> rangeWarnings(double[][] rows, int from, int fitEnd, List<PriceBar> bars,
                                              LocalDate trainEnd, ScalerKind kind) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < fitEnd; i++) {
            min = Math.min(min, rows[i][0]);
            max = Math.max(max, rows[i][0]);
        }
        double laterMin = Double.POSITIVE_INFINITY;
        double laterMax = Double.NEGATIVE_INFINITY;
        for (int i = fitEnd; i < rows.length; i++) {
            laterMin = Math.min(laterMin, rows[i][0]);
            laterMax = Math.max(laterMax, rows[i][0]);
        }
        List<String> warnings = new java.util.ArrayList<>();
        String after = "after " + trainEnd + " (validation and test, to " + bars.getLast().date() + ")";
        if (laterMax > max) {
            warnings.add(String.format(java.util.Locale.ROOT, "prices %s reach %.4g, %.1f%% above the training part's"
                            + " maximum %.4g: the %s scaler fitted on it maps them outside the range the network was"
                            + " trained on (data.transform: window-relative or log-return avoids this)", after, laterMax,
                    100 * (laterMax / max - 1), max, kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        }
        if (laterMin < min) {
            warnings.add(String.format(java.util.Locale.ROOT, "prices %s fall to %.4g, %.1f%% below the training part's"
                            + " minimum %.4g: the %s scaler fitted on it maps them outside the range the network was"
                            + " trained on (data.transform: window-relative or log-return avoids this)", after, laterMin,
                    100 * (1 - laterMin / min), min, kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        }
        return warnings;
    }

    /**
     * The cleaned series the spec's checks and policy leave (what {@link #prepare} windows), or an error.
     *
     * @param series the raw price series
     * @param spec the dataset spec whose checks and policy apply
     * @return the cleaned series with the dropped rows, warnings and failures ({@link
     *         CheckPolicy.Result#requireNoFailures()} for the error)
     */
    public static CheckPolicy.Result clean(PriceSeries series, DatasetSpec spec) {
        return spec.policy().apply(PriceChecks.run(series, spec.checks()));
    }

    private static WindowSet windows(String part, List<Integer> ends, List<PriceBar> bars, double[][] rows, ForecastCodec codec) {
        int size = ends.size();
        int window = codec.window();
        int horizon = codec.horizon();
        int features = codec.features().size();
        Scaler scaler = codec.scaler();
        float[][][] inputs = new float[size][window][features];
        float[][] targets = new float[size][horizon];
        double[][] targetPrices = new double[size][horizon];
        List<LocalDate> firstDates = new ArrayList<>(size);
        List<LocalDate> lastDates = new ArrayList<>(size);
        List<LocalDate> inputDates = new ArrayList<>(size);
        double[] lastPrices = new double[size];
        PriceColumn column = codec.target().column();
        for (int w = 0; w < size; w++) {
            int t = ends.get(w);
            for (int s = 0; s < window; s++) {
                double[] row = rows[t - window + 1 + s];
                for (int k = 0; k < features; k++) {
                    double value = k == 0 ? ForecastCodec.relative(codec.transform(), rows, t - window + 1 + s, t) : row[k];
                    inputs[w][s][k] = (float) scaler.scale(k, value);
                }
            }
            for (int h = 0; h < horizon; h++) {
                targets[w][h] = (float) scaler.scale(0, ForecastCodec.relative(codec.transform(), rows, t + 1 + h, t));
                targetPrices[w][h] = bars.get(t + 1 + h).value(column);
            }
            firstDates.add(bars.get(t + 1).date());
            lastDates.add(bars.get(t + horizon).date());
            inputDates.add(bars.get(t).date());
            lastPrices[w] = bars.get(t).value(column);
        }
        return new WindowSet(part, inputs, targets, targetPrices, firstDates, lastDates, inputDates, lastPrices);
    }

    private static final class Parts {
        final List<Integer> train = new ArrayList<>();
        final List<Integer> validation = new ArrayList<>();
        final List<Integer> test = new ArrayList<>();
    }
}
