package io.closecast.pipeline.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One mapping of a {@link YamlConfig}, read key by key with typed getters. Every getter validates and,
 * on a bad value, throws a {@link ConfigException} naming the full key, the value, what was expected,
 * and the file and line. {@link #finish()} rejects keys that were never read (typos).
 */
public final class ConfigSection {
    private final String source;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> overridden;
    private final Node node;
    private final Map<String, String> resolved;

    ConfigSection(String source, String path, MappingNode node, Set<String> overridden, Map<String, String> resolved) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.overridden = overridden;
        this.resolved = resolved;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigException("keys must be plain names, found " + describe(tuple.getKeyNode())
                        + " (" + where(tuple.getKeyNode()) + ")");
            }
            NodeTuple earlier = entries.put(key.getValue(), tuple);
            if (earlier != null) {
                throw new ConfigException("duplicate key " + key(key.getValue()) + ": first at line "
                        + (earlier.getKeyNode().getStartMark().getLine() + 1) + " (" + where(key) + ")");
            }
        }
    }

    /** The file (or other source) this section was read from. */
    public String source() {
        return source;
    }

    /** The dotted path of this section ({@code model.lstm}); empty for the root. */
    public String path() {
        return path;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A nested section; an absent key gives an empty section (all defaults). */
    public ConfigSection section(String key) {
        read.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return new ConfigSection(source, key(key), new MappingNode(org.yaml.snakeyaml.nodes.Tag.MAP, true,
                    new ArrayList<>(), node.getStartMark(), node.getEndMark(), org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK),
                    overridden, resolved);
        }
        if (tuple.getValueNode() instanceof MappingNode mapping) {
            return new ConfigSection(source, key(key), mapping, overridden, resolved);
        }
        throw error(key, "must be a section (a mapping of keys)", describe(tuple.getValueNode()));
    }

    public Optional<String> string(String key) {
        return scalar(key).map(ScalarNode::getValue);
    }

    public String string(String key, String defaultValue) {
        return remember(key, string(key).orElse(defaultValue));
    }

    public String requiredString(String key) {
        return remember(key, string(key).filter(s -> !s.isBlank())
                .orElseThrow(() -> missing(key, "a non-empty text")));
    }

    /**
     * Every value read so far through this config's sections, defaults included, by full dotted key in
     * reading order: the resolved configuration, as logged to MLflow.
     */
    public Map<String, String> resolved() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }

    private <T> T remember(String key, T value) {
        resolved.put(key(key), value instanceof Enum<?> e ? kebab(e) : String.valueOf(value));
        return value;
    }

    public int integer(String key, int defaultValue, IntPredicate valid, String expectation) {
        Optional<ScalarNode> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return remember(key, defaultValue);
        }
        int value = parseInt(key, scalar.get());
        if (!valid.test(value)) {
            throw error(key, "must be " + expectation, scalar.get().getValue());
        }
        return remember(key, value);
    }

    public double number(String key, double defaultValue, DoublePredicate valid, String expectation) {
        Optional<ScalarNode> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return remember(key, defaultValue);
        }
        double value = parseDouble(key, scalar.get());
        if (!valid.test(value)) {
            throw error(key, "must be " + expectation, scalar.get().getValue());
        }
        return remember(key, value);
    }

    public Optional<Double> optionalNumber(String key, DoublePredicate valid, String expectation) {
        if (!has(key)) {
            read.add(key);
            return Optional.empty();
        }
        return Optional.of(number(key, 0, valid, expectation));
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<ScalarNode> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return remember(key, defaultValue);
        }
        return remember(key, switch (scalar.get().getValue().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "must be true or false", scalar.get().getValue());
        });
    }

    public Optional<LocalDate> date(String key) {
        return scalar(key).map(s -> {
            try {
                return remember(key, LocalDate.parse(s.getValue()));
            } catch (DateTimeParseException e) {
                throw error(key, "must be a date like 2014-01-31", s.getValue());
            }
        });
    }

    /** A kebab-case choice mapped onto an enum constant ({@code adj-close} -> {@code ADJ_CLOSE}). */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        Optional<ScalarNode> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return remember(key, defaultValue);
        }
        String text = scalar.get().getValue();
        for (E constant : type.getEnumConstants()) {
            if (kebab(constant).equals(text.toLowerCase(Locale.ROOT))) {
                return remember(key, constant);
            }
        }
        throw error(key, "must be one of " + Arrays.stream(type.getEnumConstants())
                .map(ConfigSection::kebab).collect(Collectors.joining(", ")), text);
    }

    public List<Integer> integers(String key, List<Integer> defaultValue, IntPredicate valid, String expectation) {
        Optional<List<ScalarNode>> items = scalars(key);
        if (items.isEmpty()) {
            return remember(key, defaultValue);
        }
        List<Integer> values = new ArrayList<>();
        for (ScalarNode item : items.get()) {
            int value = parseInt(key, item);
            if (!valid.test(value)) {
                throw error(key, "items must be " + expectation, item.getValue());
            }
            values.add(value);
        }
        return remember(key, List.copyOf(values));
    }

    public List<Double> numbers(String key, List<Double> defaultValue, DoublePredicate valid, String expectation) {
        Optional<List<ScalarNode>> items = scalars(key);
        if (items.isEmpty()) {
            return remember(key, defaultValue);
        }
        List<Double> values = new ArrayList<>();
        for (ScalarNode item : items.get()) {
            double value = parseDouble(key, item);
            if (!valid.test(value)) {
                throw error(key, "items must be " + expectation, item.getValue());
            }
            values.add(value);
        }
        return remember(key, List.copyOf(values));
    }

    public List<String> strings(String key, List<String> defaultValue) {
        return remember(key, scalars(key).map(items -> items.stream().map(ScalarNode::getValue).toList())
                .orElse(defaultValue));
    }

    /** The raw YAML node of a key (sweep spaces read lists and ranges themselves). */
    public Optional<Node> node(String key) {
        read.add(key);
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    /** Keys present in this section, in file order. */
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** Fails on any key of this section that no getter asked for. Call after reading the section. */
    public void finish() {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!read.contains(entry.getKey())) {
                List<String> known = new ArrayList<>(read);
                String hint = closest(entry.getKey(), known).map(k -> " (did you mean " + key(k) + "?)").orElse("");
                throw new ConfigException("unknown key " + key(entry.getKey()) + hint + "; known keys here: "
                        + String.join(", ", known) + " (" + where(entry.getValue().getKeyNode()) + ")");
            }
        }
    }

    /** An error about {@code key}: "KEY EXPECTATION, found VALUE (FILE line N)". */
    public ConfigException error(String key, String expectation, String found) {
        NodeTuple tuple = entries.get(key);
        Node at = tuple == null ? node : tuple.getValueNode();
        return new ConfigException(key(key) + " " + expectation + ", found " + found + " (" + where(at, key(key)) + ")");
    }

    private ConfigException missing(String key, String expectation) {
        return new ConfigException(key(key) + " is required: expected " + expectation + " (" + where(node) + ")");
    }

    private Optional<ScalarNode> scalar(String key) {
        read.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return Optional.empty();
        }
        if (tuple.getValueNode() instanceof ScalarNode scalar) {
            if (scalar.getTag().getValue().endsWith(":null")) {
                return Optional.empty();
            }
            return Optional.of(scalar);
        }
        throw error(key, "must be a single value", describe(tuple.getValueNode()));
    }

    private Optional<List<ScalarNode>> scalars(String key) {
        read.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return Optional.empty();
        }
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode scalar) {
            return Optional.of(List.of(scalar));
        }
        if (value instanceof SequenceNode sequence) {
            List<ScalarNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof ScalarNode scalar)) {
                    throw error(key, "must be a list of values", describe(item));
                }
                items.add(scalar);
            }
            return Optional.of(items);
        }
        throw error(key, "must be a list of values", describe(value));
    }

    private int parseInt(String key, ScalarNode scalar) {
        try {
            return Integer.parseInt(scalar.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, "must be a whole number", quote(scalar.getValue()));
        }
    }

    private double parseDouble(String key, ScalarNode scalar) {
        try {
            double value = Double.parseDouble(scalar.getValue().replace("_", ""));
            if (!Double.isFinite(value)) {
                throw error(key, "must be a finite number", scalar.getValue());
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(key, "must be a number", quote(scalar.getValue()));
        }
    }

    private String key(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String where(Node at) {
        return where(at, "");
    }

    private String where(Node at, String fullKey) {
        String line = at.getStartMark() == null ? "" : " line " + (at.getStartMark().getLine() + 1);
        if (overridden.contains(fullKey)) {
            return "set by a sweep override of " + source;
        }
        return source + line;
    }

    public static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return quote(scalar.getValue());
        }
        return node instanceof SequenceNode ? "a list" : "a section";
    }

    private static String quote(String text) {
        return "'" + text + "'";
    }

    public static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Optional<String> closest(String key, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
