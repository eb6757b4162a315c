package io.closecast.pipeline.config;

import io.closecast.model.dataset.Feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code data.features}: kebab-case names of {@link Feature}, target first; an unknown name is refused by key and line. */
class FeaturesConfigTest {

    private static TrainConfig read(String features) {
        String text = "data:\n  symbol: MSFT\n  features: " + features + "\n";
        return TrainConfig.read(YamlConfig.parse(text, "configs/x.yaml"), Path.of("."));
    }

    @Test
    void garmanKlassIsAFeatureAndWidensTheNetworkInput() {
        TrainConfig config = read("[target, garman-klass, high-low-range]");
        assertEquals(List.of(Feature.TARGET, Feature.GARMAN_KLASS, Feature.HIGH_LOW_RANGE), config.dataset().features());
        assertEquals(3, config.model().inputFeatures());
    }

    @Test
    void anUnknownFeatureNamesTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("[target, parkinson]"));
        assertEquals("data.features must be one of [target, log-volume, high-low-range, garman-klass, log-return],"
                + " found parkinson (configs/x.yaml line 3)", e.getMessage());
    }
}
