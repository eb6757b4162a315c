package io.closecast.spark;

import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.sweep.spi.SparkSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.sweep.SweepSpec;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import io.closecast.pipeline.config.YamlConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the sweep's settings become Spark's: slots, task cores, the executors' jars and JVM options (no cluster). */
class SparkTrialSchedulerTest {

    private static SparkSettings spec(String spark) {
        ConfigSection root = YamlConfig.parse("sweep: {executor: spark, spark: " + spark + ", space: {a: [1]}}",
                "s.yaml").root();
        return SweepSpec.read(root).spark();
    }

    @AfterEach
    void clear() {
        System.clearProperty(SparkTrialScheduler.EXECUTOR_JARS);
    }

    @Test
    void localModeSlotsAreItsThreadsOverTheTaskCores() {
        SparkTrialScheduler two = SparkTrialScheduler.create(spec("{master: 'local[2]'}"), "t");
        assertEquals(2, two.slots());
        assertEquals(1, two.threadsPerTrial());
        SparkConf conf = two.conf();
        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals("1", conf.get("spark.task.cpus"));
        assertEquals("false", conf.get("spark.ui.enabled"));
        assertEquals("false", conf.get("spark.speculation"));
        assertFalse(conf.contains("spark.jars"), "local mode runs the driver's own class path");
        SparkTrialScheduler wide = SparkTrialScheduler.create(spec("{master: 'local[4]', task-cpus: 2}"), "t");
        assertEquals(2, wide.slots());
        assertEquals(2, wide.threadsPerTrial());
        assertEquals("2", wide.conf().get("spark.task.cpus"));
    }

    @Test
    void aClusterGetsTheSweepsCoresClosecastsJarsAndTheJvmOptions() {
        String jars = String.join(File.pathSeparator, "/opt/closecast/a.jar", "/opt/closecast/lib/b.jar");
        System.setProperty(SparkTrialScheduler.EXECUTOR_JARS, jars);
        SparkTrialScheduler scheduler = SparkTrialScheduler.create(
                spec("{master: 'spark://127.0.0.1:7077', cores: 6, task-cpus: 2}"), "t");
        assertEquals(3, scheduler.slots());
        SparkConf conf = scheduler.conf();
        assertEquals("6", conf.get("spark.cores.max"));
        assertEquals("local:/opt/closecast/a.jar,local:/opt/closecast/lib/b.jar", conf.get("spark.jars"));
        List<String> options = Arrays.asList(conf.get("spark.executor.extraJavaOptions").split(" "));
        assertTrue(options.containsAll(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")),
                options.toString());
        assertTrue(options.containsAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray())), options.toString());
        assertTrue(options.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), options.toString());
    }

    @Test
    void missingCoresOrJarsForAClusterAreClearErrors() {
        PipelineException cores = assertThrows(PipelineException.class,
                () -> SparkTrialScheduler.create(spec("{master: 'spark://127.0.0.1:7077'}"), "t"));
        assertTrue(cores.getMessage().startsWith("sweep.spark.cores is required with master spark://127.0.0.1:7077"),
                cores.getMessage());
        PipelineException jars = assertThrows(PipelineException.class,
                () -> SparkTrialScheduler.create(spec("{master: 'spark://127.0.0.1:7077', cores: 2}"), "t"));
        assertTrue(jars.getMessage().contains("need closecast's jars"), jars.getMessage());
        System.setProperty("spark.jars", "local:///app/spark/closecast-spark.jar");
        try {
            assertEquals("local:///app/spark/closecast-spark.jar", SparkTrialScheduler.create(
                    spec("{master: 'spark://127.0.0.1:7077', cores: 2}"), "t").conf().get("spark.jars"),
                    "spark-submit's --jars are kept");
        } finally {
            System.clearProperty("spark.jars");
        }
        assertEquals(4, SparkTrialScheduler.cores("spark://h:7077", new SparkConf(false)
                .set("spark.executor.instances", "2").set("spark.executor.cores", "2")));
        assertEquals(3, SparkTrialScheduler.cores("k8s://https://k:6443", new SparkConf(false).set("spark.cores.max", "3")));
    }

    @Test
    void aTrialsWorkerSurvivesTheTripToTheExecutor() throws Exception {
        RemoteTrial.Worker echo = payload -> "ran " + payload; // any worker the SPI is given, a lambda too
        Function<String, String> task = SparkTrialScheduler.onExecutor(echo);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task); // as Spark's closure serializer does
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Function<String, String> shipped = (Function<String, String>) in.readObject();
            assertEquals("ran {\"trial\":1}", shipped.call("{\"trial\":1}"));
        }
    }

    @Test
    void thePipelineFindsTheSparkSchedulerThroughItsServiceLoader() {
        List<TrialScheduler.Provider> providers = ServiceLoader.load(TrialScheduler.Provider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertEquals(1, providers.size());
        assertEquals(Executor.SPARK, providers.getFirst().executor());
        assertEquals(2, providers.getFirst().create(spec("{master: 'local[2]'}"), "t").slots());
    }
}
