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

    @Test
    void theServabilityBudgetDefaultsToTheChecksAndReadsTimeAndMemory() {
        io.closecast.model.bundle.Servability.Budget defaults = io.closecast.model.bundle.Servability.Budget.DEFAULT;
        assertEquals(defaults, read("").tracking().servability());
        io.closecast.model.bundle.Servability.Budget read = read("promotion:\n  servability-time: 2m\n"
                + "  servability-memory: 512MiB\n").tracking().servability();
        assertEquals(java.time.Duration.ofMinutes(2), read.maxTime());
        assertEquals(512L << 20, read.maxBytes());
        assertEquals(defaults.warmupRounds(), read.warmupRounds());
        assertEquals(java.time.Duration.ofSeconds(45), read("promotion:\n  servability-time: PT45S\n").tracking()
                .servability().maxTime());
        assertEquals(java.time.Duration.ofNanos(250_000), read("promotion:\n  servability-time: 250us\n").tracking()
                .servability().maxTime());
    }

    @Test
    void aBadServabilityBudgetIsAConfigErrorWithFileAndLine() {
        assertEquals("promotion.servability-time must be a positive duration like 30s, 2m, 500ms or PT1M, found 'soon'"
                        + " (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("promotion:\n  servability-time: soon\n")).getMessage());
        assertEquals("promotion.servability-memory must be a positive size like 256MiB, 512MB, 1GiB or a number of bytes,"
                        + " found '0MiB' (configs/x.yaml line 4)",
                assertThrows(ConfigException.class, () -> read("promotion:\n  servability-memory: 0MiB\n")).getMessage());
    }
}
