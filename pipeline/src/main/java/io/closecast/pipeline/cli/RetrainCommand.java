package io.closecast.pipeline.cli;

import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.retrain.AlertReceiver;
import io.closecast.pipeline.retrain.RetrainSchedule;
import io.closecast.pipeline.retrain.Retrainer;
import io.closecast.pipeline.tracking.MlflowConnection;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast retrain CONFIG}: train on the newest prices and promote through the servability check and the gate. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Retrain a training config on the newest prices: nothing to do (exit 0) when production was",
                "trained on the newest day already (--force retrains anyway) or a retrain registered a version for it;",
                "else train, register, check the version is servable and send it through the gate (candidate and",
                "production on the same out-of-sample days); promoted only if both pass. One retrain per registered",
                "model at a time (a lock in MLflow). Exit 0 for every decision (promoted, refused, up to date, locked),",
                "1 when something failed."})
public final class RetrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Training config, e.g. configs/petr4.yaml.")
    Path config;

    @Option(names = "--prices", paramLabel = "DIR", description = "Directory holding <SYMBOL>.csv with the newest prices (default: the config's data.file).")
    Path prices;

    @Option(names = "--fetch", description = "First fill <DIR>/<SYMBOL>.csv with the missing days up to today from Yahoo's chart API, as data fetch does.")
    boolean fetch;

    @Option(names = "--base-url", defaultValue = "https://query1.finance.yahoo.com",
            description = "With --fetch: the chart API's base URL (default: ${DEFAULT-VALUE}).")
    java.net.URI baseUrl;

    @Option(names = "--force", description = "Retrain even when production was trained on the newest day already.")
    boolean force;

    @Option(names = "--trigger", defaultValue = "manual", description = "What started this retrain, recorded on the run and the version (default: ${DEFAULT-VALUE}).")
    String trigger;

    @CommandLine.Mixin
    GateOptions gate;

    @Option(names = "--objective", paramLabel = "point|interval",
            description = {"Gate: promote on the point forecast (MASE, DM vs naive) or on the next-day intervals",
                    "(Kupiec and Christoffersen at 5 % at every level, interval score below GARCH(1,1)'s); default: the",
                    "config's promotion.objective, else point."})
    String objective;

    @Option(names = "--lock-lease", defaultValue = "PT15M", description = "How long the retrain lock holds without renewal, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Option(names = "--every", paramLabel = "Nd", description = "Run until stopped: once at start (catching up a missed day), then every N days at --at in --zone (with --listen too: both).")
    String every;

    @Option(names = "--at", defaultValue = "22:30", description = "With --every: the local time of a run (default: ${DEFAULT-VALUE}).")
    java.time.LocalTime at;

    @Option(names = "--zone", defaultValue = "America/New_York", description = "With --every: the zone of --at (default: ${DEFAULT-VALUE}).")
    String zone;

    @Option(names = "--listen", paramLabel = "PORT", description = "Run until stopped as Alertmanager's webhook receiver on PORT (POST /alerts, bearer token from"
                    + " CLOSECAST_RETRAIN_TOKEN; GET /metrics).")
    Integer listen;

    @Option(names = "--alert", paramLabel = "NAME", split = ",", defaultValue = "CloseCastWorseThanNaive,CloseCastIntervalUndercoverage",
            description = "With --listen: the alerts that start a retrain (default: ${DEFAULT-VALUE}).")
    java.util.List<String> alertNames;

    @CommandLine.Mixin
    ServabilityOptions servability;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        servability.budget(spec); // a bad option fails before any retrain
        java.util.Optional<RetrainSchedule> schedule = every == null ? Optional.empty()
                : Optional.of(new RetrainSchedule(RetrainSchedule.parseEvery(every), at, zoneId()));
        if (listen != null) {
            try (AlertReceiver receiver = new AlertReceiver(listen, System.getenv("CLOSECAST_RETRAIN_TOKEN"),
                    java.util.Set.copyOf(alertNames), t -> worst(runOnce(out, t)), Clock.systemUTC(),
                    this::lastFinished).start()) {
                out.printf(Locale.ROOT, "retrain webhook receiver on :%d (POST /alerts, GET /metrics); retrains on %s%n",
                        receiver.port(), alertNames);
                out.flush();
                if (schedule.isPresent()) {
                    loop(out, schedule.get(), () -> receiver.runNow("schedule"));
                }
                new java.util.concurrent.CountDownLatch(1).await(); // until stopped
            }
        }
        if (schedule.isPresent()) {
            loop(out, schedule.get(), () -> runLogged(out, "schedule"));
        }
        print(out, runOnce(out, trigger));
        return 0;
    }

    /** Runs {@code once} at start (a missed day is caught up once: a retrain is idempotent), then on the schedule. */
    private static void loop(PrintWriter out, RetrainSchedule schedule, Runnable once) throws InterruptedException {
        for (;;) {
            once.run();
            java.time.Instant now = Clock.systemUTC().instant();
            out.printf(Locale.ROOT, "next retrain at %s%n", schedule.next(now).atZone(schedule.zone()));
            out.flush();
            Thread.sleep(Math.max(1, schedule.untilNext(now).toMillis()));
        }
    }

    /** What the receiver counts for a fleet's retrain: a refusal of any symbol, else the first symbol's decision. */
    private static Retrainer.Status worst(java.util.List<Retrainer.Outcome> outcomes) {
        return outcomes.stream().map(Retrainer.Outcome::status).filter(s -> s == Retrainer.Status.REFUSED).findFirst()
                .orElse(outcomes.getFirst().status());
    }

    private java.util.List<Retrainer.Outcome> runOnce(PrintWriter out, String trigger) {
        Gate.Policy policy = gate.policy(Gate.Policy.DEFAULT.objective());
        Retrainer.Request request = new Retrainer.Request(config.toAbsolutePath(),
                Optional.ofNullable(prices).map(Path::toAbsolutePath), force, trigger, policy,
                Optional.ofNullable(objective).map(o -> PromotionObjective.parse(o, "--objective")), lease, Duration.ofSeconds(2),
                fetch ? Optional.of(baseUrl) : Optional.empty());
        try (MlflowClient client = MlflowConnection.connect()) {
            return new Retrainer(client, Clock.systemUTC(), json ? new PrintWriter(java.io.Writer.nullWriter()) : out,
                    configured -> servability.budget(spec, configured))
                    .runAll(request);
        }
    }

    /** When a retrain of the config's models last ended without failing, as MLflow records it (any process's). */
    private Optional<java.time.Instant> lastFinished() {
        try (MlflowClient client = MlflowConnection.connect()) {
            return new Retrainer(client, Clock.systemUTC(), new PrintWriter(java.io.Writer.nullWriter()))
                    .lastFinished(config.toAbsolutePath());
        }
    }

    /** One scheduled run: its outcome printed, a failure printed and the loop going on. */
    private void runLogged(PrintWriter out, String trigger) {
        try {
            print(out, runOnce(out, trigger));
        } catch (RuntimeException e) {
            out.printf(Locale.ROOT, "retrain failed: %s%n", e.getMessage());
            out.flush();
        }
    }

    private java.time.ZoneId zoneId() {
        try {
            return java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--zone must be a zone id like America/New_York,"
                    + " found '" + zone + "'");
        }
    }

    /** One outcome as a JSON object; a fleet's as {@code {"outcomes": [...]}}; else lines for people. */
    private void print(PrintWriter out, java.util.List<Retrainer.Outcome> outcomes) {
        if (json) {
            CommandSupport.printJson(out, outcomes.size() == 1 ? map(outcomes.getFirst())
                    : Map.of("outcomes", outcomes.stream().map(RetrainCommand::map).toList()));
            return;
        }
        outcomes.forEach(o -> print(out, o));
    }

    private static Map<String, Object> map(Retrainer.Outcome outcome) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("model", outcome.model());
        map.put("symbol", outcome.symbol());
        map.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        map.put("reason", outcome.reason());
        map.put("data_day", outcome.dataDay().toString());
        map.put("data_range", outcome.dataRange());
        map.put("trigger", outcome.trigger());
        map.put("version", outcome.version().orElse(null));
        map.put("run_id", outcome.runId().orElse(null));
        outcome.verdict().ifPresent(v -> {
            map.put("decision", v.decision().name().toLowerCase(Locale.ROOT));
            map.put("previous_version", v.previousVersion().orElse(null));
            v.candidate().ifPresent(c -> map.put("candidate_mase", c.step().mase()));
            v.comparison().ifPresent(c -> map.put("production_mase", c.productionMase()));
        });
        return map;
    }

    private static void print(PrintWriter out, Retrainer.Outcome outcome) {
        out.printf(Locale.ROOT, "%s (%s, prices %s, trigger %s): %s%n", outcome.model(), outcome.symbol(),
                outcome.dataRange(), outcome.trigger(), outcome.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        outcome.verdict().ifPresent(v -> CommandSupport.printVerdict(out, v, false));
        if (outcome.verdict().isEmpty()) {
            out.printf(Locale.ROOT, "  %s%n", outcome.reason());
        }
        outcome.runId().ifPresent(id -> out.printf(Locale.ROOT, "  retrain run %s%n", id));
        out.flush();
    }
}
