package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.ModelJson;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.checks.PriceChecks;

import java.util.List;
import java.util.Objects;

/**
 * The bridge between prices and the model's scaled numbers, shared by training and serving so both
 * compute features identically. Plain arrays, no ND4J: serving encodes a recent price window into a
 * model input {@code [window][features]} and decodes the model's scaled output {@code [horizon]} back into
 * prices. Saved with the model as JSON.
 *
 * @param target the price column the model forecasts
 * @param transform level or log return
 * @param features the features per time step, {@link Feature#TARGET} first
 * @param window time steps per model input, >= 1
 * @param horizon values per model output, >= 1
 * @param scaler the fitted scaler, one entry per feature
 */
public record ForecastCodec(Target target, TargetTransform transform, List<Feature> features, int window, int horizon,
                            Scaler scaler) {

    /** Garman and Klass's weight of the open-to-close return, {@code 2 ln 2 - 1}. */
    private static final double GARMAN_KLASS_CLOSE = 2 * Math.log(2) - 1;

    public ForecastCodec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(scaler, "scaler");
        features = List.copyOf(features);
        if (features.isEmpty() || features.getFirst() != Feature.TARGET) {
            throw new ModelException("codec features must start with TARGET, found " + features);
        }
        if (scaler.size() != features.size()) {
            throw new ModelException("codec scaler must have one entry per feature (" + features.size() + "), found "
                    + scaler.size());
        }
        if (window < 1 || horizon < 1) {
            throw new ModelException("codec window and horizon must be >= 1, found window " + window + " horizon " + horizon);
        }
    }

    /**
     * Rows of history consumed before the first feature row.
     *
     * @return 0 or 1
     */
    public int lookback() {
        int lookback = transform.lookback();
        for (Feature f : features) {
            lookback = Math.max(lookback, f.lookback());
        }
        return lookback;
    }

    /**
     * How many recent prices (or bars) {@link #encode} needs: the window plus the lookback.
     *
     * @return {@code window + lookback()}
     */
    public int requiredHistory() {
        return window + lookback();
    }

    /**
     * Encodes the most recent {@link #requiredHistory()} prices of the target column (oldest first) into a
     * scaled model input {@code [window][1]}. Only for codecs whose single feature is TARGET.
     *
     * @param prices recent prices of the target column, oldest first, at least {@link #requiredHistory()}; only the
     *               last are used
     * @return the scaled input {@code [window][1]}
     * @throws ModelException when the codec has more features than the target, too few prices are given or one is
     *                        not finite and > 0
     */
    public float[][] encode(double[] prices) {
        if (features.size() != 1) {
            throw new ModelException("this model needs bars for its features " + features
                    + ", found only prices; call encode(List<PriceBar>)");
        }
        int need = requiredHistory();
        if (prices.length < need) {
            throw new ModelException("prices must hold at least " + need + " values (window " + window + " + lookback "
                    + lookback() + "), found " + prices.length);
        }
        int start = prices.length - need;
        float[][] input = new float[window][1];
        for (int i = 0; i < window; i++) {
            int t = start + lookback() + i;
            double p = prices[t];
            requirePrice(prices, t);
            double value;
            if (transform == TargetTransform.LEVEL) {
                value = p;
            } else if (transform == TargetTransform.WINDOW_RELATIVE) {
                double last = prices[prices.length - 1];
                requirePrice(prices, prices.length - 1);
                value = p / last - 1;
            } else {
                double prev = prices[t - 1];
                requirePrice(prices, t - 1);
                value = Math.log(p / prev);
            }
            input[i][0] = (float) scaler.scale(0, value);
        }
        return input;
    }

    /**
     * Encodes the most recent {@link #requiredHistory()} bars (oldest first) into a scaled input {@code
     * [window][features]}.
     *
     * @param bars recent bars, oldest first, at least {@link #requiredHistory()}; only the last are used
     * @return the scaled input {@code [window][features]}
     * @throws ModelException when too few bars are given or a feature value is not a finite number
     */
    public float[][] encode(List<PriceBar> bars) {
        int need = requiredHistory();
        if (bars.size() < need) {
            throw new ModelException("bars must hold at least " + need + " rows (window " + window + " + lookback "
                    + lookback() + "), found " + bars.size());
        }
        List<PriceBar> recent = bars.subList(bars.size() - need, bars.size());
        double[][] rows = featureRows(recent, target, transform, features, lookback());
        float[][] input = new float[window][features.size()];
        double last = rows[need - 1][0];
        for (int i = 0; i < window; i++) {
            for (int k = 0; k < features.size(); k++) {
                double value = rows[lookback() + i][k];
                if (k == 0 && transform == TargetTransform.WINDOW_RELATIVE) {
                    value = value / last - 1;
                }
                input[i][k] = (float) scaler.scale(k, value);
            }
        }
        return input;
    }

    /**
     * Turns the model's scaled output for one window ({@code horizon} values) into prices, from the last known price.
     *
     * @param scaledOutput the model's output for one window, {@code horizon} values
     * @param lastPrice the last known price of the target column
     * @return {@code horizon} prices, step 1 first
     * @throws ModelException when the output does not hold {@code horizon} values
     */
    public double[] decode(float[] scaledOutput, double lastPrice) {
        if (scaledOutput.length != horizon) {
            throw new ModelException("model output must hold " + horizon + " values (the horizon), found " + scaledOutput.length);
        }
        double[] values = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            values[h] = scaler.unscale(0, scaledOutput[h]);
        }
        return transform.toPrices(values, lastPrice);
    }

    /**
     * Turns a distribution head's scales for one window into scales of the log price: the spread of
     * {@code ln(price[h] / forecast[h])} the head predicts at each step, which the interval calibration divides by.
     * The target's scale is unscaled ({@code scale * scaler spread}) and carried through the transform: log returns
     * add up over the steps ({@code sqrt} of the summed variances), a window-relative value {@code y} moves the log
     * price by {@code dy / (1 + y)}, a level {@code p} by {@code dp / p}.
     *
     * @param scaledLocation the head's locations, {@code horizon} values in scaled units
     * @param scaledScale the head's scales, {@code horizon} values in scaled units, each &gt; 0
     * @param minimum the smallest scale returned, so a degenerate head does not give a zero-width interval
     * @return {@code horizon} scales of the log price, each at least {@code minimum}
     * @throws ModelException when either array does not hold {@code horizon} values
     */
    public double[] logPriceScales(float[] scaledLocation, float[] scaledScale, double minimum) {
        if (scaledLocation.length != horizon || scaledScale.length != horizon) {
            throw new ModelException("a distribution head must give " + horizon + " locations and scales (the horizon), "
                    + "found " + scaledLocation.length + " and " + scaledScale.length);
        }
        double spread = scaler.scale()[0];
        double[] out = new double[horizon];
        double variance = 0;
        for (int h = 0; h < horizon; h++) {
            double sigma = scaledScale[h] * spread;
            double value = scaler.unscale(0, scaledLocation[h]);
            double s = switch (transform) {
                case LOG_RETURN -> {
                    variance += sigma * sigma;
                    yield Math.sqrt(variance);
                }
                case WINDOW_RELATIVE -> sigma / Math.max(1 + value, 1e-6);
                case LEVEL -> sigma / Math.max(value, 1e-6);
            };
            out[h] = Math.max(minimum, s);
        }
        return out;
    }

    /**
     * The codec as a bundle's codec file holds it.
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
     * @return the codec
     * @throws ModelException when the text is not such JSON
     */
    public static ForecastCodec fromJson(String json) {
        return ModelJson.read(json, ForecastCodec.class);
    }

    /**
     * Feature values per bar, unscaled: {@code rows[i][k]} for bar {@code i}; rows before {@code lookback} are
     * left at 0 (they have no history). Feature 0 is the target value (price or log return; the price for
     * WINDOW_RELATIVE, which is made relative per window by {@link #relative}).
     */
    static double[][] featureRows(List<PriceBar> bars, Target target, TargetTransform transform, List<Feature> features,
                                  int lookback) {
        int n = bars.size();
        double[][] rows = new double[n][features.size()];
        for (int i = lookback; i < n; i++) {
            PriceBar bar = bars.get(i);
            double p = bar.value(target.column());
            requirePrice(p, target + " on " + bar.date());
            for (int k = 0; k < features.size(); k++) {
                rows[i][k] = switch (features.get(k)) {
                    case TARGET -> transform == TargetTransform.LOG_RETURN ? logReturn(bars, i, target) : p;
                    case LOG_RETURN -> logReturn(bars, i, target);
                    case LOG_VOLUME -> Math.log1p(Math.max(0, bar.volume()));
                    case HIGH_LOW_RANGE -> (bar.high() - bar.low()) / bar.close();
                    case GARMAN_KLASS -> garmanKlass(bar);
                };
                if (!Double.isFinite(rows[i][k])) {
                    throw new ModelException("feature " + features.get(k) + " on " + bar.date()
                            + " must be a finite number, found " + rows[i][k]);
                }
            }
        }
        return rows;
    }

    /**
     * The Garman-Klass volatility of one bar: {@code sqrt(0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2)}. With Low <= Open,
     * Close <= High the variance is at least {@code 0.11 ln(H/L)^2}, so never negative.
     *
     * @param bar the day
     * @return the day's volatility in log-return units, >= 0
     * @throws ModelException when Open, High, Low or Close is missing or not positive, or Open or Close lies outside
     *                        [Low, High] (beyond {@link PriceChecks#RANGE_TOLERANCE})
     */
    static double garmanKlass(PriceBar bar) {
        double o = bar.open();
        double h = bar.high();
        double l = bar.low();
        double c = bar.close();
        if (!(o > 0 && h > 0 && l > 0 && c > 0) || !Double.isFinite(o + h + l + c)) {
            throw new ModelException("feature GARMAN_KLASS on " + bar.date()
                    + " needs Open, High, Low and Close as finite numbers > 0, found " + ohlc(bar));
        }
        double tolerance = 1 + PriceChecks.RANGE_TOLERANCE;
        if (o * tolerance < l || o > h * tolerance || c * tolerance < l || c > h * tolerance) {
            throw new ModelException("feature GARMAN_KLASS on " + bar.date()
                    + " needs Low <= Open <= High and Low <= Close <= High, found " + ohlc(bar));
        }
        double u = Math.log(h / l);
        double k = Math.log(c / o);
        return Math.sqrt(Math.max(0, 0.5 * u * u - GARMAN_KLASS_CLOSE * k * k));
    }

    private static String ohlc(PriceBar bar) {
        return "Open=" + bar.open() + " High=" + bar.high() + " Low=" + bar.low() + " Close=" + bar.close();
    }

    /** Feature 0 of row {@code row} as the model sees it in a window whose last row is {@code last}. */
    static double relative(TargetTransform transform, double[][] rows, int row, int last) {
        return transform == TargetTransform.WINDOW_RELATIVE ? rows[row][0] / rows[last][0] - 1 : rows[row][0];
    }

    private static double logReturn(List<PriceBar> bars, int i, Target target) {
        double prev = bars.get(i - 1).value(target.column());
        requirePrice(prev, target + " on " + bars.get(i - 1).date());
        return Math.log(bars.get(i).value(target.column()) / prev);
    }

    /**
     * {@link #requirePrice(double, String)} of {@code prices[index]}, naming it only when it fails: encode runs on
     * every request, and building the names there eagerly was ~120 string concatenations (~4 KB) per forecast.
     */
    private static void requirePrice(double[] prices, int index) {
        double p = prices[index];
        if (!(p > 0) || !Double.isFinite(p)) {
            requirePrice(p, "prices[" + index + "]");
        }
    }

    private static void requirePrice(double p, String where) {
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new ModelException("price must be a finite number > 0, found " + p + " (" + where + ")");
        }
    }
}
