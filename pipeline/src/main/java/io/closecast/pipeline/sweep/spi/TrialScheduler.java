package io.closecast.pipeline.sweep.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a sweep's trials run. The sweep hands out trials one at a time ({@link Source#next}) as the scheduler has a
 * free slot, and hears of each as it ends ({@link Source#ended}), so a model-based search (TPE) proposes each trial
 * from every trial that has ended by then. {@link LocalTrialScheduler} runs them in threads of this JVM; a
 * distributed scheduler (closecast-spark's, found through {@link Provider}) ships each trial as a {@link RemoteTrial}
 * and runs it in another JVM.
 */
public interface TrialScheduler {

    /** One trial to run: the symbol it forecasts, its index in that symbol's sweep and its hyper-parameters. */
    record Trial(String symbol, int index, Map<String, Object> point) {
        public Trial {
            point = Collections.unmodifiableMap(new LinkedHashMap<>(point)); // keeps the space's key order
        }
    }

    /** The sweep's side: the next trial to run, if any, and what ended. Called from one thread at a time. */
    interface Source {
        Optional<Trial> next();

        void ended(TrialResult result);
    }

    /** Runs one trial to its end and records it; never throws for a trial that failed (its row says FAILED). */
    @FunctionalInterface
    interface Runner {
        TrialResult run(Trial trial);

        /**
         * {@code trial} as a task for another JVM, which runs it with {@link RemoteTrial#worker}: what a distributed
         * scheduler ships. A runner that only runs trials in this JVM refuses.
         */
        default RemoteTrial remote(Trial trial) {
            throw new UnsupportedOperationException("this runner runs trials in this JVM only");
        }
    }

    /**
     * A scheduler for {@code sweep.executor} values other than {@code local}, found with {@link java.util.ServiceLoader}
     * (so the pipeline needs none of its libraries): closecast-spark provides {@code spark}.
     */
    interface Provider {
        /** The executor this provides, e.g. {@link Executor#SPARK}. */
        Executor executor();

        /**
         * A scheduler for a sweep with the {@code sweep.spark} settings {@code spark} (the one remote executor's
         * settings there are), its application named {@code name}.
         */
        TrialScheduler create(SparkSettings spark, String name);
    }

    /** Trials that can run at once. */
    int slots();

    /** Training threads each trial gets. */
    default int threadsPerTrial() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / slots());
    }

    /**
     * Runs trials from {@code source} until it has none left, at most {@link #slots()} at a time; returns the results
     * in the order the trials ended.
     *
     * @throws InterruptedException when the sweep is interrupted; trials in flight are abandoned
     */
    List<TrialResult> runAll(Source source, Runner runner) throws InterruptedException;
}
