package io.closecast.pipeline.cli;

import io.closecast.pipeline.registry.Gate;
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

    @Option(names = "--force", description = "Retrain even when production was trained on the newest day already.")
    boolean force;

    @Option(names = "--trigger", defaultValue = "manual", description = "What started this retrain, recorded on the run and the version (default: ${DEFAULT-VALUE}).")
    String trigger;

    @Option(names = "--max-mase", defaultValue = "1.0", description = "Gate: MASE must be below this (default: ${DEFAULT-VALUE}).")
    double maxMase;

    @Option(names = "--days", defaultValue = "" + Gate.Policy.DEFAULT_MIN_DAYS,
            description = "Gate: out-of-sample days needed at least (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--require-significance", description = "Gate: also require Diebold-Mariano p < 0.05 against naive.")
    boolean requireSignificance;

    @Option(names = "--lock-lease", defaultValue = "PT15M", description = "How long the retrain lock holds without renewal, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Gate.Policy policy = new Gate.Policy(maxMase, days, requireSignificance, Gate.Policy.DEFAULT.alpha());
        Retrainer.Request request = new Retrainer.Request(config.toAbsolutePath(),
                Optional.ofNullable(prices).map(Path::toAbsolutePath), force, trigger, policy, lease, Duration.ofSeconds(2));
        try (MlflowClient client = MlflowConnection.connect()) {
            Retrainer.Outcome outcome = new Retrainer(client, Clock.systemUTC(),
                    json ? new PrintWriter(java.io.Writer.nullWriter()) : out).run(request);
            print(out, outcome);
            return 0;
        }
    }

    private void print(PrintWriter out, Retrainer.Outcome outcome) {
        if (json) {
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
            CommandSupport.printJson(out, map);
            return;
        }
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
