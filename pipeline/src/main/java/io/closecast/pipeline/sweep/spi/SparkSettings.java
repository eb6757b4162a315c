package io.closecast.pipeline.sweep.spi;

import java.util.Optional;

/**
 * {@code sweep.spark}: the master URL ({@code local[2]}, {@code spark://host:7077}, {@code k8s://...}; empty when
 * it comes from {@code --spark} or spark-submit), the executor cores the sweep uses (empty: the N of
 * {@code local[N]}, else Spark's {@code spark.cores.max} or instances x cores), and the cores one trial takes
 * ({@code spark.task.cpus}, also the trial's training threads).
 */
public record SparkSettings(Optional<String> master, Optional<Integer> cores, int taskCpus) {
    public static final SparkSettings DEFAULT = new SparkSettings(Optional.empty(), Optional.empty(), 1);

    public SparkSettings {
        if (taskCpus < 1) {
            throw new IllegalArgumentException("sweep.spark.task-cpus must be >= 1, found " + taskCpus);
        }
        if (cores.isPresent() && cores.get() < taskCpus) {
            throw new IllegalArgumentException("sweep.spark.cores must be >= sweep.spark.task-cpus (" + taskCpus
                    + "), found " + cores.get());
        }
    }

    /** The same settings with another master URL (the command line's {@code --spark}). */
    public SparkSettings withMaster(String url) {
        return new SparkSettings(Optional.of(url), cores, taskCpus);
    }
}
