package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.ModelJson;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.dataset.Scaler;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.prices.DateRange;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Split-conformal forecast intervals scaled by the input window's volatility, one quantile set per horizon step.
 *
 * <p>A forecast {@code f[h]} made from an input window whose volatility estimate is {@code sigma} (see
 * {@link #volatility(double[], double)}) gets the interval {@code f[h] * exp(-q[h] sigma) .. f[h] * exp(+q[h] sigma)}
 * at each level. The quantiles {@code q[level][h]} are calibrated on windows the network did not train on (the
 * validation part): the conformity score of a calibration window is {@code |ln(actual[h] / f[h])| / sigma}, and
 * {@code q} is its {@code ceil((n + 1) level)}-th smallest value, the split-conformal quantile that covers a new
 * exchangeable window with probability at least {@code level}. Dividing by {@code sigma} makes the scores
 * comparable between calm and turbulent weeks, so the intervals widen and narrow with recent volatility.
 * Steps beyond the calibrated horizon (recursive forecasts) reuse the last step's quantile times
 * {@code sqrt(step / calibrated steps)}, the random walk's growth: not calibrated.
 *
 * <p>Saved in the bundle as {@value #FILE}. Pure Java, no ND4J: training and serving compute the same intervals.
 *
 * @param method         {@value #METHOD}, or {@value #PREDICTED_SCALE_METHOD} when the scale is a distribution
 *                       head's ({@link PredictedScaleCalibration}; {@code ewmaLambda} is then unused)
 * @param levels         nominal levels, ascending
 * @param ewmaLambda     decay of the volatility estimate
 * @param quantiles      {@code quantiles[level][step]}, conformal quantiles of the scaled scores
 * @param windows        how many calibration windows the quantiles come from
 * @param calibratedFrom first target date of the calibration windows (ISO date)
 * @param calibratedTo   last target date of the calibration windows (ISO date)
 * @param source         which data calibrated: {@code validation} (the model's own validation part) or, after a
 *                       refit, where the reused calibration came from
 */
public record IntervalCalibration(String method, List<Double> levels, double ewmaLambda, double[][] quantiles,
                                  int windows, String calibratedFrom, String calibratedTo, String source) {
    /** The bundle file holding the calibration as JSON. */
    public static final String FILE = "intervals.json";
    public static final String METHOD = "split-conformal-ewma-abs-return";
    /** The method whose scale is the distribution head's own ({@link PredictedScaleCalibration}). */
    public static final String PREDICTED_SCALE_METHOD = "split-conformal-predicted-scale";
    /** Volatility estimates are at least this (0.01 % a day), so flat windows do not give zero-width intervals. */
    public static final double MIN_VOLATILITY = 1e-4;

    public IntervalCalibration {
        Objects.requireNonNull(method, "method");
        if (!METHOD.equals(method) && !PREDICTED_SCALE_METHOD.equals(method)) {
            throw new ModelException("interval method must be " + METHOD + " or " + PREDICTED_SCALE_METHOD + ", found "
                    + method);
        }
        IntervalSpec spec = new IntervalSpec(levels, ewmaLambda);
        if (!spec.levels().equals(levels)) {
            throw new ModelException("interval levels must be ascending, found " + levels);
        }
        levels = spec.levels();
        if (quantiles.length != levels.size()) {
            throw new ModelException("interval calibration must have one quantile row per level (" + levels.size()
                    + "), found " + quantiles.length);
        }
        double[][] copy = new double[quantiles.length][];
        for (int l = 0; l < quantiles.length; l++) {
            copy[l] = quantiles[l].clone();
            if (copy[l].length == 0 || copy[l].length != quantiles[0].length) {
                throw new ModelException("interval calibration must have the same number (>= 1) of steps per level, found "
                        + copy[l].length + " for level " + levels.get(l));
            }
            for (double q : copy[l]) {
                if (!(q >= 0) || !Double.isFinite(q)) {
                    throw new ModelException("interval quantiles must be finite and >= 0, found " + q + " for level " + levels.get(l));
                }
            }
        }
        quantiles = copy;
        if (windows < 1) {
            throw new ModelException("interval calibration must come from at least one window, found " + windows);
        }
        LocalDate from = LocalDate.parse(calibratedFrom);
        LocalDate to = LocalDate.parse(calibratedTo);
        DateRange.create(from, to);
        Objects.requireNonNull(source, "source");
    }

    /**
     * Calibrates on windows the model did not train on.
     *
     * @param spec the levels and EWMA lambda
     * @param predicted  {@code predicted[i][h]}, the model's price forecasts of window i
     * @param actual     {@code actual[i][h]}, what happened
     * @param volatility {@code volatility[i]}, window i's volatility estimate ({@link #volatility(ForecastCodec, float[][], double)})
     * @param range      the calibration windows' target dates
     * @param source where the calibration windows come from, e.g. {@code validation}; kept in the calibration
     * @return the calibration: one quantile of the scores per level and step
     */
    public static IntervalCalibration calibrate(IntervalSpec spec, double[][] predicted, double[][] actual,
                                                double[] volatility, DateRange range, String source) {
        return fromScores(spec, scores(predicted, actual, volatility), range, source);
    }

    /**
     * Calibrates on a part's windows (the validation part: windows the network did not train on), given the
     * model's price forecasts of them, {@code predicted[i]} for {@code part}'s window i.
     *
     * @param spec the levels and EWMA lambda
     * @param codec the model's codec, which unscales each window's returns for its volatility
     * @param part the windows to calibrate on, not trained on
     * @param predicted the model's price forecasts {@code [window][step]} of {@code part}'s windows
     * @param source where the windows come from, e.g. {@code validation}; kept in the calibration
     * @return the calibration
     * @throws ModelException when {@code part} has no windows or the forecasts do not match it
     */
    public static IntervalCalibration calibrate(IntervalSpec spec, ForecastCodec codec, WindowSet part,
                                                double[][] predicted, String source) {
        if (part.isEmpty()) {
            throw new ModelException("interval calibration needs windows the model did not train on, found no "
                    + part.part() + " windows (give the split a validation part longer than the horizon)");
        }
        double[] volatility = new double[part.size()];
        for (int i = 0; i < volatility.length; i++) {
            volatility[i] = volatility(codec, part.inputs()[i], spec.ewmaLambda());
        }
        return calibrate(spec, predicted, part.targetPrices(), volatility, part.targetRange().orElseThrow(), source);
    }

    /**
     * Calibrates from conformity scores already computed ({@link #scores}), e.g. pooled from several models'
     * out-of-sample windows: {@code scores[i][h]}.
     *
     * @param spec the levels and EWMA lambda
     * @param scores {@code [window][step]} conformity scores, at least one window
     * @param range the scored windows' target dates
     * @param source where the windows come from; kept in the calibration
     * @return the calibration: one quantile of the scores per level and step
     * @throws ModelException when no score is given
     */
    public static IntervalCalibration fromScores(IntervalSpec spec, double[][] scores, DateRange range, String source) {
        return fromScores(METHOD, spec, scores, range, source);
    }

    /** {@link #fromScores(IntervalSpec, double[][], DateRange, String)} for scores of {@code method}'s scale. */
    static IntervalCalibration fromScores(String method, IntervalSpec spec, double[][] scores, DateRange range,
                                          String source) {
        if (scores.length == 0) {
            throw new ModelException("interval calibration needs at least one window the model did not train on, found none"
                    + " (give the split a validation part)");
        }
        int steps = scores[0].length;
        double[][] quantiles = new double[spec.levels().size()][steps];
        double[] column = new double[scores.length];
        for (int h = 0; h < steps; h++) {
            for (int i = 0; i < scores.length; i++) {
                column[i] = scores[i][h];
            }
            Arrays.sort(column);
            for (int l = 0; l < spec.levels().size(); l++) {
                quantiles[l][h] = conformalQuantile(column, spec.levels().get(l));
            }
        }
        return new IntervalCalibration(method, spec.levels(), spec.ewmaLambda(), quantiles, scores.length,
                range.from().toString(), range.to().toString(), source);
    }

    /**
     * Conformity scores {@code |ln(actual / predicted)| / volatility} per window and step.
     *
     * @param predicted the price forecasts {@code [window][step]}
     * @param actual the prices that happened {@code [window][step]}
     * @param volatility each window's volatility estimate, greater than 0
     * @return {@code [window][step]} scores, in units of the window's volatility
     * @throws ModelException when the arrays differ in length
     */
    public static double[][] scores(double[][] predicted, double[][] actual, double[] volatility) {
        if (predicted.length != actual.length || predicted.length != volatility.length) {
            throw new ModelException("interval calibration needs one forecast, actual and volatility per window, found "
                    + predicted.length + " forecasts, " + actual.length + " actuals, " + volatility.length + " volatilities");
        }
        double[][] scores = new double[predicted.length][];
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i].length != actual[i].length) {
                throw new ModelException("forecast " + i + " has " + predicted[i].length + " steps but the actual has "
                        + actual[i].length);
            }
            scores[i] = new double[predicted[i].length];
            for (int h = 0; h < predicted[i].length; h++) {
                scores[i][h] = Math.abs(Math.log(actual[i][h] / predicted[i][h])) / volatility[i];
            }
        }
        return scores;
    }

    /**
     * The split-conformal quantile of sorted scores: the {@code ceil((n + 1) level)}-th smallest. With too few
     * scores for that rank (n &lt; level / (1 - level)) it is the largest score: the level is then not guaranteed.
     */
    static double conformalQuantile(double[] sorted, double level) {
        int n = sorted.length;
        int rank = (int) Math.ceil((n + 1) * level - 1e-9);
        return sorted[Math.min(Math.max(rank, 1), n) - 1];
    }

    /**
     * The volatility estimate of a window of daily log returns (oldest first): the EWMA of their absolute values,
     * {@code sum lambda^age |r| / sum lambda^age} (age 0 = the last return), at least {@value #MIN_VOLATILITY}.
     *
     * @param logReturns daily log returns, oldest first; may be empty
     * @param lambda the EWMA decay per day, between 0 and 1 (e.g. 0.94)
     * @return the estimate, a daily log return at least {@value #MIN_VOLATILITY}
     */
    public static double volatility(double[] logReturns, double lambda) {
        double weighted = 0;
        double weights = 0;
        double w = 1;
        for (int i = logReturns.length - 1; i >= 0; i--) {
            if (Double.isFinite(logReturns[i])) {
                weighted += w * Math.abs(logReturns[i]);
                weights += w;
            }
            w *= lambda;
        }
        return weights == 0 ? MIN_VOLATILITY : Math.max(MIN_VOLATILITY, weighted / weights);
    }

    /**
     * The volatility estimate of one model input ({@code input[step][feature]}, scaled as the codec encodes it):
     * the target's daily log returns within the window, unscaled. Training and serving both call this on the
     * encoded input, so both see the same number for the same prices.
     *
     * @param codec the model's codec
     * @param input one encoded window {@code [step][feature]}
     * @param lambda the EWMA decay per day, between 0 and 1
     * @return the estimate, a daily log return at least {@value #MIN_VOLATILITY}
     */
    public static double volatility(ForecastCodec codec, float[][] input, double lambda) {
        return volatility(logReturns(codec, input), lambda);
    }

    static double[] logReturns(ForecastCodec codec, float[][] input) {
        Scaler scaler = codec.scaler();
        return switch (codec.transform()) {
            case LOG_RETURN -> {
                double[] r = new double[input.length];
                for (int i = 0; i < input.length; i++) {
                    r[i] = scaler.unscale(0, input[i][0]);
                }
                yield r;
            }
            case LEVEL -> {
                double[] r = new double[Math.max(0, input.length - 1)];
                for (int i = 1; i < input.length; i++) {
                    double prev = scaler.unscale(0, input[i - 1][0]);
                    double p = scaler.unscale(0, input[i][0]);
                    r[i - 1] = prev > 0 && p > 0 ? Math.log(p / prev) : Double.NaN;
                }
                yield r;
            }
            case WINDOW_RELATIVE -> {
                // x = p / p_last - 1: the window's prices up to a common factor, so 1 + x gives the same returns
                double[] r = new double[Math.max(0, input.length - 1)];
                for (int i = 1; i < input.length; i++) {
                    double prev = 1 + scaler.unscale(0, input[i - 1][0]);
                    double p = 1 + scaler.unscale(0, input[i][0]);
                    r[i - 1] = prev > 0 && p > 0 ? Math.log(p / prev) : Double.NaN;
                }
                yield r;
            }
        };
    }

    /**
     * This calibration's volatility estimate of a model input.
     *
     * @param codec the model's codec
     * @param input one encoded window {@code [step][feature]}
     * @return the estimate with this calibration's lambda
     */
    public double volatility(ForecastCodec codec, float[][] input) {
        return volatility(codec, input, ewmaLambda);
    }

    /**
     * The calibrated horizon (steps with their own quantiles).
     *
     * @return steps with their own quantiles; later steps scale the last by the square root of time
     */
    @JsonIgnore
    public int steps() {
        return quantiles[0].length;
    }

    /**
     * The calibration windows' target dates.
     *
     * @return the first and last target dates of the calibration windows
     */
    @JsonIgnore
    public DateRange range() {
        return DateRange.create(LocalDate.parse(calibratedFrom), LocalDate.parse(calibratedTo));
    }

    /** {@code quantiles[level][step]}, copied. */
    @Override
    public double[][] quantiles() {
        double[][] copy = new double[quantiles.length][];
        for (int l = 0; l < quantiles.length; l++) {
            copy[l] = quantiles[l].clone();
        }
        return copy;
    }

    /**
     * The scaled quantile of level {@code l} (index into {@link #levels()}) at step {@code step} (0-based).
     *
     * @param l the level's index into {@link #levels()}
     * @param step the horizon step, 0-based; beyond {@link #steps()} scaled from the last
     * @return the quantile of the scores, in units of volatility
     */
    public double quantile(int l, int step) {
        int steps = steps();
        return step < steps ? quantiles[l][step] : quantiles[l][steps - 1] * Math.sqrt((step + 1) / (double) steps);
    }

    /**
     * The intervals, one per level, around a price forecast made from an input of volatility {@code volatility}.
     *
     * @param forecast the price forecast, step 1 first
     * @param volatility the input window's volatility estimate ({@link #volatility(ForecastCodec, float[][])})
     * @return one interval per level, in {@link #levels()} order
     */
    public List<ForecastInterval> intervals(double[] forecast, double volatility) {
        return intervals(forecast, new double[] {volatility});
    }

    /**
     * The intervals, one per level, around a price forecast whose step {@code h} has the scale {@code scales[h]}
     * (a distribution head's, {@link PredictedScaleCalibration}); steps past the last scale reuse it.
     *
     * @param forecast the price forecast, step 1 first
     * @param scales the scale of each step's log price, at least one
     * @return one interval per level, in {@link #levels()} order
     */
    public List<ForecastInterval> intervals(double[] forecast, double[] scales) {
        List<ForecastInterval> out = new ArrayList<>(levels.size());
        for (int l = 0; l < levels.size(); l++) {
            double[] lower = new double[forecast.length];
            double[] upper = new double[forecast.length];
            for (int h = 0; h < forecast.length; h++) {
                double half = quantile(l, h) * scales[Math.min(h, scales.length - 1)];
                lower[h] = forecast[h] * Math.exp(-half);
                upper[h] = forecast[h] * Math.exp(half);
            }
            out.add(new ForecastInterval(levels.get(l), lower, upper));
        }
        return out;
    }

    /**
     * The calibration as the bundle's {@code intervals.json} holds it.
     *
     * @return indented JSON
     */
    public String toJson() {
        return ModelJson.write(this);
    }

    /**
     * Reads {@link #toJson()}'s output.
     *
     * @param json the JSON text
     * @return the calibration
     * @throws ModelException when the text is not such JSON
     */
    public static IntervalCalibration fromJson(String json) {
        return ModelJson.read(json, IntervalCalibration.class);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalCalibration c && method.equals(c.method) && levels.equals(c.levels)
                && ewmaLambda == c.ewmaLambda && Arrays.deepEquals(quantiles, c.quantiles) && windows == c.windows
                && calibratedFrom.equals(c.calibratedFrom) && calibratedTo.equals(c.calibratedTo) && source.equals(c.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, levels, ewmaLambda, Arrays.deepHashCode(quantiles), windows, calibratedFrom, calibratedTo, source);
    }
}
