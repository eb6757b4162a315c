package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.sweep.pruning.MedianPruner;
import io.closecast.pipeline.sweep.search.ParamDomain;
import io.closecast.pipeline.sweep.search.SearchMethod;
import io.closecast.pipeline.sweep.search.SearchSpace;
import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.sweep.spi.SparkSettings;

import io.closecast.model.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The {@code sweep:} section of a sweep file: what to optimise, how to search, how many trials, how many
 * at once, pruning, limits, and the parameter space over any config key.
 */
public record SweepSpec(String metric, Goal goal, Method method, SearchSpace space, int trials, int parallel,
                        long seed, Optional<Pruning> pruning, Optional<Duration> trialTimeLimit, Register register,
                        Executor executor, SparkSettings spark) {

    public enum Goal { MINIMIZE, MAXIMIZE }

    public enum Method { GRID, RANDOM, TPE }

    /** Which trial becomes a model version with {@code --register}. */
    public enum Register { BEST, NONE }

    /** Median stopping settings. */
    public record Pruning(int warmupEpochs, int minTrials) {
        public MedianPruner pruner() {
            return new MedianPruner(warmupEpochs, minTrials);
        }
    }

    public SweepSpec {
        if (metric.isBlank()) {
            throw new IllegalArgumentException("sweep.metric must name a metric");
        }
    }

    /** This sweep run on Spark with the master {@code url} (the command line's {@code --spark}). */
    public SweepSpec onSpark(String url) {
        return new SweepSpec(metric, goal, method, space, trials, parallel, seed, pruning, trialTimeLimit, register,
                Executor.SPARK, spark.withMaster(url));
    }

    /** The search method for this sweep, seeded with the sweep seed. */
    public SearchMethod searchMethod() {
        return switch (method) {
            case GRID -> SearchMethod.Grid.create(space);
            case RANDOM -> new SearchMethod.Random(space, seed);
            case TPE -> SearchMethod.Tpe.create(space, seed);
        };
    }

    /** A metric value oriented so that lower is better. */
    public double loss(double value) {
        return goal == Goal.MINIMIZE ? value : -value;
    }

    /** Reads the {@code sweep} section of a sweep file. */
    public static SweepSpec read(ConfigSection root) {
        ConfigSection sweep = root.section("sweep");
        if (sweep.keys().isEmpty()) {
            throw new ConfigException("a sweep file needs a sweep: section with metric, method and space");
        }
        String metric = sweep.string("metric", "val_loss");
        Goal goal = sweep.choice("goal", Goal.class, Goal.MINIMIZE);
        Method method = sweep.choice("method", Method.class, Method.TPE);
        SearchSpace space = readSpace(sweep);
        int trials = sweep.integer("trials", method == Method.GRID ? Integer.MAX_VALUE : 10, n -> n >= 1, ">= 1");
        if (method == Method.GRID) {
            try {
                trials = Math.min(trials, space.grid().size());
            } catch (IllegalArgumentException e) {
                throw sweep.error("method", "grid needs lists or integer ranges in sweep.space (" + e.getMessage() + ")", "grid");
            }
        }
        int parallel = sweep.integer("parallel", 1, n -> n >= 1 && n <= 64, "between 1 and 64");
        long seed = sweep.integer("seed", 42, n -> true, "a whole number");
        Optional<Pruning> pruning = Optional.empty();
        if (sweep.has("pruning")) {
            ConfigSection p = sweep.section("pruning");
            if (p.bool("enabled", true)) {
                pruning = Optional.of(new Pruning(p.integer("warmup-epochs", 3, n -> n >= 0, ">= 0"),
                        p.integer("min-trials", 3, n -> n >= 1, ">= 1")));
            }
            p.finish();
        }
        Optional<Duration> limit = sweep.string("trial-time-limit").map(text -> parseDuration(sweep, "trial-time-limit", text));
        Register register = sweep.choice("register", Register.class, Register.BEST);
        Executor executor = sweep.choice("executor", Executor.class, Executor.LOCAL);
        SparkSettings spark = SparkSettings.DEFAULT;
        if (sweep.has("spark")) {
            ConfigSection s = sweep.section("spark");
            Optional<String> master = s.string("master");
            if (master.isPresent() && !validMaster(master.get())) {
                throw s.error("master", "must be a Spark master URL: local, local[N], local[*], spark://HOST:PORT,"
                        + " k8s://https://HOST:PORT or yarn", master.get());
            }
            int taskCpus = s.integer("task-cpus", 1, n -> n >= 1 && n <= 256, "between 1 and 256");
            Optional<Integer> cores = s.has("cores")
                    ? Optional.of(s.integer("cores", 1, n -> n >= taskCpus && n <= 65536,
                            ">= sweep.spark.task-cpus (" + taskCpus + ")"))
                    : Optional.empty();
            s.finish();
            spark = new SparkSettings(master, cores, taskCpus);
        }
        if (executor == Executor.SPARK && spark.master().isEmpty()) {
            throw sweep.error("executor", "spark needs sweep.spark.master (or closecast sweep --spark URL)", "spark");
        }
        sweep.finish();
        return new SweepSpec(metric, goal, method, space, trials, parallel, seed, pruning, limit, register, executor,
                spark);
    }

    /** Whether {@code url} looks like a master URL Spark accepts (what Spark itself checks is the last word). */
    public static boolean validMaster(String url) {
        return url.matches("local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?") || url.matches("spark://[^\\s/]+(:[0-9]+)?(,[^\\s/]+(:[0-9]+)?)*")
                || url.matches("k8s://\\S+") || url.equals("yarn");
    }

    static Duration parseDuration(ConfigSection section, String key, String text) {
        return Durations.parse(text).orElseThrow(() -> section.error(key, "must be " + Durations.EXPECTED, text));
    }

    private static SearchSpace readSpace(ConfigSection sweep) {
        Node node = sweep.node("space").orElseThrow(
                () -> sweep.error("space", "is required: a mapping from config key to values or a range", "nothing"));
        if (!(node instanceof MappingNode mapping) || mapping.getValue().isEmpty()) {
            throw sweep.error("space", "must map config keys (like training.learning-rate) to values or ranges",
                    ConfigSection.describe(node));
        }
        Map<String, ParamDomain> params = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            String where = "sweep.space." + key;
            params.put(key, domain(where, tuple.getValueNode(), sweep));
        }
        return new SearchSpace(params);
    }

    private static ParamDomain domain(String where, Node node, ConfigSection sweep) {
        try {
            if (node instanceof SequenceNode sequence) {
                List<Object> values = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    values.add(value(item, where));
                }
                return new ParamDomain.Choice(values);
            }
            if (node instanceof MappingNode mapping) {
                Map<String, Node> parts = new LinkedHashMap<>();
                for (NodeTuple t : mapping.getValue()) {
                    parts.put(((ScalarNode) t.getKeyNode()).getValue(), t.getValueNode());
                }
                if (parts.containsKey("uniform")) {
                    double[] b = bounds(parts.get("uniform"), where + ".uniform");
                    return new ParamDomain.Uniform(b[0], b[1]);
                }
                if (parts.containsKey("log-uniform")) {
                    double[] b = bounds(parts.get("log-uniform"), where + ".log-uniform");
                    return new ParamDomain.LogUniform(b[0], b[1]);
                }
                if (parts.containsKey("int")) {
                    double[] b = bounds(parts.get("int"), where + ".int");
                    int step = parts.containsKey("step") ? (int) number(parts.get("step"), where + ".step") : 1;
                    return new ParamDomain.IntRange((int) b[0], (int) b[1], step);
                }
                throw new ConfigException(where + " must be a list of values, or one of {uniform: [low, high]}, "
                        + "{log-uniform: [low, high]}, {int: [low, high], step: n}, found keys " + parts.keySet()
                        + " (" + line(node, sweep) + ")");
            }
            return new ParamDomain.Choice(List.of(value(node, where)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage() + " (" + line(node, sweep) + ")", e);
        }
    }

    private static double[] bounds(Node node, String where) {
        if (node instanceof SequenceNode s && s.getValue().size() == 2) {
            return new double[] {number(s.getValue().get(0), where), number(s.getValue().get(1), where)};
        }
        throw new IllegalArgumentException(where + " must be [low, high]");
    }

    private static double number(Node node, String where) {
        if (node instanceof ScalarNode s) {
            try {
                return Double.parseDouble(s.getValue());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " must be a number, found '" + s.getValue() + "'");
            }
        }
        throw new IllegalArgumentException(where + " must be a number, found " + ConfigSection.describe(node));
    }

    /** A YAML value as Integer, Double, Boolean, String, or a List of those. */
    static Object value(Node node, String where) {
        if (node instanceof SequenceNode sequence) {
            List<Object> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(value(item, where));
            }
            return List.copyOf(items);
        }
        if (node instanceof ScalarNode s) {
            String tag = s.getTag().getValue();
            String text = s.getValue();
            if (tag.endsWith(":int")) {
                return Integer.parseInt(text.replace("_", ""));
            }
            if (tag.endsWith(":float")) {
                return Double.parseDouble(text.replace("_", ""));
            }
            if (tag.endsWith(":bool")) {
                return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
            }
            if (s.isPlain()) {
                try {
                    return Double.parseDouble(text); // YAML 1.1 reads 1e-4 as text
                } catch (NumberFormatException notANumber) {
                    return text;
                }
            }
            return text;
        }
        throw new IllegalArgumentException(where + " values must be single values or lists, found a section");
    }

    private static String line(Node node, ConfigSection sweep) {
        return sweep.source() + " line " + (node.getStartMark() == null ? "?" : node.getStartMark().getLine() + 1);
    }
}
