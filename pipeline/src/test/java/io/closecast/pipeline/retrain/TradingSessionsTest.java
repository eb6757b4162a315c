package io.closecast.pipeline.retrain;

import java.time.Instant;
import java.time.LocalDateTime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The retrain receiver's staleness in US trading sessions: weekends and holidays count nothing, closes count one each. */
class TradingSessionsTest {

    private static Instant ny(String local) {
        return LocalDateTime.parse(local).atZone(TradingSessions.NEW_YORK).toInstant();
    }

    @Test
    void aHealthyLoopIsZeroAfterItsRetrainAndOneBetweenTheCloseAndTheNextRetrain() {
        Instant tuesdayRetrain = ny("2026-12-01T22:30");
        assertEquals(0, TradingSessions.closedBetween(tuesdayRetrain, ny("2026-12-02T10:00")));
        assertEquals(0, TradingSessions.closedBetween(tuesdayRetrain, ny("2026-12-02T15:59")));
        assertEquals(1, TradingSessions.closedBetween(tuesdayRetrain, ny("2026-12-02T16:00")), "Wednesday's close");
        assertEquals(2, TradingSessions.closedBetween(tuesdayRetrain, ny("2026-12-03T16:30")), "Wednesday's retrain missed");
        assertEquals(0, TradingSessions.closedBetween(tuesdayRetrain, tuesdayRetrain));
        assertEquals(0, TradingSessions.closedBetween(tuesdayRetrain, ny("2026-12-01T10:00")), "now before since");
    }

    @Test
    void aWeekendAddsNothing() {
        Instant friday = ny("2026-12-04T22:30");
        assertEquals(0, TradingSessions.closedBetween(friday, ny("2026-12-06T23:00")), "Saturday and Sunday");
        assertEquals(0, TradingSessions.closedBetween(friday, ny("2026-12-07T12:00")), "Monday before the close");
        assertEquals(1, TradingSessions.closedBetween(friday, ny("2026-12-07T17:00")));
        assertEquals(3, TradingSessions.closedBetween(friday, ny("2026-12-09T17:00")), "Monday to Wednesday");
        // a success on Thursday evening, nothing since: Friday, then Monday and Tuesday make three
        Instant thursday = ny("2026-12-03T22:30");
        assertEquals(2, TradingSessions.closedBetween(thursday, ny("2026-12-07T16:00")));
        assertEquals(3, TradingSessions.closedBetween(thursday, ny("2026-12-08T16:00")));
    }

    @Test
    void aUsHolidayAddsNothing() {
        // Thanksgiving 2026 is Thursday 26 November: Wednesday's retrain, then Friday's close is the first
        Instant wednesday = ny("2026-11-25T22:30");
        assertEquals(0, TradingSessions.closedBetween(wednesday, ny("2026-11-26T20:00")), "Thanksgiving");
        assertEquals(1, TradingSessions.closedBetween(wednesday, ny("2026-11-27T16:00")));
        assertEquals(2, TradingSessions.closedBetween(wednesday, ny("2026-11-30T16:00")), "the weekend, then Monday");
        // Christmas 2026 and New Year's Day 2027 are Fridays: 4 calendar days, 1 session each time
        assertEquals(1, TradingSessions.closedBetween(ny("2026-12-24T22:30"), ny("2026-12-28T17:00")), "Christmas");
        assertEquals(1, TradingSessions.closedBetween(ny("2026-12-31T22:30"), ny("2027-01-04T17:00")), "New Year's Day");
        assertEquals(4, TradingSessions.closedBetween(ny("2026-12-24T22:30"), ny("2026-12-31T23:59")), "28 to 31");
    }

    /** A clock the test moves. */
    private static final class MovingClock extends java.time.Clock {
        private volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theReceiversGaugeCountsFromItsStartThenFromItsLastSuccessAndAFailureDoesNotReset() throws Exception {
        MovingClock clock = new MovingClock(ny("2026-11-25T12:00")); // Wednesday before Thanksgiving
        boolean[] fail = {false};
        try (AlertReceiver receiver = new AlertReceiver(0, "t", java.util.Set.of("A"), trigger -> {
            if (fail[0]) {
                throw new IllegalStateException("boom");
            }
            return Retrainer.Status.UP_TO_DATE;
        }, clock)) {
            assertEquals(0, receiver.tradingSessionsSinceSuccess());
            clock.now = ny("2026-11-30T16:30"); // Wednesday's, Friday's and Monday's closes since the start
            assertEquals(3, receiver.tradingSessionsSinceSuccess());
            receiver.runNow("schedule");
            assertEquals(0, receiver.tradingSessionsSinceSuccess(), "a success resets it");
            fail[0] = true;
            clock.now = ny("2026-12-01T22:30");
            receiver.runNow("schedule");
            assertEquals(1, receiver.tradingSessionsSinceSuccess(), "a failed retrain does not reset it");
        }
    }

    @Test
    void aRetrainRecordedInMlflowByAnotherProcessCountsAsASuccessAndAnUnreadableMlflowKeepsTheLastAnswer() throws Exception {
        MovingClock clock = new MovingClock(ny("2026-11-30T12:00")); // Monday
        java.util.concurrent.atomic.AtomicReference<Object> answer = new java.util.concurrent.atomic.AtomicReference<>(
                java.util.Optional.empty());
        try (AlertReceiver receiver = new AlertReceiver(0, "t", java.util.Set.of("A"), trigger -> Retrainer.Status.REFUSED,
                clock, () -> {
                    Object a = answer.get();
                    if (a instanceof RuntimeException e) {
                        throw e;
                    }
                    @SuppressWarnings("unchecked")
                    java.util.Optional<Instant> at = (java.util.Optional<Instant>) a;
                    return at;
                })) {
            clock.now = ny("2026-12-03T17:00"); // Monday to Thursday's closes since the start
            receiver.refreshRecorded();
            assertEquals(4, receiver.tradingSessionsSinceSuccess(), "none recorded: from the receiver's start");
            answer.set(java.util.Optional.of(ny("2026-12-02T22:31"))); // a CronJob's retrain after Wednesday's close
            receiver.refreshRecorded();
            assertEquals(1, receiver.tradingSessionsSinceSuccess(), "Thursday's close only");
            answer.set(new IllegalStateException("MLflow down"));
            receiver.refreshRecorded();
            assertEquals(1, receiver.tradingSessionsSinceSuccess(), "the last answer stays");
            answer.set(java.util.Optional.of(ny("2026-11-25T22:31"))); // older than the receiver's start: its start counts
            receiver.refreshRecorded();
            assertEquals(4, receiver.tradingSessionsSinceSuccess());
        }
    }

    @Test
    void theCloseIsInNewYorkTimeAcrossDaylightSaving() {
        // 2026-11-02 (Monday, EST): 16:00 New York is 21:00 UTC
        Instant friday = ny("2026-10-30T22:30");
        assertEquals(0, TradingSessions.closedBetween(friday, Instant.parse("2026-11-02T20:59:59Z")));
        assertEquals(1, TradingSessions.closedBetween(friday, Instant.parse("2026-11-02T21:00:00Z")));
    }
}
