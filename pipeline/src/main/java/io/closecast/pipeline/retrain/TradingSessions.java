package io.closecast.pipeline.retrain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import io.closecast.model.prices.TradingCalendar;

/**
 * How stale the retrain loop is, in the unit the market moves in: the US trading sessions (NYSE / Nasdaq,
 * {@link TradingCalendar#US}) whose close, 16:00 in New York, fell after the last successful retrain and not after now.
 * A retrain runs after the close, so in a healthy loop this is 0 after the evening's retrain and 1 between the next
 * close and its retrain; each retrain missed in a row adds one. Weekends and the exchanges' holidays add nothing.
 * Early closes (13:00 on the day after Thanksgiving, ...) are counted at 16:00.
 */
public final class TradingSessions {
    /** The exchanges' zone. */
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** The regular close. */
    public static final LocalTime CLOSE = LocalTime.of(16, 0);

    private TradingSessions() {
    }

    /**
     * The US sessions that closed in {@code (since, now]}.
     *
     * @param since the last successful retrain (or when the receiver started, before any)
     * @param now   the time of the question
     * @return 0 when {@code now} is not after {@code since}
     */
    public static int closedBetween(Instant since, Instant now) {
        if (!now.isAfter(since)) {
            return 0;
        }
        int count = 0;
        LocalDate last = now.atZone(NEW_YORK).toLocalDate();
        for (LocalDate day = since.atZone(NEW_YORK).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            if (TradingCalendar.US.isTradingDay(day)) {
                Instant close = day.atTime(CLOSE).atZone(NEW_YORK).toInstant();
                if (close.isAfter(since) && !close.isAfter(now)) {
                    count++;
                }
            }
        }
        return count;
    }
}
