package io.closecast.serving.track;

import io.closecast.model.intervals.ForecastInterval;
import io.closecast.serving.models.ModelInfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Equal forecasts logged one after another share one steps list; any number that differs gets its own. */
class TrackerStepsTest {

    @TempDir
    Path dir;

    private static final LocalDate AS_OF = LocalDate.of(2024, 12, 2);
    private static final List<LocalDate> TARGETS = List.of(AS_OF.plusDays(1), AS_OF.plusDays(2));

    private static List<ForecastInterval> intervals(double lower) {
        return List.of(new ForecastInterval(0.8, new double[] {lower, lower - 1}, new double[] {102, 103}));
    }

    @Test
    void anEqualForecastSharesTheStepsLoggedBeforeItUnderItsModelAndAlias() {
        ForecastLogTest.FlakyStore store = new ForecastLogTest.FlakyStore();
        TrackSettings settings = new TrackSettings(true, dir, Optional.empty(), Optional.empty(), Optional.empty(),
                100, 100, dir, Duration.ofHours(1), 250);
        ModelInfo info = new ModelInfo("m", "1", "run", "production", AS_OF.minusYears(1), AS_OF, 5, 2, List.of("Close"),
                Map.of(), Instant.EPOCH, "MSFT");
        try (Tracker tracker = Tracker.start(settings, () -> store, Metrics.createMeterRegistry(MetricsConfig.create()),
                Clock.fixed(Instant.parse("2024-12-02T21:00:00Z"), ZoneOffset.UTC))) {
            double[] points = {101, 101.5};
            double[] naive = {100, 100};
            tracker.dated(info, "a", AS_OF, TARGETS, points, intervals(99), naive);
            tracker.dated(info, "b", AS_OF, TARGETS, points.clone(), intervals(99), naive.clone());
            tracker.dated(info, "challenger", "c", AS_OF, TARGETS, points, intervals(99), naive);
            tracker.dated(info, "d", AS_OF, TARGETS, points, intervals(98.5), naive);
            tracker.dated(info, "e", AS_OF, TARGETS, new double[] {101, 101.25}, intervals(98.5), naive);
            tracker.dated(info, "f", AS_OF, List.of(AS_OF.plusDays(1), AS_OF.plusDays(3)), new double[] {101, 101.25},
                    intervals(98.5), naive);
            tracker.close();
            List<LoggedForecast> logged = store.written;
            assertEquals(List.of("a", "b", "c", "d", "e", "f"), logged.stream().map(LoggedForecast::requestId).toList());
            assertSame(logged.get(0).steps(), logged.get(1).steps(), "the same forecast again: its steps shared");
            assertNotSame(logged.get(0).steps(), logged.get(2).steps(), "another alias keeps its own");
            assertEquals(logged.get(0).steps(), logged.get(2).steps());
            for (int i = 3; i < 6; i++) {
                assertFalse(logged.get(i).steps().equals(logged.get(i - 1).steps()), "a bound, a point, a target day differ: " + i);
            }
            assertTrue(SharedSteps.same(logged.get(5).steps(), List.of(AS_OF.plusDays(1), AS_OF.plusDays(3)),
                    new double[] {101, 101.25}, intervals(98.5), naive));
            assertFalse(SharedSteps.same(logged.get(5).steps(), List.of(AS_OF.plusDays(1), AS_OF.plusDays(3)),
                    new double[] {101, 101.25}, intervals(98.5), new double[] {100, 100.5}), "the naive forecast too");
            assertFalse(SharedSteps.same(logged.get(5).steps(), TARGETS.subList(0, 1), new double[] {101}, intervals(98.5), naive),
                    "another horizon");
        }
    }
}
