/**
 * Hyper-parameter sweeps: the sweep spec, a parent MLflow run with one nested run per trial (per symbol for
 * a fleet), resumption, progress and the report. Search methods, pruning and where trials run are the
 * sub-packages {@code search}, {@code pruning} and {@code spi}.
 */
package io.closecast.pipeline.sweep;
