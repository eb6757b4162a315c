package io.closecast.serving;

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

    /** Frees the model's resources; the default does nothing. */
    @Override
    default void close() {
    }
}
