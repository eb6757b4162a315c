package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.sweep.spi.LocalTrialScheduler;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which scheduler a sweep gets: local threads, or another executor's provider, which must be on the class path. */
class SweepSchedulerTest {
    private static SweepSpec spec(String sweep) {
        return SweepSpec.read(YamlConfig.parse("sweep: " + sweep, "s.yaml").root());
    }

    @Test
    void localSweepsRunAtMostOneThreadPerTrialToRun() {
        TrialScheduler scheduler = SweepRunner.scheduler(spec("{parallel: 4, space: {a: [1]}}"), 3, "t");
        assertInstanceOf(LocalTrialScheduler.class, scheduler);
        assertEquals(3, scheduler.slots());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 3), scheduler.threadsPerTrial());
    }

    @Test
    void aSparkSweepWithoutTheSparkModuleSaysHowToGetIt() {
        // the pipeline's own class path has no closecast-spark: bin/closecast adds it for sweeps on Spark
        ConfigException e = assertThrows(ConfigException.class, () -> SweepRunner.scheduler(
                spec("{executor: spark, spark: {master: 'local[2]'}, space: {a: [1]}}"), 3, "t"));
        assertTrue(e.getMessage().startsWith("sweep.executor spark needs the closecast-spark module on the class path"),
                e.getMessage());
    }
}
