/**
 * The model registry's life cycle: registering a run as a version ({@link io.closecast.pipeline.registry.Registrar},
 * with the {@link io.closecast.pipeline.registry.Refit} on all data before it), out-of-time evaluation of any version
 * (its next-day intervals beside GARCH(1,1), EWMA and the constant baseline: {@code OutOfTimeRisk}), the promotion
 * gate ({@link io.closecast.pipeline.registry.Gate}: its rules as a pure function; the interval objective's in
 * {@code IntervalGate}; the live rule on the service's track record in {@link io.closecast.pipeline.registry.LiveGate})
 * and the promotion
 * around it ({@link io.closecast.pipeline.registry.Promotion}: versions read, evaluated, verdict tags written, alias,
 * stage and history moved), and rollback. Uses {@code config}, {@code data}, {@code live}, {@code tracking}, {@code training} (the
 * run's artifact layout and the networks a refit trains), the model core and MLflow; never {@code sweep} or {@code cli}.
 */
package io.closecast.pipeline.registry;
