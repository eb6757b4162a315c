package io.closecast.pipeline.config;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlConfigTest {
    private static final String TEXT = """
            data:
              symbol: PETR4.SA
              from: 2014-01-01
              window: 60
            model:
              lstm:
                hidden-units: [32, -3]
            training:
              learning-rate: 0.001
              optimizer: adam
            """;

    enum Optimizer { ADAM, SGD, RMS_PROP }

    @Test
    void readsTypedValuesWithDefaults() {
        ConfigSection root = YamlConfig.parse(TEXT, "petr4.yaml").root();
        ConfigSection data = root.section("data");
        assertEquals("PETR4.SA", data.requiredString("symbol"));
        assertEquals(LocalDate.of(2014, 1, 1), data.date("from").orElseThrow());
        assertEquals(60, data.integer("window", 30, n -> n > 1, "> 1"));
        assertEquals(5, data.integer("horizon", 5, n -> n > 0, "> 0"));
        ConfigSection training = root.section("training");
        assertEquals(Optimizer.ADAM, training.choice("optimizer", Optimizer.class, Optimizer.SGD));
        assertEquals(0.001, training.number("learning-rate", 0.1, x -> x > 0, "> 0"));
    }

    @Test
    void badValueNamesKeyValueExpectationFileAndLine() {
        ConfigSection lstm = YamlConfig.parse(TEXT, "configs/petr4.yaml").root().section("model").section("lstm");
        ConfigException e = assertThrows(ConfigException.class,
                () -> lstm.integers("hidden-units", List.of(32), n -> n > 0, "> 0"));
        assertEquals("model.lstm.hidden-units items must be > 0, found -3 (configs/petr4.yaml line 7)", e.getMessage());
    }

    @Test
    void unknownKeyIsAnErrorWithASuggestion() {
        ConfigSection training = YamlConfig.parse("training:\n  learnig-rate: 0.1\n", "x.yaml").root().section("training");
        training.number("learning-rate", 0.1, x -> x > 0, "> 0");
        ConfigException e = assertThrows(ConfigException.class, training::finish);
        assertTrue(e.getMessage().startsWith("unknown key training.learnig-rate (did you mean training.learning-rate?)"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(x.yaml line 2)"), e.getMessage());
    }

    @Test
    void choiceListsTheAllowedValues() {
        ConfigSection training = YamlConfig.parse("optimizer: adamx\n", "x.yaml").root();
        ConfigException e = assertThrows(ConfigException.class,
                () -> training.choice("optimizer", Optimizer.class, Optimizer.ADAM));
        assertEquals("optimizer must be one of adam, sgd, rms-prop, found adamx (x.yaml line 1)", e.getMessage());
    }

    @Test
    void syntaxErrorsCarryTheLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> YamlConfig.parse("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml"));
        assertTrue(e.getMessage().startsWith("not valid YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("bad.yaml line"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> YamlConfig.parse("a: 1\na: 2\n", "dup.yaml").root());
        assertEquals("duplicate key a: first at line 1 (dup.yaml line 2)", e.getMessage());
    }

    @Test
    void overrideReplacesOneValueAndKeepsTheRest() {
        YamlConfig base = YamlConfig.parse(TEXT, "petr4.yaml");
        YamlConfig trial = base.withOverride("training.learning-rate", 0.01).withOverride("model.dense.units", List.of(16));
        ConfigSection training = trial.root().section("training");
        assertEquals(0.01, training.number("learning-rate", 1, x -> x > 0, "> 0"));
        assertEquals(Optimizer.ADAM, training.choice("optimizer", Optimizer.class, Optimizer.SGD));
        assertEquals(List.of(16), trial.root().section("model").section("dense").integers("units", List.of(), n -> n > 0, "> 0"));
        assertEquals(0.001, base.root().section("training").number("learning-rate", 1, x -> x > 0, "> 0"),
                "the base config is unchanged");
        ConfigException e = assertThrows(ConfigException.class, () -> base.withOverride("training.learning-rate", -1)
                .root().section("training").number("learning-rate", 1, x -> x > 0, "> 0"));
        assertEquals("training.learning-rate must be > 0, found -1 (set by a sweep override of petr4.yaml)", e.getMessage());
    }
}
