package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetrainScheduleTest {
    private static final RetrainSchedule DAILY = new RetrainSchedule(1, LocalTime.of(22, 30), ZoneId.of("America/New_York"));

    @Test
    void nextIsTodaysTimeInTheZoneWhileAheadElseTomorrows() {
        // 2026-12-07 is EST (UTC-5): 22:30 there is 03:30Z the next day
        assertEquals(Instant.parse("2026-12-08T03:30:00Z"), DAILY.next(Instant.parse("2026-12-07T20:00:00Z")));
        assertEquals(Instant.parse("2026-12-09T03:30:00Z"), DAILY.next(Instant.parse("2026-12-08T03:30:00Z")),
                "strictly after: a run at the scheduled instant is not scheduled again");
    }

    @Test
    void daylightSavingMovesTheInstantNotTheLocalTime() {
        // 2026-07-01 is EDT (UTC-4): 22:30 there is 02:30Z
        assertEquals(Instant.parse("2026-07-02T02:30:00Z"), DAILY.next(Instant.parse("2026-07-01T12:00:00Z")));
    }

    @Test
    void everyNDaysAndBadInputNamingTheOption() {
        RetrainSchedule everyOther = new RetrainSchedule(RetrainSchedule.parseEvery("2d"), LocalTime.of(22, 30),
                ZoneId.of("UTC"));
        assertEquals(Instant.parse("2026-12-09T22:30:00Z"), everyOther.next(Instant.parse("2026-12-07T23:00:00Z")));
        PipelineException e = assertThrows(PipelineException.class, () -> RetrainSchedule.parseEvery("1h"));
        assertEquals("--every must be a number of days like 1d, found '1h'", e.getMessage());
        assertThrows(PipelineException.class, () -> new RetrainSchedule(0, LocalTime.NOON, ZoneId.of("UTC")));
    }
}
