package io.closecast.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class IntervalConfigTest {

    private static TrainConfig read(String intervals) {
        String text = "data:\n  symbol: MSFT\n" + intervals;
        return TrainConfig.read(YamlConfig.parse(text, "configs/x.yaml"), Path.of("."));
    }

    @Test
    void levelsDefaultTo80And95AndAreReadSorted() {
        TrainConfig defaults = read("");
        assertEquals(List.of(0.8, 0.95), defaults.intervals().levels());
        assertEquals(0.94, defaults.intervals().ewmaLambda());
        assertEquals("[0.8, 0.95]", defaults.resolved().get("intervals.levels"));
        TrainConfig set = read("intervals:\n  levels: [0.9, 0.5]\n  ewma-lambda: 0.97\n");
        assertEquals(List.of(0.5, 0.9), set.intervals().levels());
        assertEquals(0.97, set.intervals().ewmaLambda());
    }

    @Test
    void badLevelsAreConfigErrorsWithFileAndLine() {
        String expect = "intervals.levels items must be coverage levels strictly between 0 and 1 (e.g. 0.8), found ";
        assertEquals(expect + "0 (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  levels: [0]\n")).getMessage());
        assertEquals(expect + "1 (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  levels: [0.8, 1]\n")).getMessage());
        assertEquals(expect + "1.5 (configs/x.yaml line 5)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  levels:\n    - 1.5\n")).getMessage());
        assertEquals("intervals.levels must not repeat a level, found 0.8 twice in [0.8, 0.95, 0.8] (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  levels: [0.8, 0.95, 0.8]\n")).getMessage());
        assertEquals("intervals.levels must list at least one level, found [] (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  levels: []\n")).getMessage());
        assertEquals("intervals.ewma-lambda must be in (0, 1), found 1.2 (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("intervals:\n  ewma-lambda: 1.2\n")).getMessage());
    }
}
