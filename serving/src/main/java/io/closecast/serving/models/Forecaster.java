package io.closecast.serving.models;

import java.util.List;

import io.closecast.model.bundle.ForecastModel;

/**
 * A loaded model version that can forecast. Implementations are immutable and thread-safe: many requests
 * call {@link #forecast(double[], int)} at once, and {@link #close()} is called once, after the last of them.
 */
public interface Forecaster extends AutoCloseable {

    /** What this version is: registry coordinates, window length, horizon limit, provenance. */
    ModelInfo info();

    /**
     * Forecasts the next {@code horizon} closing prices.
     *
     * @param window  the last {@code info().windowLength()} raw prices, oldest first, all finite and &gt; 0
     * @param horizon how many next prices, 1..{@code info().maxHorizon()}
     * @return {@code horizon} raw prices, the next day first
     */
    double[] forecast(double[] window, int horizon);

    /**
     * {@link #forecast} with the forecast intervals the version was calibrated for (one per level, per step); the
     * default has none (a version without a calibration).
     */
    default ForecastModel.Forecast forecastWithIntervals(double[] window, int horizon) {
        return new ForecastModel.Forecast(forecast(window, horizon), List.of());
    }

    /** Frees the model's resources; the default does nothing. */
    @Override
    default void close() {
    }
}
