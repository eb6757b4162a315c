package io.closecast.pipeline.cli;

import io.closecast.pipeline.sweep.SweepFile;
import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.Promotion;
import io.closecast.pipeline.registry.RegistryEvaluator;
import io.closecast.pipeline.sweep.SweepRunner;
import io.closecast.pipeline.sweep.SweepSpec;
import io.closecast.pipeline.tracking.MlflowConnection;
import io.closecast.pipeline.training.TrainingUi;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast sweep FILE}: a hyper-parameter sweep as a parent MLflow run with one child run per trial. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a hyper-parameter sweep from YAML: a parent MLflow run, one nested run per trial,",
                "median pruning, trials in parallel. Started again, the same sweep resumes: finished trials are",
                "kept, interrupted ones re-run; --trials N with a larger N extends it. A fleet file",
                "(data.symbols) runs every symbol's sweep as one job and registers each symbol's best as its own model."})
public final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Sweep file, e.g. configs/quickstart.yaml.")
    Path file;

    @Option(names = "--trials", description = "Number of trials (overrides sweep.trials; larger extends a finished sweep).")
    Integer trials;

    @Option(names = "--trial", paramLabel = "I", description = "Run only trial I (again: same params and seed) under the sweep's"
            + " parent run. Several --trial processes may run at once (an Indexed Job's pods): they share one parent, and"
            + " the last to end finishes it.")
    Integer trial;

    @Option(names = "--symbol", paramLabel = "SYMBOL",
            description = "With a fleet file (data.symbols): run only this symbol's sweep (repeatable).")
    List<String> symbols;

    @Option(names = "--spark", paramLabel = "MASTER_URL",
            description = {"Run the trials as Spark tasks on this master (local[2], spark://HOST:7077, k8s://...),",
                    "as sweep.executor: spark with sweep.spark.master does."})
    String spark;

    @Option(names = "--register", description = "Register the best trial as a model version of mlflow.registered-model.")
    boolean register;

    @Option(names = "--promote", description = "With --register: promote the new version to production through the gate.")
    boolean promote;

    @CommandLine.Mixin
    UiOptions ui;

    @CommandLine.Mixin
    ServabilityOptions servability;

    @Option(names = "--gate-days", defaultValue = "" + Gate.Policy.DEFAULT_MIN_DAYS,
            description = "Out-of-sample days the promotion gate needs at least (default: ${DEFAULT-VALUE}).")
    int gateDays;

    @Option(names = "--require-significance",
            description = "Gate: also require Diebold-Mariano p < 0.05 against naive.")
    boolean requireSignificance;

    @Option(names = "--objective", paramLabel = "point|interval",
            description = "Gate: what --promote judges on (default: the config's promotion.objective, else point).")
    String objective;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (trials != null && trials < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trials must be >= 1, found " + trials);
        }
        if (promote && !register) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--promote needs --register");
        }
        servability.budget(spec); // a bad option fails before any training
        if (objective != null) {
            PromotionObjective.parse(objective, "--objective");
        }
        Optional<TrainingUi.Settings> uiSettings = ui.settings(spec);
        List<SweepFile> fleet = selected(SweepFile.readAll(file, ProjectRoot.of(file)));
        if (spark != null) {
            if (!SweepSpec.validMaster(spark)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--spark must be a Spark master URL (local[N],"
                        + " spark://HOST:PORT, k8s://https://HOST:PORT, yarn), found '" + spark + "'");
            }
            if (uiSettings.isPresent()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ui runs with local trials only, not with --spark");
            }
            fleet = fleet.stream().map(f -> f.withSpec(f.spec().onSpark(spark))).toList();
        }
        Executor executor = fleet.getFirst().spec().executor();
        if (uiSettings.isPresent() && executor != Executor.LOCAL) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ui runs with local trials only, not with"
                    + " sweep.executor " + ConfigSection.kebab(executor));
        }
        int available = fleet.getFirst().spec().trials();
        if (trial != null && (trial < 0 || trial >= Math.max(available, trials == null ? 0 : trials))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trial must be between 0 and "
                    + (available - 1) + ", found " + trial);
        }
        Path work = Files.createTempDirectory("closecast-sweep");
        Optional<TrainingUi> trainingUi = Optional.empty();
        try (MlflowClient client = MlflowConnection.connect()) {
            if (uiSettings.isPresent()) {
                trainingUi = Optional.of(TrainingUi.start(uiSettings.get(), work.resolve("ui")));
            }
            List<SweepRunner.Summary> summaries = new SweepRunner(client, Clock.systemUTC(), out).run(fleet,
                    new SweepRunner.Options(Optional.ofNullable(trials), Optional.ofNullable(trial), register && trial == null,
                            work, trainingUi));
            List<String> unfinished = new ArrayList<>();
            for (int i = 0; i < summaries.size(); i++) {
                SweepRunner.Summary summary = summaries.get(i);
                SweepFile sweep = fleet.get(i);
                if (promote && summary.registered().isPresent()) {
                    var version = summary.registered().get();
                    Promotion.Verdict verdict = new Promotion(client, Clock.systemUTC(), RunMetadata.user(),
                            servability.budget(spec, sweep.base().tracking().servability())).promote(
                            new Promotion.Request(version.name(), version.version(), Promotion.DEFAULT_ALIAS,
                                    new Gate.Policy(Gate.Policy.DEFAULT.maxMase(), gateDays,
                                            requireSignificance, Gate.Policy.DEFAULT.alpha(), objective == null
                                            ? sweep.base().tracking().objective()
                                            : PromotionObjective.parse(objective, "--objective")), Optional.empty()),
                            new RegistryEvaluator(client, sweep.base().data().file().toAbsolutePath().getParent(),
                                    Optional.of(sweep.base().data().file().toAbsolutePath()), work.resolve("gate")
                                    .resolve(TrainConfig.slug(sweep.symbol()))));
                    CommandSupport.printVerdict(out, verdict, false);
                }
                if (summary.best().isEmpty()) {
                    unfinished.add((fleet.size() > 1 ? summary.symbol() + ": " : "") + "sweep " + summary.sweepId()
                            + " (parent run " + summary.parentRunId() + ")");
                }
            }
            if (!unfinished.isEmpty()) {
                throw new PipelineException("no trial of " + String.join("; ", unfinished) + " finished");
            }
            return 0;
        } finally {
            trainingUi.ifPresent(TrainingUi::close);
            WorkDirs.delete(work);
        }
    }

    /** The fleet's sweeps of the {@code --symbol}s asked for (all without the option), in the file's order. */
    private List<SweepFile> selected(List<SweepFile> fleet) {
        if (symbols == null || symbols.isEmpty()) {
            return fleet;
        }
        List<String> known = fleet.stream().map(SweepFile::symbol).toList();
        for (String symbol : symbols) {
            if (!known.contains(symbol)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--symbol " + symbol + " is not a symbol of "
                        + file + "; its symbols: " + String.join(", ", known));
            }
        }
        return fleet.stream().filter(f -> symbols.contains(f.symbol())).toList();
    }
}
