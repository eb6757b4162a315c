package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.intervals.adaptive.gamma} and {@code models[].intervals.adaptive.gamma}: read, defaulted, refused. */
class AdaptiveConfigTest {

    @TempDir
    Path dir;

    private ServingConfig load(String yaml) throws Exception {
        Path file = dir.resolve("serving.yaml");
        Files.writeString(file, yaml);
        return ServingConfig.load(file, Map.of());
    }

    @Test
    void offByDefault() throws Exception {
        ServingConfig c = load("model: {name: m}\n");
        assertFalse(c.adaptive().any());
        assertEquals(OptionalDouble.empty(), c.adaptive().gamma("m"));
    }

    @Test
    void oneModelOrEachOfAFleet() throws Exception {
        assertEquals(OptionalDouble.of(0.005), load("model: {name: m, intervals: {adaptive: {gamma: 0.005}}}\n")
                .adaptive().gamma("m"));
        ServingConfig fleet = load("""
                model:
                  intervals: {adaptive: {gamma: 0.01}}
                models:
                  - a
                  - {name: b, intervals: {adaptive: {gamma: 0.02}}}
                """);
        assertEquals(OptionalDouble.of(0.01), fleet.adaptive().gamma("a"), "model.intervals is every model's default");
        assertEquals(OptionalDouble.of(0.02), fleet.adaptive().gamma("b"));
        ServingConfig one = load("models: [a, {name: b, intervals: {adaptive: {gamma: 0.02}}}]\n");
        assertEquals(OptionalDouble.empty(), one.adaptive().gamma("a"));
        assertEquals(OptionalDouble.of(0.02), one.adaptive().gamma("b"));
    }

    @Test
    void badValuesAreRefusedByKeyAndFile() {
        ServingException e = assertThrows(ServingException.class,
                () -> load("model: {name: m, intervals: {adaptive: {gamma: 0.9}}}\n"));
        assertTrue(e.getMessage().contains("model.intervals.adaptive.gamma") && e.getMessage().contains("0.9")
                && e.getMessage().contains("serving.yaml") && e.getMessage().contains("(0, 0.5]"), e.getMessage());
        e = assertThrows(ServingException.class, () -> load("model: {name: m, intervals: {adaptive: {gamma: fast}}}\n"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
        e = assertThrows(ServingException.class,
                () -> load("models: [{name: b, intervals: {adaptive: {gama: 0.01}}}]\n"));
        assertTrue(e.getMessage().contains("models[0].intervals.adaptive.gama"), e.getMessage());
        e = assertThrows(ServingException.class,
                () -> load("models: [{name: b, intervals: {adaptive: {gamma: -1}}}]\n"));
        assertTrue(e.getMessage().contains("models[0].intervals.adaptive.gamma"), e.getMessage());
        e = assertThrows(ServingException.class,
                () -> ServingConfig.builder().modelName("m").adaptiveGamma("other", 0.01).build());
        assertTrue(e.getMessage().contains("other"), e.getMessage());
    }
}
