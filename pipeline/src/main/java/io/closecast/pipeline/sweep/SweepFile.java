package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.sweep.search.ParamDomain;
import io.closecast.pipeline.sweep.search.SearchMethod;
import io.closecast.pipeline.tracking.Provenance;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep file read for one symbol: the base training config, the sweep section, the text and where it came from.
 * A fleet file ({@code data.symbols}) gives one per symbol ({@link #readAll}).
 */
public record SweepFile(Path path, String text, YamlConfig yaml, TrainConfig base, SweepSpec spec) {
    /** Reads a sweep file of one symbol (a fleet file of one symbol too). */
    public static SweepFile read(Path path, Path baseDir) {
        List<SweepFile> files = readAll(path, baseDir);
        if (files.size() != 1) {
            throw new ConfigException("sweep file " + path + " names a fleet of " + files.size() + " symbols "
                    + files.stream().map(SweepFile::symbol).toList() + " where one symbol was expected");
        }
        return files.getFirst();
    }

    /**
     * Reads a sweep file: one {@code SweepFile} per symbol of {@code data.symbols} (in their order), with
     * {@code data.symbol} and {@code data.file} set for each ({@code {symbol}} in {@code data.file}, by default
     * {@code data/{symbol}.csv}, is the symbol, in the {@code mlflow} names its slug), or the one of
     * {@code data.symbol}.
     */
    public static List<SweepFile> readAll(Path path, Path baseDir) {
        try {
            return parseAll(path, Files.readString(path), baseDir);
        } catch (IOException e) {
            throw new ConfigException("cannot read sweep file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The sweep of {@code symbol} in a sweep file's {@code text} as read from {@code path} (which need not exist here: a Spark executor). */
    public static SweepFile parse(Path path, String text, Path baseDir, String symbol) {
        List<SweepFile> files = parse(path, text, baseDir, Optional.of(symbol));
        if (files.isEmpty()) {
            throw new ConfigException("sweep file " + path + " has no symbol " + symbol + "; its symbols: "
                    + parseAll(path, text, baseDir).stream().map(SweepFile::symbol).toList());
        }
        return files.getFirst();
    }

    /** {@link #readAll} of a sweep file's {@code text} as read from {@code path}. */
    public static List<SweepFile> parseAll(Path path, String text, Path baseDir) {
        return parse(path, text, baseDir, Optional.empty());
    }

    /** The sweeps of the file's symbols, or of {@code only} (none when the file has no such symbol). */
    private static List<SweepFile> parse(Path path, String text, Path baseDir, Optional<String> only) {
        YamlConfig yaml = YamlConfig.parse(text, path.toString());
        ConfigSection data = yaml.root().section("data");
        if (!data.has("symbols")) {
            SweepFile file = of(path, text, yaml, baseDir);
            return only.isEmpty() || only.get().equals(file.symbol()) ? List.of(file) : List.of();
        }
        List<String> symbols = fleetSymbols(yaml.root());
        String file = data.string("file", TrainConfig.DEFAULT_FILE);
        List<SweepFile> files = new ArrayList<>();
        for (String symbol : symbols) {
            if (only.isPresent() && !only.get().equals(symbol)) {
                continue; // an executor binds its trial's symbol only
            }
            YamlConfig one = yaml.without("data.symbols").withOverride("data.symbol", symbol)
                    .withOverride("data.file", file.replace(TrainConfig.SYMBOL, symbol));
            files.add(of(path, text, one, baseDir));
        }
        return List.copyOf(files);
    }

    /** {@code data.symbols}: at least one, no repeats (nor two with one slug: they would share a model). */
    private static List<String> fleetSymbols(ConfigSection root) {
        ConfigSection data = root.section("data");
        if (data.has("symbol")) {
            throw data.error("symbol", "cannot be given beside data.symbols: list every symbol in data.symbols",
                    data.string("symbol").orElse(""));
        }
        List<String> symbols = data.strings("symbols", List.of());
        if (symbols.isEmpty()) {
            throw data.error("symbols", "must list at least one symbol", "[]");
        }
        Map<String, String> bySlug = new LinkedHashMap<>();
        for (String symbol : symbols) {
            if (symbol.isBlank() || TrainConfig.slug(symbol).isEmpty()) {
                throw data.error("symbols", "must list symbols with a letter or digit each (e.g. MSFT, PETR4.SA)",
                        "'" + symbol + "' in " + symbols);
            }
            String earlier = bySlug.putIfAbsent(TrainConfig.slug(symbol), symbol);
            if (earlier != null) {
                throw data.error("symbols", "must not repeat a symbol", earlier.equals(symbol)
                        ? symbol + " twice in " + symbols
                        : earlier + " and " + symbol + " (one model name, " + TrainConfig.slug(symbol) + ") in " + symbols);
            }
        }
        if (symbols.size() > 1) {
            if (data.has("file") && !data.string("file").orElse("").contains(TrainConfig.SYMBOL)) {
                throw data.error("file", "must contain " + TrainConfig.SYMBOL + " with several data.symbols (each"
                        + " symbol reads its own file, e.g. data/" + TrainConfig.SYMBOL + ".csv)",
                        data.string("file").orElse(""));
            }
            ConfigSection mlflow = root.section("mlflow");
            if (mlflow.has("registered-model")
                    && !mlflow.string("registered-model").orElse("").contains(TrainConfig.SYMBOL)) {
                throw mlflow.error("registered-model", "must contain " + TrainConfig.SYMBOL + " with several"
                        + " data.symbols (each symbol's best is its own model, e.g. closecast-" + TrainConfig.SYMBOL
                        + ")", mlflow.string("registered-model").orElse(""));
            }
        }
        return symbols;
    }

    private static SweepFile of(Path path, String text, YamlConfig yaml, Path baseDir) {
        ConfigSection root = yaml.root();
        for (String key : root.keys()) {
            if (!List.of("data", "model", "training", "evaluation", "intervals", "mlflow", "promotion", "sweep").contains(key)) {
                throw new ConfigException("unknown top-level key " + key + " in sweep file " + path
                        + "; known: data, model, training, evaluation, intervals, mlflow, promotion, sweep");
            }
        }
        TrainConfig base = TrainConfig.read(yaml, baseDir);
        SweepSpec spec = SweepSpec.read(root);
        // Every parameter of the space must be a config key with acceptable values: bind one trial per value kind.
        for (Map.Entry<String, ParamDomain> entry : spec.space().params().entrySet()) {
            Object sample = entry.getValue().sample(SearchMethod.trialRandom(spec.seed(), 0));
            TrainConfig.read(yaml.withOverride(entry.getKey(), sample), baseDir);
        }
        return new SweepFile(path, text, yaml, base, spec);
    }

    /** The symbol this file's trials forecast. */
    public String symbol() {
        return base.data().symbol();
    }

    /** The description of this sweep's parent run (of {@code trials} trials), as MLflow's UI shows it. */
    public String sweepNote(int trials) {
        return "Sweep of " + trials + " trials (" + ConfigSection.kebab(spec.method()) + " search, "
                + ConfigSection.kebab(spec.goal()) + " " + spec.metric() + ") over " + spec.space().params().keySet()
                + " on " + RunMetadata.forecast(base) + ", from config " + path.toAbsolutePath().normalize()
                + " (closecast sweep, closecast " + Provenance.closecast() + "). Each trial is a nested run.";
    }

    /** The description of trial {@code index}'s run under the parent {@code parentId}, with its {@code point}. */
    public String trialNote(int index, String parentId, Map<String, Object> point) {
        return "Trial " + index + " of the sweep in parent run " + parentId + " (config "
                + path.toAbsolutePath().normalize() + "): " + point + ".";
    }

    /** The same file with another sweep section (the command line's {@code --spark}). */
    public SweepFile withSpec(SweepSpec other) {
        return new SweepFile(path, text, yaml, base, other);
    }
}
