/**
 * Served intervals with adaptive conformal inference ({@code intervals.adaptive.gamma}): the running miss rate per
 * model version and level ({@link io.closecast.serving.adaptive.AdaptiveIntervals}, on the model core's
 * {@code AdaptiveConformal}), the model source that applies it to every loaded version
 * ({@link io.closecast.serving.adaptive.AdaptiveModelSource}) and where its state survives a restart
 * ({@link io.closecast.serving.adaptive.AlphaStore}: the forecast log's database, or a JSON file).
 * <p>Uses the model core, {@code models} (what it wraps) and Helidon's metrics API; no HTTP types, no JDBC, not
 * {@code track} (whose JDBC store keeps this package's state: the process's root hands it the scored forecasts).
 */
package io.closecast.serving.adaptive;
