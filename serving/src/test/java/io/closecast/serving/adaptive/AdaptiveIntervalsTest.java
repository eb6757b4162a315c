package io.closecast.serving.adaptive;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.serving.ServingException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adaptive intervals' state: outcomes in day order once each, bounded versions, saved and resumed from a file. */
class AdaptiveIntervalsTest {

    @TempDir
    Path dir;

    private static final LocalDate DAY = LocalDate.of(2024, 6, 3);

    private static ForecastModel.Forecast forecast() {
        return new ForecastModel.Forecast(new double[] {100}, List.of(
                new ForecastInterval(0.8, new double[] {95}, new double[] {100 * 100 / 95.0}),
                new ForecastInterval(0.95, new double[] {90}, new double[] {100 * 100 / 90.0})), "split-conformal-ewma-abs-return");
    }

    private static double gauge(MeterRegistry registry, String version, double level) {
        return registry.gauge("closecast_aci_alpha", List.of(Tag.create("model", "m"), Tag.create("version", version),
                Tag.create("level", Double.toString(level)))).orElseThrow().value().doubleValue();
    }

    @Test
    void outcomesApplyInDayOrderOnceEachAndNextDayOnly() {
        MeterRegistry registry = Metrics.createMeterRegistry(MetricsConfig.create());
        try (AdaptiveIntervals aci = AdaptiveIntervals.create(Map.of("m", 0.1), FileAlphaStore.open(dir), registry)) {
            assertFalse(aci.observe("m", "1", DAY, Map.of(0.8, true)), "a version that never served is not updated");
            ForecastModel.Forecast f = aci.adjust("m", "1", forecast());
            assertEquals("split-conformal-ewma-abs-return+aci", f.intervalMethod());
            assertEquals(95, f.intervals().getFirst().lower(0), 1e-9, "nominal: the calibrated interval");
            assertEquals(2, f.intervals().size());
            // out of order and a step-2 score: sorted by day; step 2 and a day already applied are skipped
            int applied = aci.observeAll("m", List.of(
                    new AdaptiveIntervals.Outcome("1", DAY.plusDays(1), 1, Map.of(0.8, false, 0.95, false)),
                    new AdaptiveIntervals.Outcome("1", DAY, 1, Map.of(0.8, true, 0.95, false)),
                    new AdaptiveIntervals.Outcome("1", DAY.plusDays(2), 2, Map.of(0.8, true, 0.95, true))));
            assertEquals(2, applied);
            // 0.2 - 0.08 = 0.12 (the miss of DAY first), then + 0.02 = 0.14
            assertEquals(0.14, aci.view("m", "1").orElseThrow().state().alpha(0.8), 1e-12);
            assertEquals(0.14, gauge(registry, "1", 0.8), 1e-12);
            assertEquals(Optional.of(DAY.plusDays(1)), aci.view("m", "1").orElseThrow().lastOutcome());
            assertFalse(aci.observe("m", "1", DAY.plusDays(1), Map.of(0.8, true)), "the same day again");
            assertFalse(aci.observe("other", "1", DAY.plusDays(5), Map.of(0.8, true)), "ACI off for that model");
            assertEquals(forecast().intervals(), aci.adjust("other", "1", forecast()).intervals());
            assertEquals("split-conformal-ewma-abs-return", aci.adjust("other", "1", forecast()).intervalMethod());
            ForecastInterval wider = aci.adjust("m", "1", forecast()).intervals().getFirst();
            assertTrue(wider.lower(0) < 95 && wider.upper(0) > 100 * 100 / 95.0, "alpha 0.14 < 0.2: wider, " + wider);
        }
        try (AdaptiveIntervals again = AdaptiveIntervals.create(Map.of("m", 0.05), FileAlphaStore.open(dir),
                Metrics.createMeterRegistry(MetricsConfig.create()))) {
            again.prepare("m", "1");
            AdaptiveIntervals.View v = again.view("m", "1").orElseThrow();
            assertEquals(0.14, v.state().alpha(0.8), 1e-12, "resumed from the file");
            assertEquals(0.05, v.state().gamma(), "the configured step size");
            assertEquals(2, v.state().updates());
            assertEquals(Optional.of(DAY.plusDays(1)), v.lastOutcome());
        }
    }

    @Test
    void versionsAreBoundedAndTheirGaugesRemoved() {
        MeterRegistry registry = Metrics.createMeterRegistry(MetricsConfig.create());
        try (AdaptiveIntervals aci = AdaptiveIntervals.create(Map.of("m", 0.1), FileAlphaStore.open(dir), registry)) {
            for (int v = 1; v <= AdaptiveIntervals.MAX_VERSIONS + 1; v++) {
                aci.adjust("m", Integer.toString(v), forecast());
            }
            assertTrue(aci.view("m", "1").isEmpty(), "the least recently used version was dropped");
            assertTrue(registry.gauge("closecast_aci_alpha", List.of(Tag.create("model", "m"), Tag.create("version", "1"),
                    Tag.create("level", "0.8"))).isEmpty());
            assertEquals(0.2, gauge(registry, Integer.toString(AdaptiveIntervals.MAX_VERSIONS + 1), 0.8), 1e-12);
        }
    }

    @Test
    void theFileStoreRefusesWhatItCannotRead() throws Exception {
        Files.writeString(dir.resolve(FileAlphaStore.FILE), "{\"states\": [{\"model\": \"m\"}]}");
        ServingException e = assertThrows(ServingException.class, () -> FileAlphaStore.open(dir));
        assertTrue(e.getMessage().contains(FileAlphaStore.FILE), e.getMessage());
        assertThrows(io.closecast.model.ModelException.class, () -> AdaptiveIntervals.create(Map.of("m", 0.7),
                FileAlphaStore.open(dir.resolve("other")), Metrics.createMeterRegistry(MetricsConfig.create())));
    }
}
