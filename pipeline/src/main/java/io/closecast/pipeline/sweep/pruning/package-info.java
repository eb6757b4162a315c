/**
 * Stopping unpromising trials early: the median pruner, the {@code Curves} it compares a trial with (this JVM's
 * trials, or the other trials' learning curves read back from MLflow).
 *
 * <p>May use: {@code sweep.spi} (a trial's status), {@code tracking} (tag keys) and the {@code mlflow} module; nothing
 * of {@code sweep} itself, which uses this package.
 */
package io.closecast.pipeline.sweep.pruning;
