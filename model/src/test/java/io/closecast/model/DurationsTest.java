package io.closecast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheShortFormsAndIso8601() {
        assertEquals(Optional.of(Duration.ofMillis(500)), Durations.parse("500ms"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Durations.parse(" 30s "));
        assertEquals(Optional.of(Duration.ofMinutes(10)), Durations.parse("10 m"));
        assertEquals(Optional.of(Duration.ofHours(1)), Durations.parse("1H"));
        assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("PT1M30S"));
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[] {"soon", "", "10", "-5s", "1.5s", "10d", "PT-1S", "99999999999999999999s"}) {
            assertEquals(Optional.empty(), Durations.parse(bad), bad);
        }
    }
}
