/**
 * Where a sweep's trials run: the {@code TrialScheduler} service-provider interface, the local scheduler and
 * the self-contained payload a remote trial carries (the {@code spark} module implements the interface).
 */
package io.closecast.pipeline.sweep.spi;
