/**
 * Stopping unpromising trials early: the median pruner and the other trials' learning curves read back from
 * MLflow.
 */
package io.closecast.pipeline.sweep.pruning;
