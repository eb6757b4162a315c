package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.data.PriceCache;
import io.closecast.model.prices.source.YahooChartClient;
import io.closecast.model.prices.source.YahooConfig;
import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.Promotion;
import io.closecast.pipeline.registry.Registrar;
import io.closecast.pipeline.registry.RegistryEvaluator;
import io.closecast.pipeline.sweep.SweepFile;
import io.closecast.pipeline.sweep.SweepRunner;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.training.TrainingJob;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

/**
 * One retrain of one training config: the newest prices (a price directory's {@code SYMBOL.csv}, or the config's file,
 * first filled from Yahoo with {@code --fetch}),
 * nothing to do when production already saw their last day (unless forced) or a version was already registered for it;
 * otherwise, under the model's {@link RetrainLock}, a training on every day up to it, registered, and sent through
 * {@link Promotion} (the servability check, then the gate on out-of-sample days of the same file, candidate against
 * production). The verdict, the data range and the trigger go on the version and on a retrain run of its own.
 */
public final class Retrainer {
    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;
    private final java.util.function.UnaryOperator<io.closecast.model.bundle.Servability.Budget> budget;

    /** A retrainer whose candidates pass the servability check within the config's budget. */
    public Retrainer(MlflowClient client, Clock clock, PrintWriter console) {
        this(client, clock, console, java.util.function.UnaryOperator.identity());
    }

    /**
     * A retrainer whose candidates pass the servability check within {@code budget} applied to the config's
     * ({@code promotion.servability-*}; the command line's options override it).
     */
    public Retrainer(MlflowClient client, Clock clock, PrintWriter console,
                     java.util.function.UnaryOperator<io.closecast.model.bundle.Servability.Budget> budget) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.console = Objects.requireNonNull(console, "console");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * What to retrain and how.
     *
     * @param config    a training config
     * @param prices    a directory holding {@code SYMBOL.csv}; empty: the config's {@code data.file}
     * @param force     retrain even when production saw the newest day already
     * @param trigger   what started it: {@code manual}, {@code schedule}, {@code alert:NAME}
     * @param policy    the gate's thresholds
     * @param objective the gate's objective; empty: each config's {@code promotion.objective}
     * @param lease     the lock's lease (renewed while the retrain runs)
     * @param settle    how long the lock waits before reading its write back
     * @param fetch     Yahoo's chart API base URL: first fill the price file with the missing days up to today, as
     *                  {@code closecast data fetch} does; empty: read the file as it is
     */
    public record Request(Path config, Optional<Path> prices, boolean force, String trigger, Gate.Policy policy,
                          Optional<PromotionObjective> objective, Duration lease, Duration settle,
                          Optional<java.net.URI> fetch) {
        public Request {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(objective, "objective");
            Objects.requireNonNull(prices, "prices");
            Objects.requireNonNull(fetch, "fetch");
            Objects.requireNonNull(policy, "policy");
            if (trigger == null || trigger.isBlank()) {
                throw new PipelineException("--trigger must name what started the retrain, found '" + trigger + "'");
            }
        }

        /** A request whose gate judges each config on its own {@code promotion.objective}. */
        public Request(Path config, Optional<Path> prices, boolean force, String trigger, Gate.Policy policy,
                       Duration lease, Duration settle, Optional<java.net.URI> fetch) {
            this(config, prices, force, trigger, policy, Optional.empty(), lease, settle, fetch);
        }
    }

    /** The gate's policy for {@code config}'s candidate: the request's thresholds, its objective or else the config's. */
    static Gate.Policy policy(Request request, TrainConfig config) {
        return request.policy().withObjective(request.objective().orElse(config.tracking().objective()));
    }

    /** What a retrain decided. */
    public enum Status { UP_TO_DATE, ALREADY_RETRAINED, LOCKED, PROMOTED, REFUSED }

    /**
     * What {@link #run} did.
     *
     * @param model     the registered model
     * @param dataDay   the last day of the prices
     * @param dataRange the prices' days, {@code FROM..TO}
     * @param status    the decision
     * @param reason    why, in words
     * @param version   the version registered (or found registered for the day)
     * @param runId     the retrain run, when one was logged
     * @param verdict   the promotion's verdict, when the candidate went through it
     */
    public record Outcome(String model, String symbol, LocalDate dataDay, String dataRange, String trigger, Status status,
                          String reason, Optional<Integer> version, Optional<String> runId,
                          Optional<Promotion.Verdict> verdict) {
    }

    /** {@link #runAll} of a config of one symbol: its one outcome. */
    public Outcome run(Request request) {
        List<Outcome> outcomes = runAll(request);
        if (outcomes.size() != 1) {
            throw new PipelineException(request.config() + " is a fleet of " + outcomes.size() + " symbols: use runAll");
        }
        return outcomes.getFirst();
    }

    /**
     * Retrains a training config, or a sweep config (a sweep instead of one training: its best trial registered), or a
     * fleet file (each symbol in turn, each with its own lock and decision).
     */
    public List<Outcome> runAll(Request request) {
        YamlConfig yaml = YamlConfig.load(request.config());
        Path root = ProjectRoot.of(request.config());
        if (yaml.root().has("sweep")) {
            return SweepFile.readAll(request.config(), root).stream()
                    .map(sweep -> runOne(request, sweep.yaml(), sweep.base(), Optional.of(sweep))).toList();
        }
        return List.of(runOne(request, yaml, TrainConfig.read(yaml, root), Optional.empty()));
    }

    private Outcome runOne(Request request, YamlConfig yaml, TrainConfig base, Optional<SweepFile> sweep) {
        String symbol = base.data().symbol();
        Path file = request.prices().map(dir -> dir.resolve(symbol + ".csv")).orElse(base.data().file()).toAbsolutePath();
        if (request.fetch().isPresent()) {
            fetch(request.fetch().get(), file, symbol, base.data().from().orElse(LocalDate.now(clock).minusYears(10)));
        }
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("no prices for " + symbol + ": " + file + " does not exist"
                    + (request.prices().isPresent() ? " (--prices " + request.prices().get() + ")" : " (data.file of " + request.config() + ")"));
        }
        PriceSeries series = PriceCsv.read(file);
        if (series.isEmpty()) {
            throw new PipelineException("no prices for " + symbol + ": " + file + " holds no rows");
        }
        LocalDate day = series.lastDate();
        String range = series.firstDate() + ".." + day;
        String model = base.tracking().registeredModel();
        Optional<ModelVersion> production = client.registry().findModelVersionByAlias(model, Promotion.DEFAULT_ALIAS);
        Optional<LocalDate> seen = production.flatMap(this::dataDay);
        if (!request.force() && seen.isPresent() && !day.isAfter(seen.get())) {
            return new Outcome(model, symbol, day, range, request.trigger(), Status.UP_TO_DATE, String.format(Locale.ROOT,
                    "up to date: production (version %d) was trained on data to %s; the newest price of %s is %s",
                    production.get().version(), seen.get(), symbol, day), production.map(ModelVersion::version),
                    Optional.empty(), Optional.empty());
        }
        client.registry().createRegisteredModel(model, "closecast LSTM forecasts of " + symbol + " closing prices;"
                + " versions carry their test metrics beside the naive forecast as tags.");
        String owner = RetrainLock.newOwner();
        Optional<RetrainLock> lock = RetrainLock.tryAcquire(client, model, owner, request.lease(), request.settle(), clock);
        if (lock.isEmpty()) {
            String holder = RetrainLock.heldByOther(client, model, owner, clock)
                    .map(h -> h.owner() + " until " + h.until()).orElse("another retrain");
            return new Outcome(model, symbol, day, range, request.trigger(), Status.LOCKED,
                    "locked: " + holder + " is retraining " + model, Optional.empty(), Optional.empty(), Optional.empty());
        }
        try (RetrainLock held = lock.get()) {
            endStaleRuns(RunMetadata.experiment(client, base).id(), model, owner);
            Optional<ModelVersion> done = request.force() ? Optional.empty() : retrainedFor(model, day);
            if (done.isPresent()) {
                return new Outcome(model, symbol, day, range, request.trigger(), Status.ALREADY_RETRAINED,
                        "already retrained: version " + done.get().version() + " was registered for data to " + day,
                        Optional.of(done.get().version()), Optional.empty(), Optional.empty());
            }
            YamlConfig newest = yaml.withOverride("data.file", file.toString()).withOverride("data.to", day.toString());
            TrainConfig config = TrainConfig.read(newest, ProjectRoot.of(request.config()));
            return retrain(request, config, sweep.map(s -> new SweepFile(s.path(), s.text(), newest, config, s.spec())),
                    file, day, range);
        }
    }

    private Outcome retrain(Request request, TrainConfig config, Optional<SweepFile> sweep, Path file, LocalDate day,
                            String range) {
        long start = System.nanoTime();
        String model = config.tracking().registeredModel();
        String experiment = RunMetadata.experiment(client, config).id();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.RUN_TYPE, "retrain");
        tags.put(ClosecastTags.REGISTERED_MODEL, model);
        tags.put(ClosecastTags.SYMBOL, config.data().symbol());
        tags.put(ClosecastTags.RETRAIN_DATA_DAY, day.toString());
        tags.put(ClosecastTags.RETRAIN_DATA_RANGE, range);
        tags.put(ClosecastTags.RETRAIN_TRIGGER, request.trigger());
        tags.put(RunMetadata.USER, RunMetadata.user());
        String runId = client.createRun(RunSpec.builder(experiment, "retrain-" + TrainConfig.slug(config.data().symbol())
                + "-" + day).tags(tags).build()).info().runId();
        Path work = null;
        try {
            work = Files.createTempDirectory("closecast-retrain");
            Map<String, String> versionTags = new LinkedHashMap<>();
            versionTags.put(ClosecastTags.RETRAIN_DATA_DAY, day.toString());
            versionTags.put(ClosecastTags.RETRAIN_DATA_RANGE, range);
            versionTags.put(ClosecastTags.RETRAIN_TRIGGER, request.trigger());
            versionTags.put(ClosecastTags.RETRAIN_RUN_ID, runId);
            ModelVersion version = sweep.isPresent()
                    ? sweep(sweep.get(), versionTags, work)
                    : train(request, config, experiment, runId, versionTags, range, work);
            console.printf(Locale.ROOT, "registered %s version %d; servability check and gate next%n", model, version.version());
            console.flush();
            Promotion.Verdict verdict = new Promotion(client, clock, RunMetadata.user(), budget.apply(config.tracking().servability())).promote(
                    new Promotion.Request(model, version.version(), Promotion.DEFAULT_ALIAS, policy(request, config), Optional.empty()),
                    new RegistryEvaluator(client, file.getParent(), Optional.of(file), work.resolve("gate")));
            Status status = verdict.moved() ? Status.PROMOTED : Status.REFUSED;
            String decision = status.name().toLowerCase(Locale.ROOT);
            client.registry().setModelVersionTag(model, version.version(), ClosecastTags.RETRAIN_VERDICT, decision);
            client.setTags(runId, Map.of(ClosecastTags.RETRAIN_VERDICT, decision,
                    ClosecastTags.RETRAIN_REASON, abbreviate(verdict.reason()),
                    ClosecastTags.REGISTERED_VERSION, model + "/" + version.version()));
            client.logMetrics(runId, List.of(Metric.create("retrain_seconds", (System.nanoTime() - start) / 1e9),
                    Metric.create("retrain_version", version.version())));
            client.setTerminated(runId, RunStatus.FINISHED);
            return new Outcome(model, config.data().symbol(), day, range, request.trigger(), status, verdict.reason(),
                    Optional.of(version.version()), Optional.of(runId), Optional.of(verdict));
        } catch (RuntimeException | java.io.IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            try {
                client.setTags(runId, Map.of(ClosecastTags.RETRAIN_VERDICT, "failed",
                        ClosecastTags.FAILURE_REASON, abbreviate(reason)));
                client.setTerminated(runId, RunStatus.FAILED);
            } catch (RuntimeException ignored) {
                // the retrain's own failure is what the caller needs to see
            }
            throw e instanceof PipelineException p ? p : new PipelineException("retrain of " + model + " failed: " + reason, e);
        } finally {
            if (work != null) {
                try {
                    io.closecast.pipeline.WorkDirs.delete(work);
                } catch (java.io.IOException ignored) {
                    // a leftover temporary directory
                }
            }
        }
    }

    /** One training on the newest days, registered with {@code versionTags}. */
    private ModelVersion train(Request request, TrainConfig config, String experiment, String runId,
                               Map<String, String> versionTags, String range, Path work) throws java.io.IOException {
        TrainingJob job = new TrainingJob(client, clock, console);
        TrainingJob.Result trained = job.run(config, experiment, new TrainingJob.Options("retrain-train-"
                + TrainConfig.slug(config.data().symbol()) + "-" + versionTags.get(ClosecastTags.RETRAIN_DATA_DAY),
                Optional.empty(), Map.of(ClosecastTags.RETRAIN_RUN_ID, runId, ClosecastTags.RETRAIN_TRIGGER,
                request.trigger()), TrainingJob.EpochHook.none(), work, Files.readString(request.config())));
        if (trained.outcome() != TrainingJob.Outcome.FINISHED) {
            throw new PipelineException("training failed: " + trained.reason() + " (run " + trained.runId() + ")");
        }
        return Registrar.register(client, console, config, trained.runId(), versionTags,
                "Retrained (" + request.trigger() + ") by run " + runId + " on " + config.data().symbol() + " " + range,
                work.resolve("register"));
    }

    /** A sweep on the newest days; its best trial registered, then tagged with {@code versionTags}. */
    private ModelVersion sweep(SweepFile sweep, Map<String, String> versionTags, Path work) {
        SweepRunner.Summary summary = new SweepRunner(client, clock, console).run(sweep,
                new SweepRunner.Options(Optional.empty(), Optional.empty(), true, work.resolve("sweep")));
        ModelVersion version = summary.registered().orElseThrow(() -> new PipelineException("the sweep "
                + summary.sweepId() + " (parent run " + summary.parentRunId() + ") registered no version: no trial finished"));
        versionTags.forEach((k, v) -> client.registry().setModelVersionTag(version.name(), version.version(), k, v));
        return version;
    }

    /** Fills {@code file} (a {@link PriceCache} file, {@code DIR/SYMBOL.csv}) from Yahoo with the days it lacks up to today. */
    private void fetch(java.net.URI baseUrl, Path file, String symbol, LocalDate from) {
        if (!file.getFileName().toString().equals(symbol + ".csv")) {
            throw new PipelineException("--fetch fills <DIR>/" + symbol + ".csv, found the price file " + file
                    + " (give --prices DIR)");
        }
        PriceCache.FetchResult r = PriceCache.create(file.getParent(), clock).fetch(
                YahooChartClient.create(YahooConfig.defaults().withBaseUrl(baseUrl)), symbol, from, LocalDate.now(clock));
        console.printf(Locale.ROOT, "%s: %s; %d new row(s) from %s%n", symbol, r.note(), r.addedBars(), baseUrl);
        console.flush();
    }

    /** The last day of the data a version was trained on: its retrain tag, its refit's last day, or its test period's. */
    private Optional<LocalDate> dataDay(ModelVersion version) {
        Optional<String> text = version.tag(ClosecastTags.RETRAIN_DATA_DAY).or(() -> version.tag(ClosecastTags.TRAINED_TO));
        if (text.isEmpty() && version.runId().isPresent()) {
            text = client.getRun(version.runId().get()).tag(ClosecastTags.DATA_TEST_RANGE)
                    .filter(r -> r.contains("..")).map(r -> r.substring(r.indexOf("..") + 2));
        }
        try {
            return text.map(String::strip).map(LocalDate::parse);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Retrain runs of {@code model} still RUNNING when this process takes the lock are left by a retrain killed outright
     * (its lease expired, so it no longer runs): each is ended KILLED with {@link ClosecastTags#STOP_REASON} saying so,
     * and so is its training run still RUNNING.
     */
    private void endStaleRuns(String experiment, String model, String owner) {
        String running = " and attributes.status = 'RUNNING'";
        List<io.closecast.mlflow.entities.Run> stale = client.searchAllRuns(io.closecast.mlflow.entities.RunSearch
                .builder(experiment).filter("tags.`" + ClosecastTags.RUN_TYPE + "` = 'retrain' and tags.`"
                        + ClosecastTags.REGISTERED_MODEL + "` = '" + model.replace("'", "\\'") + "'" + running).build());
        for (io.closecast.mlflow.entities.Run run : stale) {
            String reason = "killed: its retrain stopped without ending the run (killed outright); the lock's lease"
                    + " expired and " + owner + " took it over";
            List<io.closecast.mlflow.entities.Run> children = client.searchAllRuns(io.closecast.mlflow.entities.RunSearch
                    .builder(experiment).filter("tags.`" + ClosecastTags.RETRAIN_RUN_ID + "` = '" + run.id() + "'"
                            + running).build());
            for (io.closecast.mlflow.entities.Run child : children) {
                client.setTags(child.id(), Map.of(ClosecastTags.STOP_REASON, reason));
                client.setTerminated(child.id(), RunStatus.KILLED);
            }
            client.setTags(run.id(), Map.of(ClosecastTags.STOP_REASON, reason, ClosecastTags.RETRAIN_VERDICT, "killed"));
            client.setTerminated(run.id(), RunStatus.KILLED);
            console.printf(Locale.ROOT, "ended the stale retrain run %s of %s (and %d training run(s)) as KILLED%n",
                    run.id(), model, children.size());
            console.flush();
        }
    }

    /**
     * When the retrains of {@code config}'s models (each symbol of a fleet or sweep file) last ended without failing as
     * MLflow records them, whoever ran them: their newest FINISHED retrain run's end; for several models the stalest
     * one's. Empty when a model has none yet (or its experiment does not exist).
     */
    public Optional<java.time.Instant> lastFinished(Path config) {
        YamlConfig yaml = YamlConfig.load(config);
        Path root = ProjectRoot.of(config);
        List<TrainConfig> bases = yaml.root().has("sweep")
                ? SweepFile.readAll(config, root).stream().map(SweepFile::base).toList()
                : List.of(TrainConfig.read(yaml, root));
        Optional<java.time.Instant> stalest = Optional.empty();
        for (TrainConfig base : bases) {
            Optional<java.time.Instant> last = client.findExperimentByName(base.tracking().experiment())
                    .flatMap(e -> client.searchRuns(io.closecast.mlflow.entities.RunSearch.builder(e.id())
                            .filter("tags.`" + ClosecastTags.RUN_TYPE + "` = 'retrain' and tags.`"
                                    + ClosecastTags.REGISTERED_MODEL + "` = '"
                                    + base.tracking().registeredModel().replace("'", "\\'")
                                    + "' and attributes.status = 'FINISHED'")
                            .orderBy("attributes.end_time DESC").maxResults(1).build()).items().stream().findFirst())
                    .flatMap(run -> run.info().endTime());
            if (last.isEmpty()) {
                return Optional.empty();
            }
            stalest = stalest.isEmpty() || last.get().isBefore(stalest.get()) ? last : stalest;
        }
        return stalest;
    }

    /** A version already registered by a retrain for data to {@code day}. */
    private Optional<ModelVersion> retrainedFor(String model, LocalDate day) {
        return client.registry().searchModelVersions("name = '" + model.replace("'", "\\'") + "'", List.of()).stream()
                .filter(v -> v.tag(ClosecastTags.RETRAIN_DATA_DAY).filter(day.toString()::equals).isPresent())
                .findFirst();
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
