package io.closecast.spark;

import io.closecast.pipeline.sweep.spi.SparkSettings;
import io.closecast.pipeline.sweep.spi.TrialResult;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Runs each trial of a sweep as one Spark task: one Spark job of one partition per trial (the trial's
 * {@link RemoteTrial} payload), submitted when a slot is free, so the sweep's search proposes each trial from every
 * trial ended by then. Slots are the executor cores the sweep uses divided by the cores one trial takes
 * ({@code spark.task.cpus}). The executor runs the trial with its {@link RemoteTrial#worker}: as the parent's child run,
 * logging to MLflow itself, idempotently (Spark retries a task whose executor was lost: the retry finds the
 * attempt it replaces).
 *
 * <p>closecast's code reaches the executors as jars at the same paths on every worker ({@code local:} URIs in
 * {@code spark.jars}): the pipeline's runtime class path and this module's jar, which {@code bin/closecast} passes in
 * the system property {@value #EXECUTOR_JARS}; in the pipeline image they are at the same paths in every pod, and its
 * entrypoint passes them to spark-submit as {@code --jars}.
 */
public final class SparkTrialScheduler implements TrialScheduler {
    /** System property: the jars the executors need (closecast's and its libraries but Spark's), path-separated. */
    public static final String EXECUTOR_JARS = "closecast.spark.executor-jars";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

    private final SparkConf conf;
    private final int slots;
    private final int taskCpus;

    private SparkTrialScheduler(SparkConf conf, int slots, int taskCpus) {
        this.conf = conf;
        this.slots = slots;
        this.taskCpus = taskCpus;
    }

    /**
     * The scheduler for a sweep's {@code sweep.spark} settings, on top of whatever {@code spark.*} system
     * properties this JVM has (spark-submit passes its configuration so).
     */
    public static SparkTrialScheduler create(SparkSettings settings, String name) {
        SparkConf conf = new SparkConf(true).setAppName("closecast " + name);
        String master = settings.master().or(() -> conf.getOption("spark.master").map(Optional::of)
                .getOrElse(Optional::empty)).orElseThrow(() -> new PipelineException(
                "sweep.executor spark needs a master URL: sweep.spark.master, --spark URL, or spark-submit --master"));
        conf.setMaster(master);
        int cores = settings.cores().orElseGet(() -> cores(master, conf));
        if (cores < settings.taskCpus()) {
            throw new PipelineException("the sweep's Spark executors have " + cores + " cores in all, fewer than"
                    + " sweep.spark.task-cpus (" + settings.taskCpus() + ") that one trial takes");
        }
        conf.set("spark.task.cpus", Integer.toString(settings.taskCpus()));
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.set("spark.speculation", "false"); // two attempts of one trial at once would be two runs
        boolean local = LOCAL.matcher(master).matches();
        if (!local) {
            conf.setIfMissing("spark.cores.max", Integer.toString(cores));
            if (!conf.contains("spark.jars")) { // spark-submit --jars sets it (the pipeline image's entrypoint)
                conf.set("spark.jars", executorJars());
            }
            appendJavaOptions(conf, "spark.executor.extraJavaOptions", executorJavaOptions());
        }
        return new SparkTrialScheduler(conf, cores / settings.taskCpus(), settings.taskCpus());
    }

    /** The executor cores a sweep gets when sweep.spark.cores does not say: local[N]'s N, or Spark's settings. */
    static int cores(String master, SparkConf conf) {
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            String n = local.group(1);
            return n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
        }
        if (conf.contains("spark.cores.max")) {
            return conf.getInt("spark.cores.max", 0);
        }
        if (conf.contains("spark.executor.instances")) {
            return conf.getInt("spark.executor.instances", 0) * conf.getInt("spark.executor.cores", 1);
        }
        throw new PipelineException("sweep.spark.cores is required with master " + master + " (the executor cores the"
                + " sweep uses, found neither it nor spark.cores.max nor spark.executor.instances)");
    }

    /** {@value #EXECUTOR_JARS} as {@code local:} URIs for {@code spark.jars}. */
    static String executorJars() {
        String jars = System.getProperty(EXECUTOR_JARS, "");
        if (jars.isBlank()) {
            throw new PipelineException("a Spark cluster's executors need closecast's jars: run the sweep with"
                    + " bin/closecast (it sets -D" + EXECUTOR_JARS + "), or set spark.jars");
        }
        return Arrays.stream(jars.split(File.pathSeparator)).filter(p -> !p.isBlank())
                .map(p -> "local:" + new File(p).getAbsolutePath()).collect(Collectors.joining(","));
    }

    /**
     * What every closecast JVM runs with (the Vector API for the LSTM kernels, native access and off-heap access for
     * ND4J) and the module options Spark needs on JDK 17+ ({@link JavaModuleOptions}; Spark adds those to executors
     * itself too, twice does no harm).
     */
    static String executorJavaOptions() {
        List<String> options = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        options.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        return String.join(" ", options);
    }

    private static void appendJavaOptions(SparkConf conf, String key, String options) {
        String present = conf.get(key, "");
        conf.set(key, present.isBlank() ? options : present + " " + options);
    }

    /** The Spark configuration the sweep's context starts with. */
    SparkConf conf() {
        return conf.clone();
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public int threadsPerTrial() {
        return taskCpus;
    }

    @Override
    public List<TrialResult> runAll(Source source, Runner runner) throws InterruptedException {
        List<TrialResult> rows = new ArrayList<>();
        ExecutorService waiting = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "closecast-spark-trial");
            t.setDaemon(true);
            return t;
        });
        List<JavaFutureAction<List<String>>> inFlight = new ArrayList<>();
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            ExecutorCompletionService<Ended> done = new ExecutorCompletionService<>(waiting);
            int running = 0;
            while (running < slots && submit(spark, source, runner, done, inFlight)) {
                running++;
            }
            while (running > 0) {
                Ended ended = take(done);
                running--;
                inFlight.remove(ended.future());
                TrialResult row = ended.trial().ended(ended.result());
                rows.add(row);
                source.ended(row);
                if (submit(spark, source, runner, done, inFlight)) {
                    running++;
                }
            }
            return rows;
        } catch (InterruptedException e) {
            inFlight.forEach(f -> f.cancel(true));
            throw e;
        } finally {
            waiting.shutdownNow();
        }
    }

    private record Ended(RemoteTrial trial, JavaFutureAction<List<String>> future, String result) {
    }

    private static boolean submit(JavaSparkContext spark, Source source, Runner runner,
                                  ExecutorCompletionService<Ended> done, List<JavaFutureAction<List<String>>> inFlight) {
        Optional<Trial> next = source.next();
        if (next.isEmpty()) {
            return false;
        }
        RemoteTrial trial = runner.remote(next.get());
        spark.setJobDescription("closecast trial " + trial.index());
        JavaFutureAction<List<String>> future = spark.parallelize(List.of(trial.payload()), 1)
                .map(onExecutor(trial.worker())).collectAsync();
        inFlight.add(future);
        done.submit(() -> new Ended(trial, future, only(trial, future.get())));
        return true;
    }

    /** What the trial's Spark task runs: its worker, serialized with the task and run on the executor. */
    static Function<String, String> onExecutor(RemoteTrial.Worker worker) {
        return worker::run;
    }

    private static String only(RemoteTrial trial, List<String> results) {
        if (results.size() != 1) {
            throw new PipelineException("trial " + trial.index() + "'s Spark job returned " + results.size()
                    + " results, expected 1");
        }
        return results.getFirst();
    }

    private static Ended take(ExecutorCompletionService<Ended> done) throws InterruptedException {
        try {
            return done.take().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ExecutionException inner ? inner.getCause() : e.getCause();
            if (cause instanceof CancellationException) {
                throw new PipelineException("a trial's Spark job was cancelled", cause);
            }
            throw new PipelineException("a trial's Spark task failed for good (after Spark's retries): "
                    + (cause == null ? e.getMessage() : cause.getMessage()), cause);
        }
    }
}
