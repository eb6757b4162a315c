package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.WindowSet;

/**
 * Split-conformal intervals scaled by a distribution head's own predicted scale
 * ({@value IntervalCalibration#PREDICTED_SCALE_METHOD}) instead of the input window's EWMA volatility.
 *
 * <p>The conformity score of a calibration window at step {@code h} is {@code |ln(actual[h] / f[h])| / s[h]},
 * {@code s[h]} the scale of the log price the head predicted for that step
 * ({@code ForecastCodec.logPriceScales}); its conformal quantile {@code q[h]} gives the interval
 * {@code f[h] exp(-+ q[h] s[h])}. Coverage holds on exchangeable windows whether or not the head's distribution is
 * right: a misspecified head only widens or narrows every interval by the same factor. The result is an ordinary
 * {@link IntervalCalibration} with this method, whose {@link IntervalCalibration#intervals(double[], double[])} take
 * the predicted scales.
 */
public final class PredictedScaleCalibration {

    private PredictedScaleCalibration() {
    }

    /**
     * Calibrates on a part's windows the network did not train on (the validation part).
     *
     * @param spec the levels
     * @param part the windows, not trained on
     * @param predicted the model's price forecasts {@code [window][step]} of {@code part}'s windows
     * @param scales the head's scales of the log price {@code [window][step]}, each &gt; 0
     * @param source where the windows come from, e.g. {@code validation}; kept in the calibration
     * @return the calibration, method {@value IntervalCalibration#PREDICTED_SCALE_METHOD}
     * @throws ModelException when {@code part} has no windows or the arrays do not match it
     */
    public static IntervalCalibration calibrate(IntervalSpec spec, WindowSet part, double[][] predicted,
                                                double[][] scales, String source) {
        if (part.isEmpty()) {
            throw new ModelException("interval calibration needs windows the model did not train on, found no "
                    + part.part() + " windows (give the split a validation part longer than the horizon)");
        }
        return IntervalCalibration.fromScores(IntervalCalibration.PREDICTED_SCALE_METHOD, spec,
                scores(predicted, part.targetPrices(), scales), part.targetRange().orElseThrow(), source);
    }

    /**
     * Conformity scores {@code |ln(actual / predicted)| / scale} per window and step.
     *
     * @param predicted the price forecasts {@code [window][step]}
     * @param actual the prices that happened {@code [window][step]}
     * @param scales the predicted scales of the log price {@code [window][step]}, each &gt; 0
     * @return {@code [window][step]} scores, in units of the predicted scale
     * @throws ModelException when the arrays differ in shape or a scale is not &gt; 0
     */
    public static double[][] scores(double[][] predicted, double[][] actual, double[][] scales) {
        if (predicted.length != actual.length || predicted.length != scales.length) {
            throw new ModelException("interval calibration needs one forecast, actual and scale row per window, found "
                    + predicted.length + " forecasts, " + actual.length + " actuals, " + scales.length + " scale rows");
        }
        double[][] scores = new double[predicted.length][];
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i].length != actual[i].length || scales[i].length != predicted[i].length) {
                throw new ModelException("window " + i + " has " + predicted[i].length + " forecast steps, "
                        + actual[i].length + " actual steps and " + scales[i].length + " scales (expected equal)");
            }
            scores[i] = new double[predicted[i].length];
            for (int h = 0; h < predicted[i].length; h++) {
                if (!(scales[i][h] > 0) || !Double.isFinite(scales[i][h])) {
                    throw new ModelException("predicted scale of window " + i + " step " + (h + 1)
                            + " must be a finite number > 0, found " + scales[i][h]);
                }
                scores[i][h] = Math.abs(Math.log(actual[i][h] / predicted[i][h])) / scales[i][h];
            }
        }
        return scores;
    }
}
