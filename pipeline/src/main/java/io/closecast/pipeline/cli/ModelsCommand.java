package io.closecast.pipeline.cli;

import io.closecast.pipeline.live.TrackRecordClient;
import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.registry.Promotion;
import io.closecast.pipeline.tracking.MlflowConnection;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.registry.ModelUri;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast models list|show|compare}: the registry as tables (or JSON). */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List, show and compare registered model versions.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class, ModelsCommand.Compare.class})
public final class ModelsCommand {
    static final List<String> METRICS = List.of("test_mae", "test_rmse", "test_mape", "test_mase",
            "test_directional_accuracy", "test_majority_sign_accuracy", "test_up_share", "test_dm_abs_p_better",
            "test_dm_sq_p_better", "test_drift_mase");

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Registered models with their versions, aliases, legacy stage and key test metrics.")
    static final class ListVersions implements Callable<Integer> {
        @Option(names = "--name", description = "Only this registered model.")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (MlflowClient client = MlflowConnection.connect()) {
                String filter = name == null ? "" : "name = '" + name.replace("'", "\\'") + "'";
                List<ModelVersion> versions = new ArrayList<>();
                // search-model-versions answers without aliases: take them from each registered model.
                Map<String, Map<Integer, List<String>>> aliases = new TreeMap<>();
                for (ModelVersion v : client.registry().searchModelVersions(filter, List.of())) {
                    Map<Integer, List<String>> byVersion = aliases.computeIfAbsent(v.name(), n -> {
                        Map<Integer, List<String>> map = new TreeMap<>();
                        client.registry().getRegisteredModel(n).aliases().forEach((alias, version) ->
                                map.computeIfAbsent(version, k -> new ArrayList<>()).add(alias));
                        return map;
                    });
                    versions.add(new ModelVersion(v.name(), v.version(), v.created(), v.lastUpdated(), v.stage(),
                            v.description(), v.source(), v.runId(), v.status(), v.statusMessage(), v.tags(),
                            byVersion.getOrDefault(v.version(), v.aliases())));
                }
                versions.sort(Comparator.comparing(ModelVersion::name).thenComparing(ModelVersion::version,
                        Comparator.reverseOrder()));
                print(out, versions, json);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One version: NAME@alias, NAME/version, or NAME (its production version).")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME[@alias|/version]")
        String ref;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (MlflowClient client = MlflowConnection.connect()) {
                ModelVersion v = client.registry().getModelVersion(ModelUri.parseReference(ref, Promotion.DEFAULT_ALIAS));
                if (json) {
                    CommandSupport.printJson(out, asMap(v));
                } else {
                    out.printf(Locale.ROOT, "%s version %d  stage %s  aliases %s%n  run %s%n  source %s%n  %s%n",
                            v.name(), v.version(), v.stage().mlflowName(), v.aliases(), v.runId().orElse("-"), v.source(),
                            v.description());
                    new TreeMap<>(v.tags()).forEach((k, val) -> out.printf(Locale.ROOT, "  %-40s %s%n", k, val));
                    out.flush();
                }
            }
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Test metrics of versions side by side, with the naive forecast's on the same days; with",
                    "--live URL, the live track record of the production version and the challenger in shadow of the",
                    "closecast service at URL (API key from " + TrackRecordClient.API_KEY_ENV + ")."})
    static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", paramLabel = "VERSION", arity = "0..*")
        List<Integer> versions;

        @Option(names = "--live", paramLabel = "URL",
                description = "The live track record from the closecast service at URL instead of the registry's test metrics.")
        String live;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            boolean some = versions != null && !versions.isEmpty();
            if (live != null) {
                if (some) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--live compares the service's production"
                            + " version with its challenger in shadow: give no VERSION with it, found " + versions);
                }
                TrackRecordClient service = TrackRecordClient.fromEnvironment(live);
                LiveComparison.print(out, service.url(), service.trackRecord(name), json);
                return 0;
            }
            if (!some) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'VERSION'"
                        + " (one or more versions to compare, or --live URL)");
            }
            try (MlflowClient client = MlflowConnection.connect()) {
                List<ModelVersion> found = versions.stream().map(v -> client.registry().getModelVersion(name, v)).toList();
                if (json) {
                    CommandSupport.printJson(out, found.stream().map(ModelsCommand::asMap).toList());
                    return 0;
                }
                StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-28s", "metric"));
                found.forEach(v -> header.append(String.format(Locale.ROOT, " %14s %14s", "v" + v.version(), "naive")));
                out.println(header);
                for (String metric : METRICS) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", metric));
                    for (ModelVersion v : found) {
                        line.append(String.format(Locale.ROOT, " %14s %14s", v.tag(metric).orElse("-"),
                                v.tag("naive_" + metric).orElse("-")));
                    }
                    out.println(line);
                }
                StringBuilder extra = new StringBuilder(String.format(Locale.ROOT, "%-28s", "aliases / stage"));
                found.forEach(v -> extra.append(String.format(Locale.ROOT, " %29s", v.aliases() + " " + v.stage().mlflowName())));
                out.println(extra);
                out.flush();
            }
            return 0;
        }
    }

    static Map<String, Object> asMap(ModelVersion v) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", v.name());
        map.put("version", v.version());
        map.put("stage", v.stage().mlflowName());
        map.put("aliases", v.aliases());
        map.put("run_id", v.runId().orElse(null));
        map.put("source", v.source());
        map.put("metrics", metrics(v.tags()));
        map.put("tags", new TreeMap<>(v.tags()));
        return map;
    }

    /** The version's metric tags (test_*, naive_test_*, wf_*, *_mase, ...) as JSON numbers; tags stay text, as MLflow keeps them. */
    static Map<String, Double> metrics(Map<String, String> tags) {
        Map<String, Double> metrics = new TreeMap<>();
        tags.forEach((key, value) -> {
            String name = key.substring(key.lastIndexOf('.') + 1);
            if (name.startsWith("test_") || name.contains("_test_") || name.startsWith("wf_") || name.endsWith("_mase")
                    || name.endsWith("_mae") || key.startsWith(ClosecastTags.EVAL_PREFIX)
                    || key.startsWith(ClosecastTags.PROMOTION_PREFIX + "candidate_")
                    || key.startsWith(ClosecastTags.PROMOTION_PREFIX + "garch_candidate_")) {
                try {
                    double number = Double.parseDouble(value.trim());
                    if (Double.isFinite(number)) {
                        metrics.put(key, number);
                    }
                } catch (NumberFormatException notANumber) {
                    // a tag such as test_range: not a metric
                }
            }
        });
        return metrics;
    }

    private static void print(PrintWriter out, List<ModelVersion> versions, boolean json) {
        if (json) {
            CommandSupport.printJson(out, versions.stream().map(ModelsCommand::asMap).toList());
            return;
        }
        out.printf(Locale.ROOT, "%-28s %7s %-11s %-16s %10s %10s %10s %10s %9s %9s %10s %10s%n", "model", "version",
                "stage", "aliases", "test_mae", "naive_mae", "test_mase", "dm_p", "direction", "majority", "eval_mase",
                "gate");
        for (ModelVersion v : versions) {
            out.printf(Locale.ROOT, "%-28s %7d %-11s %-16s %10s %10s %10s %10s %9s %9s %10s %10s%n", v.name(), v.version(),
                    v.stage().mlflowName(), String.join(",", v.aliases()), v.tag("test_mae").orElse("-"),
                    v.tag("naive_test_mae").orElse("-"), v.tag("test_mase").orElse("-"),
                    v.tag("test_dm_abs_p_better").orElse("-"), v.tag("test_directional_accuracy").orElse("-"),
                    v.tag("test_majority_sign_accuracy").orElse("-"), v.tag(ClosecastTags.EVAL_MASE).orElse("-"),
                    v.tag(ClosecastTags.PROMOTION_VERDICT).orElse("-"));
            intervalLines(v.tags()).forEach(out::println);
        }
        if (versions.isEmpty()) {
            out.println("(no registered model versions)");
        }
        out.flush();
    }

    /** Where a version's interval numbers come from: its tags' prefix for the model's and for GARCH(1,1)'s. */
    private record IntervalSource(String label, String model, String garch) {
    }

    private static final List<IntervalSource> INTERVAL_SOURCES = List.of(
            new IntervalSource("test", "test_", "garch_test_"),
            new IntervalSource("evaluate", ClosecastTags.EVAL_PREFIX, ClosecastTags.EVAL_PREFIX + "garch_eval_"),
            new IntervalSource("gate", ClosecastTags.PROMOTION_PREFIX + "candidate_",
                    ClosecastTags.PROMOTION_PREFIX + "garch_candidate_"));

    /**
     * The interval verdict numbers a version's tags carry, one indented line per source (the training's test period,
     * the last {@code closecast evaluate}, the gate's out-of-sample days) that has them: per level the coverage, the
     * Kupiec and Christoffersen conditional-coverage p-values and the interval score beside GARCH(1,1)'s. None when
     * the version carries no interval tags.
     */
    static List<String> intervalLines(Map<String, String> tags) {
        List<String> lines = new ArrayList<>();
        for (IntervalSource source : INTERVAL_SOURCES) {
            List<String> levels = new ArrayList<>();
            for (String level : List.of("80", "95")) {
                String score = tags.get(source.model() + "interval_score_" + level);
                if (score == null) {
                    continue;
                }
                levels.add(String.format(Locale.ROOT, "%s%%: coverage %s Kupiec p %s cc p %s score %s vs GARCH %s", level,
                        percent(tags.get(source.model() + "coverage_" + level)),
                        shortNumber(tags.get(source.model() + "kupiec_p_" + level)),
                        shortNumber(tags.get(source.model() + "christoffersen_cc_p_" + level)), shortNumber(score),
                        shortNumber(tags.get(source.garch() + "interval_score_" + level))));
            }
            if (!levels.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "%9s intervals (%s) %s", "", source.label(), String.join(" | ", levels)));
            }
        }
        return lines;
    }

    private static String shortNumber(String tag) {
        if (tag == null) {
            return "-";
        }
        try {
            return String.format(Locale.ROOT, "%.4g", Double.parseDouble(tag.trim()));
        } catch (NumberFormatException notANumber) {
            return tag;
        }
    }

    private static String percent(String tag) {
        if (tag == null) {
            return "-";
        }
        try {
            return String.format(Locale.ROOT, "%.1f%%", 100 * Double.parseDouble(tag.trim()));
        } catch (NumberFormatException notANumber) {
            return tag;
        }
    }
}
