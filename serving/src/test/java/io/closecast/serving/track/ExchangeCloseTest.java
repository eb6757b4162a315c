package io.closecast.serving.track;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

import io.closecast.model.prices.TradingCalendar;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When the feed may fetch a symbol's day: after its exchange's close plus the delay, on trading days only. */
class ExchangeCloseTest {

    private static Instant at(String zone, int y, int m, int d, int h, int min) {
        return LocalDateTime.of(y, m, d, h, min).atZone(ZoneId.of(zone)).toInstant();
    }

    @Test
    void usSymbolsCloseAtFourInNewYorkAndSkipTheHolidays() {
        ExchangeClose us = ExchangeClose.forSymbol("MSFT");
        Duration delay = Duration.ofMinutes(30);
        assertEquals(LocalDate.of(2024, 12, 23), us.latestClosed(at("America/New_York", 2024, 12, 24, 16, 29), delay));
        assertEquals(LocalDate.of(2024, 12, 24), us.latestClosed(at("America/New_York", 2024, 12, 24, 16, 30), delay));
        // Christmas is no trading day: on the 25th the latest closed day is still the 24th, and the next is the 26th
        assertEquals(LocalDate.of(2024, 12, 24), us.latestClosed(at("America/New_York", 2024, 12, 25, 23, 0), delay));
        assertEquals(at("America/New_York", 2024, 12, 26, 16, 30), us.nextDue(at("America/New_York", 2024, 12, 24, 17, 0), delay));
        // a Saturday: Friday
        assertEquals(LocalDate.of(2024, 12, 27), us.latestClosed(at("America/New_York", 2024, 12, 28, 12, 0), delay));
    }

    @Test
    void b3SymbolsUseSaoPauloAfterTheClosingCallAndOthersUtc() {
        ExchangeClose b3 = ExchangeClose.forSymbol("PETR4.SA");
        assertEquals(ZoneId.of("America/Sao_Paulo"), b3.zone());
        assertEquals(LocalDate.of(2024, 6, 6), b3.latestClosed(at("America/Sao_Paulo", 2024, 6, 7, 17, 59), Duration.ZERO));
        assertEquals(LocalDate.of(2024, 6, 7), b3.latestClosed(at("America/Sao_Paulo", 2024, 6, 7, 18, 0), Duration.ZERO));
        assertEquals(ZoneId.of("UTC"), ExchangeClose.forSymbol("TSCO.L").zone());
    }

    @Test
    void b3SymbolsSkipB3sHolidays() {
        ExchangeClose b3 = ExchangeClose.forSymbol("PETR4.SA");
        assertEquals(TradingCalendar.B3, b3.calendar());
        Duration delay = Duration.ofMinutes(30);
        // Carnival 2025: closed Monday 3 and Tuesday 4 March; Ash Wednesday trades from 13:00 and closes at 18:00
        assertEquals(LocalDate.of(2025, 2, 28), b3.latestClosed(at("America/Sao_Paulo", 2025, 3, 4, 20, 0), delay));
        assertEquals(at("America/Sao_Paulo", 2025, 3, 5, 18, 30), b3.nextDue(at("America/Sao_Paulo", 2025, 2, 28, 19, 0), delay));
        // Sao Paulo's anniversary no longer closes B3 (from 2022); the last weekday of the year does
        assertEquals(LocalDate.of(2024, 1, 25), b3.latestClosed(at("America/Sao_Paulo", 2024, 1, 25, 18, 30), delay));
        assertEquals(at("America/Sao_Paulo", 2025, 1, 2, 18, 30), b3.nextDue(at("America/Sao_Paulo", 2024, 12, 30, 19, 0), delay));
    }
}
