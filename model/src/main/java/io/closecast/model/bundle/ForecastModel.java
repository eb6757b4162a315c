package io.closecast.model.bundle;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceBar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A model bundle loaded for forecasting: checksums verified, the pure-Java LSTM forward pass over its
 * weights, and the codec (fitted scaler + target transform) that turns raw prices into model input and
 * model output back into prices. Needs no ND4J. Thread-safe.
 */
public final class ForecastModel {
    /** The bundle file holding the {@link ForecastCodec} as JSON. */
    public static final String CODEC_FILE = "codec.json";
    /** Forecasts longer than the trained horizon are built step by step up to this many days. */
    public static final int MAX_HORIZON = 30;

    private final ModelBundle.MlModel mlmodel;
    private final LstmForecaster network;
    private final ForecastCodec codec;
    private final Optional<IntervalCalibration> intervals;

    private ForecastModel(ModelBundle.MlModel mlmodel, LstmForecaster network, ForecastCodec codec,
                          Optional<IntervalCalibration> intervals) {
        this.mlmodel = mlmodel;
        this.network = network;
        this.codec = codec;
        this.intervals = intervals;
        if (network.spec().horizon() != codec.horizon() || network.spec().inputFeatures() != codec.features().size()) {
            throw new ModelException("bundle is inconsistent: the network predicts " + network.spec().horizon()
                    + " steps from " + network.spec().inputFeatures() + " features, the codec expects "
                    + codec.horizon() + " steps from " + codec.features().size());
        }
        Object recorded = mlmodel.flavor().get("distribution");
        if (recorded != null && !String.valueOf(recorded).equals(network.spec().distribution().key())) {
            throw new ModelException("bundle is inconsistent: the MLmodel's distribution is '" + recorded
                    + "', the weights' is '" + network.spec().distribution().key() + "'");
        }
        if (intervals.isPresent() && IntervalCalibration.PREDICTED_SCALE_METHOD.equals(intervals.get().method())
                && network.spec().distribution() == Distribution.POINT) {
            throw new ModelException("bundle is inconsistent: intervals of method " + intervals.get().method()
                    + " need a distribution head, found a point network");
        }
    }

    /**
     * Verifies the bundle in {@code dir} against its manifest and loads it.
     *
     * @param dir the bundle's directory (holding {@code MLmodel} and its manifest)
     * @return the model, ready to forecast
     * @throws ModelException when a file does not match the manifest or cannot be read
     */
    public static ForecastModel load(Path dir) {
        ModelBundle.MlModel mlmodel = ModelBundle.verify(dir);
        try {
            ForecastCodec codec = ForecastCodec.fromJson(Files.readString(dir.resolve(mlmodel.setting("codec"))));
            LstmForecaster network = LstmForecaster.load(dir.resolve(mlmodel.setting("weights")));
            Optional<IntervalCalibration> intervals = mlmodel.flavor().containsKey("intervals")
                    ? Optional.of(IntervalCalibration.fromJson(Files.readString(dir.resolve(mlmodel.setting("intervals")))))
                    : Optional.empty();
            return new ForecastModel(mlmodel, network, codec, intervals);
        } catch (IOException e) {
            throw new ModelException("cannot read the model bundle in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model from parts already in memory (training evaluates with it before the bundle is written).
     *
     * @param mlmodel the MLmodel content the bundle will have (its flavor settings give the ranges)
     * @param network the trained network
     * @param codec how prices become network inputs and outputs become prices
     * @return a model without intervals
     */
    public static ForecastModel create(ModelBundle.MlModel mlmodel, LstmForecaster network, ForecastCodec codec) {
        return new ForecastModel(mlmodel, network, codec, Optional.empty());
    }

    /**
     * A model from parts already in memory, with its interval calibration.
     *
     * @param mlmodel the MLmodel content the bundle will have (its flavor settings give the ranges)
     * @param network the trained network
     * @param codec how prices become network inputs and outputs become prices
     * @param intervals the interval calibration its forecasts carry
     * @return a model whose {@link #forecastWithIntervals} gives intervals
     */
    public static ForecastModel create(ModelBundle.MlModel mlmodel, LstmForecaster network, ForecastCodec codec,
                                       IntervalCalibration intervals) {
        return new ForecastModel(mlmodel, network, codec, Optional.of(intervals));
    }

    /**
     * The bundle's MLmodel content.
     *
     * @return the run, the flavor settings and the signature the bundle was written with
     */
    public ModelBundle.MlModel mlmodel() {
        return mlmodel;
    }

    /**
     * How this model encodes prices and decodes its outputs.
     *
     * @return the codec read from the bundle
     */
    public ForecastCodec codec() {
        return codec;
    }

    /**
     * The interval calibration of the bundle; empty for bundles written before closecast had intervals.
     *
     * @return the calibration, or empty
     */
    public Optional<IntervalCalibration> intervals() {
        return intervals;
    }

    /**
     * The dates of the model's training part (the bundle's {@code train_range}).
     *
     * @return the first and last training days
     */
    public DateRange trainRange() {
        return parseRange("train_range");
    }

    /**
     * The first day that is out of sample for this model's weights: the day after {@code trained_to} for a version
     * refit on all data ({@code refit: true}), else the first day of the held-out test period ({@code test_range}),
     * since everything before it was training or validation.
     *
     * @return the first day the weights never saw
     */
    public LocalDate outOfSampleFrom() {
        if (Boolean.parseBoolean(String.valueOf(mlmodel.flavor().getOrDefault("refit", "false")))) {
            return LocalDate.parse(mlmodel.setting("trained_to")).plusDays(1);
        }
        return parseRange("test_range").from();
    }

    private DateRange parseRange(String key) {
        String text = mlmodel.setting(key);
        int dots = text.indexOf("..");
        if (dots < 0) {
            throw new ModelException("the bundle's " + key + " must read FROM..TO, found '" + text + "'");
        }
        return DateRange.create(LocalDate.parse(text.substring(0, dots)), LocalDate.parse(text.substring(dots + 2)));
    }

    /**
     * How many recent prices a forecast needs.
     *
     * @return prices (or bars) a forecast needs at least, oldest first
     */
    public int requiredHistory() {
        return codec.requiredHistory();
    }

    /**
     * The horizon the network was trained for (longer forecasts are built step by step).
     *
     * @return steps the network forecasts in one pass
     */
    public int trainedHorizon() {
        return codec.horizon();
    }

    /**
     * The longest forecast this model gives: its trained horizon, or up to {@value #MAX_HORIZON} days step by step when
     * it uses prices only.
     *
     * @return the largest {@code horizon} {@link #forecast(double[], int)} accepts, in trading days
     */
    public int maxHorizon() {
        return codec.features().size() == 1 ? Math.max(MAX_HORIZON, codec.horizon()) : codec.horizon();
    }

    /**
     * Forecasts the next {@code horizon} prices from recent prices of the target column (oldest first, at
     * least {@link #requiredHistory()}). Beyond the trained horizon, forecasts are appended to the history
     * and the network is asked again.
     *
     * @param prices recent prices of the target column, oldest first, at least {@link #requiredHistory()}
     * @param horizon trading days to forecast, 1 to {@link #maxHorizon()}
     * @return the forecast prices, step 1 first, in the prices' units
     * @throws ModelException when the horizon is out of range or too few prices are given
     */
    public double[] forecast(double[] prices, int horizon) {
        requireHorizon(horizon);
        return forecast(prices, horizon, codec.encode(prices));
    }

    private void requireHorizon(int horizon) {
        if (horizon < 1 || horizon > maxHorizon()) {
            throw new ModelException("horizon must be between 1 and " + maxHorizon() + ", found " + horizon);
        }
    }

    /** {@link #forecast(double[], int)} given {@code codec.encode(prices)}, the first step's input. */
    private double[] forecast(double[] prices, int horizon, float[][] firstInput) {
        double[] history = prices;
        double[] result = new double[horizon];
        int filled = 0;
        float[][] input = firstInput;
        while (filled < horizon) {
            double[] step = codec.decode(network.predict(input), history[history.length - 1]);
            int take = Math.min(step.length, horizon - filled);
            System.arraycopy(step, 0, result, filled, take);
            filled += take;
            if (filled < horizon) {
                int keep = Math.min(history.length, requiredHistory());
                double[] next = Arrays.copyOfRange(history, history.length - keep, history.length + step.length);
                System.arraycopy(step, 0, next, keep, step.length);
                history = next;
                input = codec.encode(history);
            }
        }
        return result;
    }

    /**
     * Forecasts the trained horizon from recent bars (models with more features than the price need bars).
     *
     * @param bars recent bars, oldest first, at least {@link #requiredHistory()}
     * @return the forecast prices of the trained horizon, step 1 first
     * @throws ModelException when too few bars are given
     */
    public double[] forecast(List<PriceBar> bars) {
        if (bars.isEmpty()) {
            throw new ModelException("bars must hold at least " + requiredHistory() + " rows, found none");
        }
        double last = bars.getLast().value(codec.target().column());
        return codec.decode(network.predict(codec.encode(new ArrayList<>(bars))), last);
    }

    /**
     * A price forecast with its intervals (one per calibrated level; none when the bundle has no calibration).
     *
     * @param prices the forecast prices, step 1 first
     * @param intervals one interval per calibrated level; empty without a calibration
     * @param intervalMethod the calibration's method ({@code IntervalCalibration.METHOD} or
     *                       {@code PREDICTED_SCALE_METHOD}); {@value #NO_INTERVALS} without a calibration
     */
    public record Forecast(double[] prices, List<ForecastInterval> intervals, String intervalMethod) {
        public Forecast {
            intervals = List.copyOf(intervals);
            java.util.Objects.requireNonNull(intervalMethod, "intervalMethod");
        }

        /** A forecast without intervals ({@value #NO_INTERVALS}). */
        public Forecast(double[] prices, List<ForecastInterval> intervals) {
            this(prices, intervals, NO_INTERVALS);
        }
    }

    /** The interval method of a forecast without intervals. */
    public static final String NO_INTERVALS = "none";

    /**
     * {@link #forecast(double[], int)} with the intervals around it: the calibration's quantiles times the
     * volatility of the encoded input window (the same number training computed for the same prices).
     *
     * @param prices recent prices of the target column, oldest first, at least {@link #requiredHistory()}
     * @param horizon trading days to forecast, 1 to {@link #maxHorizon()}
     * @return the forecast prices and their intervals (none when the bundle has no calibration)
     * @throws ModelException when the horizon is out of range or too few prices are given
     */
    public Forecast forecastWithIntervals(double[] prices, int horizon) {
        requireHorizon(horizon);
        float[][] input = codec.encode(prices);
        double[] point = forecast(prices, horizon, input);
        if (intervals.isEmpty()) {
            return new Forecast(point, List.of());
        }
        IntervalCalibration calibration = intervals.get();
        if (IntervalCalibration.PREDICTED_SCALE_METHOD.equals(calibration.method())) {
            return new Forecast(point, calibration.intervals(point, predictedScales(input)), calibration.method());
        }
        return new Forecast(point, calibration.intervals(point, calibration.volatility(codec, input)),
                calibration.method());
    }

    /**
     * What the network's output layer predicts ({@code model.distribution}): {@code point} for every bundle written
     * before distribution heads.
     *
     * @return the network's distribution
     */
    public Distribution distribution() {
        return network.spec().distribution();
    }

    /**
     * The distribution head's scale of the log price at each trained step for one encoded input (what the
     * {@value IntervalCalibration#PREDICTED_SCALE_METHOD} intervals multiply their quantiles by).
     *
     * @param input one encoded window {@code [step][feature]}
     * @return {@link #trainedHorizon()} scales, each at least {@link IntervalCalibration#MIN_VOLATILITY}
     * @throws ModelException when the network is a point network
     */
    public double[] predictedScales(float[][] input) {
        float[] outputs = network.predictOutputs(input);
        int horizon = codec.horizon();
        float[] scales = network.spec().distribution().scales(outputs, horizon);
        return codec.logPriceScales(Arrays.copyOf(outputs, horizon), scales, IntervalCalibration.MIN_VOLATILITY);
    }
}
