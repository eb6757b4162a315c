package io.closecast.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class PromotionConfigTest {

    private static TrainConfig read(String promotion) {
        return TrainConfig.read(YamlConfig.parse("data:\n  symbol: MSFT\n" + promotion, "configs/x.yaml"), Path.of("."));
    }

    @Test
    void theObjectiveDefaultsToPointAndReadsInterval() {
        assertEquals(PromotionObjective.POINT, read("").tracking().objective());
        assertEquals("point", read("").resolved().get("promotion.objective"));
        assertEquals(PromotionObjective.INTERVAL, read("promotion:\n  objective: interval\n").tracking().objective());
    }

    @Test
    void anUnknownObjectiveIsAConfigErrorWithFileAndLine() {
        assertEquals("promotion.objective must be one of point, interval, found risk (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("promotion:\n  objective: risk\n")).getMessage());
        assertEquals("--objective must be one of point, interval, found 'both'",
                assertThrows(ConfigException.class, () -> PromotionObjective.parse("both", "--objective")).getMessage());
    }
}
