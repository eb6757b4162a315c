package io.closecast.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast promote NAME --version V}: moves the alias through the gate. */
@Command(name = "promote",
        description = {"Move an alias (default production) to a model version, keeping the legacy stage Production in",
                "step. The gate evaluates the candidate and the current production version fresh on the same recent",
                "days; the candidate must beat naive (MASE < --max-mase) and not be worse than production by more than",
                "--margin. Exit 1 when refused. --force --reason overrides the gate and is recorded as forced."})
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

    @Option(names = "--max-mase", defaultValue = "1.0", description = "Gate: MASE must be below this (default: ${DEFAULT-VALUE}).")
    double maxMase;

    @Option(names = "--margin", defaultValue = "0.05",
            description = "Gate: may be worse than production's MASE by at most this fraction (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--days", defaultValue = "60", description = "Gate: most recent trading days to evaluate on (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--data-dir", defaultValue = "data", description = {"Where <SYMBOL>.csv files are (default: ${DEFAULT-VALUE}); a relative path resolves against the",
                    "project root (the closest directory at or above the current one holding data/ or configs/)."})
    Path dataDir;

    @Option(names = "--force", description = "Skip the gate (needs --reason).")
    boolean force;

    @Option(names = "--reason", description = "Why the gate is skipped; recorded on the version.")
    String reason;

    @Option(names = "--json", description = "Print the verdict as JSON.")
    boolean json;

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
        Path cache = Files.createTempDirectory("closecast-gate");
        try (MlflowClient client = Mlflow.connect()) {
            Promotion.Verdict verdict = new Promotion(client, Clock.systemUTC(), Commands.user()).promote(
                    new Promotion.Request(name, version, alias, new Promotion.GatePolicy(maxMase, margin),
                            force ? Optional.of(reason) : Optional.empty()),
                    new RegistryEvaluator(client, ProjectRoot.ofDirectory(Path.of("")).resolve(dataDir).normalize(), days, cache));
            Commands.printVerdict(out, verdict, json);
            return verdict.decision() == Promotion.Decision.REFUSED ? Closecast.EXIT_FAILURE : 0;
        } finally {
            WorkDirs.delete(cache);
        }
    }
}
