package io.closecast.pipeline.sweep;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.sweep.pruning.Curves;
import io.closecast.pipeline.sweep.pruning.MlflowCurves;
import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.sweep.spi.LocalTrialScheduler;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.training.TrainingUi;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.train.TrainingEngine;

/**
 * Runs a sweep: a parent MLflow run found again by a stable sweep id (so a sweep started again resumes or
 * extends), one child run per trial with params proposed by the search method, median pruning, a per-trial
 * time limit, trials in parallel, and at the end the best trial's metrics on the parent, a summary table
 * (CSV, PNG and console), and optionally the best trial as a model version. A fleet's symbols each get their own
 * {@link SymbolSweep}, their trials handed out together ({@link FleetTrials}).
 */
public final class SweepRunner {
    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;

    public SweepRunner(MlflowClient client, Clock clock, PrintWriter console) {
        this.client = client;
        this.clock = clock;
        this.console = console;
    }

    /** What a finished sweep of one symbol reports. */
    public record Summary(String symbol, String parentRunId, String sweepId, List<TrialResult> trials, Optional<TrialResult> best,
                          Optional<ModelVersion> registered) {
    }

    /**
     * Options: the number of trials (overrides the file), one trial only, register the best, work dir, and the DL4J
     * training UI the trials stream their stats to (trials then train with {@code training.engine=dl4j}; the runner
     * closes the UI when the trials are done and logs its stats file to the parent run).
     */
    public record Options(Optional<Integer> trials, Optional<Integer> onlyTrial, boolean register, Path workDir,
                          Optional<TrainingUi> ui) {
        /** Options without the training UI. */
        public Options(Optional<Integer> trials, Optional<Integer> onlyTrial, boolean register, Path workDir) {
            this(trials, onlyTrial, register, workDir, Optional.empty());
        }
    }

    /** Runs the sweep of one symbol. */
    public Summary run(SweepFile file, Options options) {
        return run(List.of(file), options).getFirst();
    }

    /**
     * Runs the sweeps of a fleet as one job: each symbol its own parent run, search, pruning and registered model,
     * their trials sharing the {@code sweep.parallel} slots (handed out round robin over the symbols); returns one
     * summary per symbol, in the fleet's order.
     */
    public List<Summary> run(List<SweepFile> fleet, Options options) {
        if (fleet.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one symbol");
        }
        SweepSpec first = fleet.getFirst().spec();
        String name = fleet.getFirst().path().getFileName() + (fleet.size() == 1
                ? " sweep " + SweepIds.sweepId(fleet.getFirst())
                : " fleet " + fleet.stream().map(SweepFile::symbol).toList());
        // another executor's settings are checked before anything is written to MLflow
        Optional<TrialScheduler> elsewhere = first.executor() == Executor.LOCAL ? Optional.empty()
                : Optional.of(scheduler(first, Integer.MAX_VALUE, name));
        Map<String, SymbolSweep> sweeps = new LinkedHashMap<>();
        for (SweepFile file : fleet) {
            sweeps.put(file.symbol(), SymbolSweep.open(client, clock, console, file, options, fleet.size() > 1));
        }
        String symbols = String.join(",", sweeps.keySet());
        for (SymbolSweep sweep : sweeps.values()) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put(ClosecastTags.SYMBOL, sweep.file.symbol());
            if (fleet.size() > 1) {
                tags.put(ClosecastTags.FLEET, symbols);
            }
            client.setTags(sweep.state.parentId(), tags);
        }
        int todo = sweeps.values().stream().mapToInt(SymbolSweep::toRun).sum();
        TrialScheduler scheduler = elsewhere.orElseGet(() -> scheduler(first, todo, name));
        int threads = scheduler.threadsPerTrial();
        for (SymbolSweep s : sweeps.values()) {
            console.printf(Locale.ROOT, "sweep %s%s (parent run %s): %d trials, %d done, %d to run, %d in parallel x %d"
                            + " threads%s%n", s.sweepId, s.label.isEmpty() ? "" : " of " + s.file.symbol(),
                    s.state.parentId(), s.trials, s.done(), s.toRun(), scheduler.slots(), threads,
                    first.executor() == Executor.SPARK
                            ? " on Spark " + first.spark().master().orElse("(spark-submit's master)") : "");
        }
        console.flush();
        options.ui().ifPresent(ui -> announceUi(fleet.getFirst(), ui));
        console.flush();
        for (SymbolSweep s : sweeps.values()) {
            // --trial I runs beside other processes' trials (an Indexed Job): pruning compares with their curves in MLflow
            Curves compared = options.onlyTrial().isPresent()
                    ? new MlflowCurves(client, s.state.experimentId(), s.state.parentId(),
                            TrialObjective.pruneMetric(s.spec))
                    : Curves.inMemory(s.curves);
            s.runWith(new TrialRunner(client, clock, s.file, s.state.experimentId(), s.state.parentId(), s.sweepId,
                    threads, compared, s.progress, options.workDir(), options.ui()));
        }
        runAll(scheduler, new FleetTrials(sweeps), sweeps.values());

        options.ui().ifPresent(ui -> new SweepUiStats(client, console).log(
                sweeps.values().stream().map(s -> s.state.parentId()).toList(), ui));
        List<Summary> summaries = new ArrayList<>();
        for (SymbolSweep s : sweeps.values()) {
            summaries.add(finish(s, options));
        }
        return List.copyOf(summaries);
    }

    private void announceUi(SweepFile file, TrainingUi ui) {
        if (file.base().training().engine() != TrainingEngine.DL4J) {
            console.printf(Locale.ROOT, "--ui: trials train with training.engine=dl4j instead of %s: the fused"
                    + " engine has no per-iteration hooks for DL4J's StatsListener (DL4J epochs are slower)%n",
                    file.base().training().engine().key());
        }
        console.printf(Locale.ROOT, "training UI: %s  (one session per trial, named trial-<i>-<run id>; stats every"
                + " %d iterations)%n", ui.url(), ui.settings().frequency());
    }

    /**
     * Runs the fleet's trials on {@code scheduler}. Interrupted (or the JVM shutting down: SIGTERM), every sweep's
     * trials in flight are closed KILLED as interrupted, so that a resumed sweep runs them again.
     */
    private static void runAll(TrialScheduler scheduler, FleetTrials trials, java.util.Collection<SymbolSweep> sweeps) {
        Runnable closeAll = () -> sweeps.forEach(s -> s.state.closeOnInterrupt());
        Thread hook = new Thread(closeAll);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            scheduler.runAll(trials, trials);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll.run();
            throw new PipelineException("sweep interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it closes the runs
            }
        }
    }

    /**
     * One symbol's end: the parent's counts, best and summary, the best registered, the console table. After
     * {@code --trial I} (other processes may run the other trials right now) the trials are read back from MLflow, and
     * the parent is finished only once every trial has ended: by the last process to end, whichever it is.
     */
    private Summary finish(SymbolSweep s, Options options) {
        SweepState state = options.onlyTrial().isPresent() ? s.state.now() : s.state;
        Map<Integer, TrialResult> results = options.onlyTrial().isPresent() ? state.endedRows(s.spec) : s.results;
        List<Integer> open = options.onlyTrial().isPresent() ? state.notEnded(s.trials) : List.of();
        List<TrialResult> all = new ArrayList<>(results.values());
        Optional<TrialResult> best = all.stream().filter(r -> r.status() == TrialStatus.FINISHED && r.value().isPresent())
                .min(Comparator.comparingDouble(r -> s.spec.loss(r.value().orElseThrow())));
        SweepReport report = new SweepReport(client, console);
        if (open.isEmpty()) {
            report.finishParent(state.parentId(), s.spec, all, best, options.workDir());
        } else {
            console.printf(Locale.ROOT, "parent run %s left RUNNING: trial(s) %s not ended yet (running elsewhere or not"
                    + " started); the last one to end finishes it%n", state.parentId(), open);
        }
        Optional<ModelVersion> version = Optional.empty();
        if (options.register() && s.spec.register() == SweepSpec.Register.BEST && best.isPresent()) {
            version = Optional.of(new BestTrialRegistration(client, console).register(s.file, state.parentId(), s.sweepId,
                    best.get(), options.workDir()));
        }
        if (!s.label.isEmpty()) {
            console.printf(Locale.ROOT, "%n%s (sweep %s, parent run %s):%n", s.label, s.sweepId, state.parentId());
        }
        report.printTable(s.spec, all, best);
        return new Summary(s.file.symbol(), state.parentId(), s.sweepId, all, best, version);
    }

    /**
     * The scheduler for {@code sweep.executor}: threads of this JVM ({@code sweep.parallel}, at most one per trial to
     * run), or the {@link TrialScheduler.Provider} of another executor found on the class path.
     */
    static TrialScheduler scheduler(SweepSpec spec, int toRun, String name) {
        if (spec.executor() == Executor.LOCAL) {
            return new LocalTrialScheduler(Math.max(1, Math.min(spec.parallel(), toRun)));
        }
        for (TrialScheduler.Provider provider : ServiceLoader.load(TrialScheduler.Provider.class)) {
            if (provider.executor() == spec.executor()) {
                return provider.create(spec.spark(), name);
            }
        }
        throw new ConfigException("sweep.executor " + ConfigSection.kebab(spec.executor()) + " needs the closecast-"
                + ConfigSection.kebab(spec.executor()) + " module on the class path, found none: bin/closecast adds it"
                + " for sweep --spark URL and for a sweep file with executor: spark (build it with ./mvnw -pl spark -am"
                + " package -DskipTests)");
    }
}
