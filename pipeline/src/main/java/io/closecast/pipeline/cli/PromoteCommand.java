package io.closecast.pipeline.cli;

import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.live.TrackRecordClient;
import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.LiveGate;
import io.closecast.pipeline.registry.Promotion;
import io.closecast.pipeline.registry.RegistryEvaluator;
import io.closecast.pipeline.tracking.MlflowConnection;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import io.closecast.model.bundle.Servability;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast promote NAME --version V}: moves the alias through the gate. */
@Command(name = "promote",
        description = {"Move an alias (default production) to a model version, keeping the legacy stage Production in",
                "step. The gate forecasts every day out of sample for the candidate (its held-out test period and any",
                "later day of the price file) and refuses it with fewer than --days such days, with MASE >= --max-mase,",
                "or when the Diebold-Mariano test finds it worse than the production version (5 %, one-sided) on days",
                "out of sample for both; --require-significance also requires DM p < 0.05 against naive. Exit 1 when",
                "refused: the alias stays where it was. --force --reason overrides the gate and is recorded as forced.",
                "--live-evidence URL adds the service's live comparison of the version (its challenger in shadow) with",
                "production (docs/promotion.md)."})
public final class PromoteCommand implements Callable<Integer> {

    // Not mixinStandardHelpOptions: its -V/--version would clash with --version VERSION and picocli then drops the
    // mixin, so --help stopped at the missing NAME (exit 2). closecast --version prints closecast's version.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "NAME", description = "Registered model name.")
    String name;

    @Option(names = "--version", required = true, description = "Version to promote.")
    int version;

    @Option(names = "--alias", defaultValue = Promotion.DEFAULT_ALIAS, description = "Alias to move (default: ${DEFAULT-VALUE}).")
    String alias;

    @CommandLine.Mixin
    GateOptions gate;

    @Option(names = "--objective", defaultValue = "point", paramLabel = "point|interval",
            description = {"Gate: promote on the point forecast (MASE, DM vs naive; default) or on the next-day",
                    "intervals (Kupiec and Christoffersen at 5 % at every level, interval score below GARCH(1,1)'s)."})
    String objective;

    @Option(names = "--data", paramLabel = "FILE", description = "Gate: price CSV to evaluate on (default: <data-dir>/<symbol>.csv).")
    Path data;

    @Option(names = "--data-dir", defaultValue = "data", description = {"Where <SYMBOL>.csv files are (default: ${DEFAULT-VALUE}); a relative path resolves against the",
                    "project root (the closest directory at or above the current one holding data/ or configs/)."})
    Path dataDir;

    @Option(names = "--live-evidence", paramLabel = "URL", description = {"Gate: also judge the version on the live"
            + " track record of the closecast service at URL (API key from " + TrackRecordClient.API_KEY_ENV + "):",
            "it must be the service's challenger in shadow, scored on at least --live-min-days target days in common",
            "with production, and not significantly worse (point: Diebold-Mariano on absolute errors; interval: the",
            "Kupiec test of its live coverage)."})
    String liveEvidence;

    @Option(names = "--live-min-days", defaultValue = "" + LiveGate.Policy.DEFAULT_MIN_DAYS,
            description = "Gate with --live-evidence: common scored days needed at least (default: ${DEFAULT-VALUE}).")
    int liveMinDays;

    @Option(names = "--force", description = "Skip the gate (needs --reason).")
    boolean force;

    @Option(names = "--reason", description = "Why the gate is skipped; recorded on the version.")
    String reason;

    @Option(names = "--json", description = "Print the verdict as JSON.")
    boolean json;

    @CommandLine.Mixin
    ServabilityOptions servability;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (force && (reason == null || reason.isBlank())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--force needs --reason \"...\"");
        }
        if (!force && reason != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reason is only for --force");
        }
        if (liveEvidence == null && spec.commandLine().getParseResult().hasMatchedOption("--live-min-days")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--live-min-days is only for --live-evidence URL");
        }
        Servability.Budget budget = servability.budget(spec);
        Optional<LiveGate.Evidence> live = Optional.empty();
        if (liveEvidence != null) {
            new LiveGate.Policy(liveMinDays, Gate.Policy.DEFAULT.alpha(), PromotionObjective.POINT); // checks the minimum
            TrackRecordClient service = TrackRecordClient.fromEnvironment(liveEvidence);
            live = Optional.of(new LiveGate.Evidence(service.url(), liveMinDays, service.trackRecord(name)));
        }
        Path cache = Files.createTempDirectory("closecast-gate");
        try (MlflowClient client = MlflowConnection.connect()) {
            Promotion.Verdict verdict = new Promotion(client, Clock.systemUTC(), RunMetadata.user(), budget).promote(
                    new Promotion.Request(name, version, alias, gate.policy(PromotionObjective.parse(objective, "--objective")),
                            force ? Optional.of(reason) : Optional.empty()),
                    new RegistryEvaluator(client, ProjectRoot.ofDirectory(Path.of("")).resolve(dataDir).normalize(),
                            Optional.ofNullable(data).map(Path::toAbsolutePath), cache), live);
            CommandSupport.printVerdict(out, verdict, json);
            return verdict.decision() == Promotion.Decision.REFUSED ? Closecast.EXIT_FAILURE : 0;
        } finally {
            WorkDirs.delete(cache);
        }
    }
}
