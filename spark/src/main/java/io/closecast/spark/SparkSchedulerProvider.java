package io.closecast.spark;

import io.closecast.pipeline.sweep.spi.SparkSettings;
import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

/** {@code sweep.executor: spark} for the pipeline, found with {@link java.util.ServiceLoader}. */
public final class SparkSchedulerProvider implements TrialScheduler.Provider {
    @Override
    public Executor executor() {
        return Executor.SPARK;
    }

    @Override
    public TrialScheduler create(SparkSettings spark, String name) {
        return SparkTrialScheduler.create(spark, name);
    }
}
