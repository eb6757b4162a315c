package io.closecast.pipeline.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.DumperOptions;

/**
 * A YAML configuration document that keeps line numbers, so that every error can say where it is.
 * Read it through {@link #root()}; {@link ConfigSection#finish()} reports keys nobody asked for.
 * {@link #withOverride(String, Object)} replaces one value by its dotted key (sweeps use it), keeping
 * the line of the value it replaces and noting the override in error messages.
 */
public final class YamlConfig {
    private final String source;
    private final MappingNode root;
    private final Set<String> overridden;

    private YamlConfig(String source, MappingNode root, Set<String> overridden) {
        this.source = source;
        this.root = root;
        this.overridden = Set.copyOf(overridden);
    }

    /** Reads a YAML file; {@code source} in messages is the path as given. */
    public static YamlConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses YAML text; {@code source} names it in error messages. */
    public static YamlConfig parse(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Node node;
        try {
            node = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException("not valid YAML: " + e.getProblem() + " (" + source + " line " + line + ")", e);
        } catch (YAMLException e) {
            throw new ConfigException("not valid YAML: " + e.getMessage() + " (" + source + ")", e);
        }
        if (node == null) {
            throw new ConfigException("the config is empty: expected a mapping with data, model, training ... ("
                    + source + ")");
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException("a config file must be a mapping of keys to values, found "
                    + ConfigSection.describe(node) + " (" + source + " line " + (node.getStartMark().getLine() + 1) + ")");
        }
        return new YamlConfig(source, mapping, Set.of());
    }

    /** Where this config came from, as used in messages. */
    public String source() {
        return source;
    }

    /** The top-level section. Each call starts a fresh record of which keys were read. */
    public ConfigSection root() {
        return new ConfigSection(source, "", root, overridden, new java.util.LinkedHashMap<>());
    }

    /**
     * A copy with the value at {@code dottedKey} (e.g. {@code training.learning-rate}) replaced by
     * {@code value} (a String, Number, Boolean or List of those). Missing sections are created.
     */
    public YamlConfig withOverride(String dottedKey, Object value) {
        MappingNode copy = (MappingNode) deepCopy(root);
        String[] parts = dottedKey.split("\\.");
        MappingNode current = copy;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            NodeTuple found = null;
            for (NodeTuple tuple : current.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(part)) {
                    found = tuple;
                }
            }
            if (last) {
                Node valueNode = toNode(value, found == null ? current : found.getValueNode());
                NodeTuple replacement = new NodeTuple(scalar(part, current), valueNode);
                if (found == null) {
                    current.getValue().add(replacement);
                } else {
                    current.getValue().set(current.getValue().indexOf(found), replacement);
                }
            } else if (found == null) {
                MappingNode child = new MappingNode(Tag.MAP, true, new ArrayList<>(), current.getStartMark(),
                        current.getEndMark(), DumperOptions.FlowStyle.BLOCK);
                current.getValue().add(new NodeTuple(scalar(part, current), child));
                current = child;
            } else if (found.getValueNode() instanceof MappingNode child) {
                current = child;
            } else {
                throw new ConfigException("cannot override " + dottedKey + ": " + part + " is "
                        + ConfigSection.describe(found.getValueNode()) + ", not a section ("
                        + source + " line " + (found.getValueNode().getStartMark().getLine() + 1) + ")");
            }
        }
        Set<String> keys = new HashSet<>(overridden);
        keys.add(dottedKey);
        return new YamlConfig(source, copy, keys);
    }

    /** A copy without the value at {@code dottedKey} (nothing changes when it is absent). */
    public YamlConfig without(String dottedKey) {
        MappingNode copy = (MappingNode) deepCopy(root);
        String[] parts = dottedKey.split("\\.");
        MappingNode current = copy;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            NodeTuple found = null;
            for (NodeTuple tuple : current.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(part)) {
                    found = tuple;
                }
            }
            if (found == null) {
                break;
            }
            if (i == parts.length - 1) {
                current.getValue().remove(found);
            } else if (found.getValueNode() instanceof MappingNode child) {
                current = child;
            } else {
                break;
            }
        }
        return new YamlConfig(source, copy, overridden);
    }

    private static ScalarNode scalar(String text, Node at) {
        return new ScalarNode(Tag.STR, text, at.getStartMark(), at.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
    }

    private static Node toNode(Object value, Node at) {
        if (value instanceof List<?> list) {
            List<Node> items = new ArrayList<>();
            for (Object item : list) {
                items.add(toNode(item, at));
            }
            return new SequenceNode(Tag.SEQ, true, items, at.getStartMark(), at.getEndMark(), DumperOptions.FlowStyle.FLOW);
        }
        Tag tag = value instanceof Boolean ? Tag.BOOL
                : value instanceof Integer || value instanceof Long ? Tag.INT
                : value instanceof Number ? Tag.FLOAT
                : Tag.STR;
        return new ScalarNode(tag, String.valueOf(value), at.getStartMark(), at.getEndMark(),
                DumperOptions.ScalarStyle.PLAIN);
    }

    private static Node deepCopy(Node node) {
        if (node instanceof MappingNode mapping) {
            List<NodeTuple> tuples = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                tuples.add(new NodeTuple(deepCopy(tuple.getKeyNode()), deepCopy(tuple.getValueNode())));
            }
            return new MappingNode(mapping.getTag(), true, tuples, mapping.getStartMark(), mapping.getEndMark(),
                    mapping.getFlowStyle());
        }
        if (node instanceof SequenceNode sequence) {
            List<Node> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(deepCopy(item));
            }
            return new SequenceNode(sequence.getTag(), true, items, sequence.getStartMark(), sequence.getEndMark(),
                    sequence.getFlowStyle());
        }
        return node;
    }
}
