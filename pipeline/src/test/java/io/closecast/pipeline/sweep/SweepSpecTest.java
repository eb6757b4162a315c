package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.SparkSettings;
import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.sweep.search.ParamDomain;
import io.closecast.pipeline.sweep.search.SearchMethod;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SweepSpecTest {
    @Test
    void readsMethodSpacePruningAndLimits() {
        SweepSpec spec = SweepSpec.read(YamlConfig.parse("""
                sweep:
                  metric: test_mase
                  method: random
                  trials: 12
                  parallel: 2
                  seed: 9
                  trial-time-limit: 5m
                  pruning: {warmup-epochs: 2, min-trials: 2}
                  space:
                    training.learning-rate: {log-uniform: [1e-4, 1e-2]}
                    model.lstm.hidden-units: [[32], [32, 32]]
                    training.batch-size: {int: [32, 128], step: 32}
                    model.dropout: [0.0, 0.2]
                """, "s.yaml").root());
        assertEquals("test_mase", spec.metric());
        assertEquals(SweepSpec.Method.RANDOM, spec.method());
        assertEquals(12, spec.trials());
        assertEquals(2, spec.parallel());
        assertEquals(Duration.ofMinutes(5), spec.trialTimeLimit().orElseThrow());
        assertEquals(new SweepSpec.Pruning(2, 2), spec.pruning().orElseThrow());
        assertEquals(new ParamDomain.LogUniform(1e-4, 1e-2), spec.space().params().get("training.learning-rate"));
        assertEquals(new ParamDomain.Choice(List.of(List.of(32), List.of(32, 32))),
                spec.space().params().get("model.lstm.hidden-units"));
        assertEquals(new ParamDomain.IntRange(32, 128, 32), spec.space().params().get("training.batch-size"));
        assertEquals(new ParamDomain.Choice(List.of(0.0, 0.2)), spec.space().params().get("model.dropout"));
        assertInstanceOf(SearchMethod.Random.class, spec.searchMethod());
        assertEquals(-0.5, SweepSpec.read(YamlConfig.parse(
                "sweep: {goal: maximize, space: {a: [1]}}", "s.yaml").root()).loss(0.5));
    }

    @Test
    void gridTrialsAreCappedAtTheGridSize() {
        SweepSpec spec = SweepSpec.read(YamlConfig.parse(
                "sweep: {method: grid, space: {a: [1, 2, 3], b: {int: [1, 2]}}}", "g.yaml").root());
        assertEquals(6, spec.trials());
    }

    @Test
    void badRangesNameTheKeyFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse("""
                sweep:
                  space:
                    training.learning-rate: {log-uniform: [0, 1e-2]}
                """, "s.yaml").root()));
        assertEquals("sweep.space.training.learning-rate: a log range needs 0 < low < high, found low 0.0, high 0.01 (s.yaml line 3)",
                e.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse("""
                sweep:
                  space: {a: [1]}
                  trails: 3
                """, "s.yaml").root()));
        assertEquals(true, unknown.getMessage().startsWith("unknown key sweep.trails (did you mean sweep.trials?)"),
                unknown.getMessage());
        ConfigException limit = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, trial-time-limit: soon}", "s.yaml").root()));
        assertEquals("sweep.trial-time-limit must be a duration such as 500ms, 30s, 10m, 1h or PT30S, found soon (s.yaml line 1)",
                limit.getMessage());
    }

    @Test
    void readsTheSparkExecutorAndItsSettings() {
        SweepSpec spec = SweepSpec.read(YamlConfig.parse("""
                sweep:
                  executor: spark
                  spark: {master: "spark://10.0.0.5:7077", cores: 8, task-cpus: 2}
                  space: {a: [1]}
                """, "s.yaml").root());
        assertEquals(Executor.SPARK, spec.executor());
        assertEquals(new SparkSettings(Optional.of("spark://10.0.0.5:7077"), Optional.of(8), 2), spec.spark());
        SweepSpec local = SweepSpec.read(YamlConfig.parse("sweep: {space: {a: [1]}}", "s.yaml").root());
        assertEquals(Executor.LOCAL, local.executor());
        assertEquals(SparkSettings.DEFAULT, local.spark());
        SweepSpec onSpark = local.onSpark("local[2]");
        assertEquals(Executor.SPARK, onSpark.executor());
        assertEquals(Optional.of("local[2]"), onSpark.spark().master());
    }

    @Test
    void badSparkSettingsNameTheKeyAndWhatWasExpected() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, spark: {master: 'local[2]', task-cpu: 2}}", "s.yaml").root()));
        assertTrue(unknown.getMessage().contains("sweep.spark.task-cpu"), unknown.getMessage());
        ConfigException master = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, spark: {master: 'http://x:7077'}}", "s.yaml").root()));
        assertTrue(master.getMessage().contains("sweep.spark.master must be a Spark master URL"), master.getMessage());
        assertTrue(master.getMessage().contains("found http://x:7077"), master.getMessage());
        ConfigException cores = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, spark: {master: 'local[2]', cores: 1, task-cpus: 2}}", "s.yaml").root()));
        assertTrue(cores.getMessage().contains("sweep.spark.cores must be >= sweep.spark.task-cpus (2)"), cores.getMessage());
        ConfigException noMaster = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, executor: spark}", "s.yaml").root()));
        assertTrue(noMaster.getMessage().contains("spark needs sweep.spark.master"), noMaster.getMessage());
        ConfigException executor = assertThrows(ConfigException.class, () -> SweepSpec.read(YamlConfig.parse(
                "sweep: {space: {a: [1]}, executor: ray}", "s.yaml").root()));
        assertTrue(executor.getMessage().contains("sweep.executor"), executor.getMessage());
        assertTrue(SweepSpec.validMaster("local[*]") && SweepSpec.validMaster("local") && SweepSpec.validMaster("local[4,2]")
                && SweepSpec.validMaster("spark://a:7077,b:7077") && SweepSpec.validMaster("k8s://https://k:6443"));
        assertFalse(SweepSpec.validMaster("local[0]") || SweepSpec.validMaster("spark:/a") || SweepSpec.validMaster(""));
    }
}
