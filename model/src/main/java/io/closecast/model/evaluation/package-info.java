/**
 * Forecast evaluation against references: point metrics (MAE, RMSE, MAPE, MASE, direction), the
 * Diebold-Mariano test, backtests over a price series and walk-forward folds.
 * <p>Uses {@code dataset}, {@code prices} and {@code intervals}.
 */
package io.closecast.model.evaluation;
