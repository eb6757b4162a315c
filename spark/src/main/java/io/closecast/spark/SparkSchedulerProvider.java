package io.closecast.spark;

import io.closecast.pipeline.sweep.SweepSpec;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

/** {@code sweep.executor: spark} for the pipeline, found with {@link java.util.ServiceLoader}. */
public final class SparkSchedulerProvider implements TrialScheduler.Provider {
    @Override
    public SweepSpec.Executor executor() {
        return SweepSpec.Executor.SPARK;
    }

    @Override
    public TrialScheduler create(SweepSpec spec, String name) {
        return SparkTrialScheduler.create(spec, name);
    }
}
