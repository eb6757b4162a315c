/**
 * Where a sweep's trials run: the {@code TrialScheduler} service-provider interface and every type it exchanges
 * (the trial, its {@code TrialResult} and {@code TrialStatus}, the {@code Executor} kinds and {@code SparkSettings}),
 * the local scheduler, and the self-contained payload a remote trial carries with the worker that runs it
 * ({@code RemoteTrial}). The {@code spark} module implements the interface and uses only this package.
 *
 * <p>May use: the pipeline root ({@code PipelineException}), {@code tracking} (tag keys), the {@code mlflow} module's
 * entities, Jackson. Uses nothing of {@code sweep} or its other sub-packages: the sweep engine depends on the SPI,
 * never the other way round.
 */
package io.closecast.pipeline.sweep.spi;
