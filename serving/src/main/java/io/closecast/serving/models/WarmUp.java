package io.closecast.serving.models;

import io.closecast.serving.ServingException;

/**
 * The forecasts a new version answers before it serves: it must give as many finite values as asked for, on
 * synthetic windows, at its longest horizon and at one step.
 */
final class WarmUp {

    private WarmUp() {
    }

    /** Runs {@code rounds} forecasts on {@code forecaster}; throws a {@link ServingException} saying what was wrong. */
    static void check(Forecaster forecaster, int rounds) {
        ModelInfo info = forecaster.info();
        double[] window = new double[info.windowLength()];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < window.length; i++) {
                window[i] = 100.0 + i * 0.1 + round;
            }
            int horizon = round % 2 == 0 ? info.maxHorizon() : 1;
            double[] out = forecaster.forecast(window.clone(), horizon);
            if (out == null || out.length != horizon) {
                throw new ServingException("warm-up forecast " + (round + 1) + " expected " + horizon + " values, found "
                        + (out == null ? "none" : out.length));
            }
            for (int i = 0; i < out.length; i++) {
                if (!Double.isFinite(out[i])) {
                    throw new ServingException("warm-up forecast " + (round + 1) + " expected finite values, found "
                            + out[i] + " at step " + (i + 1));
                }
            }
        }
    }
}
