package io.closecast.serving.track;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

import io.closecast.model.prices.TradingCalendar;

/**
 * When a symbol's exchange closes, for the price feed's schedule: US listings (the trading calendar's
 * {@code us-equities}, with its holidays) at 16:00 America/New_York; B3 listings ({@code .SA}: the calendar's
 * {@code b3}, with B3's holidays) at 18:00 America/Sao_Paulo (after the closing call in either season); any other
 * symbol at 22:00 UTC on weekdays.
 *
 * @param zone     the exchange's time zone
 * @param close    its closing time there
 * @param calendar its trading days
 */
public record ExchangeClose(ZoneId zone, LocalTime close, TradingCalendar calendar) {

    public ExchangeClose {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(calendar, "calendar");
    }

    /** The close of {@code symbol}'s exchange (Yahoo's spelling). */
    public static ExchangeClose forSymbol(String symbol) {
        TradingCalendar calendar = TradingCalendar.forSymbol(symbol);
        if (calendar == TradingCalendar.US) {
            return new ExchangeClose(ZoneId.of("America/New_York"), LocalTime.of(16, 0), calendar);
        }
        if (calendar == TradingCalendar.B3) {
            return new ExchangeClose(ZoneId.of("America/Sao_Paulo"), LocalTime.of(18, 0), calendar);
        }
        return new ExchangeClose(ZoneId.of("UTC"), LocalTime.of(22, 0), calendar);
    }

    /** The latest trading day whose close plus {@code delay} is at or before {@code now}. */
    public LocalDate latestClosed(Instant now, Duration delay) {
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i < 30; i++, day = day.minusDays(1)) {
            if (calendar.isTradingDay(day) && !due(day, delay).isAfter(now)) {
                return day;
            }
        }
        return day;
    }

    /** The first moment after {@code now} a trading day's close plus {@code delay} falls on. */
    public Instant nextDue(Instant now, Duration delay) {
        LocalDate day = now.atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < 30; i++, day = day.plusDays(1)) {
            Instant due = due(day, delay);
            if (calendar.isTradingDay(day) && due.isAfter(now)) {
                return due;
            }
        }
        return now.plus(Duration.ofDays(1));
    }

    private Instant due(LocalDate day, Duration delay) {
        return ZonedDateTime.of(day, close, zone).toInstant().plus(delay);
    }
}
