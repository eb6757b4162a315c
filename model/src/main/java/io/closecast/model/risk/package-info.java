/**
 * Forecasts of risk and how they are judged: the Kupiec and Christoffersen coverage tests, interval and pinball
 * scores, the reference volatility models every interval is held against (a Student-t GARCH(1,1) fitted by maximum
 * likelihood with optimisers of its own, BFGS on the analytic gradient and Nelder-Mead as the fallback, RiskMetrics'
 * EWMA), the side-by-side evaluation of one-day intervals, adaptive conformal inference replayed over the evaluated
 * days ({@code AdaptiveReplay}), and the results a version records as key-value pairs read back by their key names
 * ({@link io.closecast.model.risk.CalibrationRecord}). Pure Java: no MLflow, no files.
 * <p>Uses {@code evaluation} (the Diebold-Mariano test) and {@code intervals} (the Winkler score).
 */
package io.closecast.model.risk;
