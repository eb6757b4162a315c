package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When {@code closecast retrain --every 1d --at 22:30 --zone America/New_York} runs: every {@code every} days at
 * {@code at} in {@code zone} (daylight saving included). {@link #next} is the first scheduled time strictly after an
 * instant; the loop runs once at start (a retrain is idempotent, so a day missed while the loop was down is caught up
 * once, not once per missed day), then sleeps until {@link #next}, and after a long sleep (a suspended machine) runs
 * once for however many times it missed.
 *
 * @param everyDays days between runs (&gt;= 1)
 * @param at        the local time of a run
 * @param zone      the zone of {@code at}
 */
public record RetrainSchedule(int everyDays, LocalTime at, ZoneId zone) {
    public RetrainSchedule {
        Objects.requireNonNull(at, "--at");
        Objects.requireNonNull(zone, "--zone");
        if (everyDays < 1) {
            throw new PipelineException("--every must be at least 1d, found " + everyDays + "d");
        }
    }

    /** {@code --every}: {@code Nd} days, e.g. {@code 1d}. */
    public static int parseEvery(String text) {
        if (text == null || !text.matches("[1-9][0-9]{0,2}d")) {
            throw new PipelineException("--every must be a number of days like 1d, found '" + text + "'");
        }
        return Integer.parseInt(text.substring(0, text.length() - 1));
    }

    /** The first run strictly after {@code after}: today's {@code at} if still ahead, else {@code everyDays} later. */
    public Instant next(Instant after) {
        ZonedDateTime local = after.atZone(zone);
        ZonedDateTime candidate = local.toLocalDate().atTime(at).atZone(zone);
        while (!candidate.toInstant().isAfter(after)) {
            candidate = candidate.toLocalDate().plusDays(everyDays).atTime(at).atZone(zone);
        }
        return candidate.toInstant();
    }

    /** How long to sleep from {@code now} until the next run. */
    public Duration untilNext(Instant now) {
        return Duration.between(now, next(now));
    }
}
