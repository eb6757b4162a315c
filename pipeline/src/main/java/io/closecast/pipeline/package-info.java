/**
 * The {@code closecast} command line's library: data, training, sweeps, evaluation and the registry's
 * life cycle. This package holds what all of them use ({@code PipelineException}, {@code WorkDirs}, charts);
 * each concern is a sub-package, and {@code cli} is the command line over them.
 */
package io.closecast.pipeline;
