/**
 * Hyper-parameter sweeps: the sweep file ({@code SweepFile}) and its spec, a parent MLflow run with one nested run
 * per trial (per symbol for a fleet: {@code SymbolSweep}s whose trials {@code FleetTrials} hands out), resumption
 * ({@code SweepState}), the trial runner and the worker that runs a shipped trial in another JVM, progress, the report,
 * the best trial's registration and the ids a sweep derives. Search methods, pruning and where trials run are the
 * sub-packages {@code search}, {@code pruning} and {@code spi}.
 *
 * <p>May use: the pipeline root ({@code PipelineException}, {@code WorkDirs}, {@code Charts}), {@code config},
 * {@code training}, {@code registry}, {@code tracking}, its sub-packages, the model core and the {@code mlflow} module;
 * none of them uses this package ({@code cli} does).
 */
package io.closecast.pipeline.sweep;
