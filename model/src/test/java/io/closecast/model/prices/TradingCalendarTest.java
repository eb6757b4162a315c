package io.closecast.model.prices;

import io.closecast.model.TestData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TradingCalendarTest {

    /**
     * Against 15 years of real sessions: every day MSFT and AAPL traded (2010-01-04 .. 2024-12-30, bundled, clean) is a
     * trading day of the US calendar, and every weekday they did not is one of its holidays.
     */
    @ParameterizedTest
    @ValueSource(strings = {"MSFT.csv", "AAPL.csv"})
    void theUsCalendarIsExactlyTheDaysTheBundledUsSharesTraded(String file) {
        PriceSeries series = TestData.read(file);
        Set<LocalDate> traded = series.bars().stream().map(PriceBar::date).collect(Collectors.toSet());
        List<String> wrong = new ArrayList<>();
        for (LocalDate d = series.firstDate(); !d.isAfter(series.lastDate()); d = d.plusDays(1)) {
            boolean weekday = d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
            if (weekday && TradingCalendar.US.isTradingDay(d) != traded.contains(d)) {
                wrong.add(d + (traded.contains(d) ? " traded, calendar says closed" : " closed, calendar says trading"));
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(series.size() > 3700, "15 years of sessions: " + series.size());
    }

    @Test
    void holidaysMovedOffWeekendsAsTheExchangesMoveThem() {
        TradingCalendar us = TradingCalendar.US;
        assertFalse(us.isTradingDay(LocalDate.of(2021, 12, 24)), "Christmas on a Saturday: closed the Friday before");
        assertTrue(us.isTradingDay(LocalDate.of(2021, 12, 31)), "New Year's Day on a Saturday: not moved to Friday");
        assertFalse(us.isTradingDay(LocalDate.of(2023, 1, 2)), "New Year's Day on a Sunday: closed Monday");
        assertFalse(us.isTradingDay(LocalDate.of(2027, 6, 18)), "Juneteenth on a Saturday: closed the Friday before");
        assertTrue(us.isTradingDay(LocalDate.of(2021, 6, 18)), "no Juneteenth before 2022");
        assertFalse(us.isTradingDay(LocalDate.of(2026, 4, 3)), "Good Friday 2026");
        assertFalse(us.isTradingDay(LocalDate.of(2025, 1, 9)), "the national day of mourning for President Carter");
        assertEquals(LocalDate.of(2024, 3, 31), TradingCalendar.easter(2024));
        assertEquals(LocalDate.of(2038, 4, 25), TradingCalendar.easter(2038));
    }

    @Test
    void nextSkipsWeekendsAndTheSymbolsHolidays() {
        LocalDate last = LocalDate.of(2024, 12, 30);
        assertEquals(List.of(LocalDate.of(2024, 12, 31), LocalDate.of(2025, 1, 2), LocalDate.of(2025, 1, 3),
                LocalDate.of(2025, 1, 6), LocalDate.of(2025, 1, 7)), TradingCalendar.forSymbol("MSFT").next(last, 5));
        assertEquals(List.of(LocalDate.of(2024, 12, 31), LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 2)),
                TradingCalendar.forSymbol("PETR4.SA").next(last, 3), "other exchanges: weekdays only");
    }

    @Test
    void usListingsByYahoosSpelling() {
        for (String s : List.of("MSFT", "AAPL", "BRK-B", "^GSPC", "GOOGL")) {
            assertEquals(TradingCalendar.US, TradingCalendar.forSymbol(s), s);
        }
        for (String s : List.of("PETR4.SA", "VOD.L", "BTC-USD", "EURUSD=X", "", "msft")) {
            assertEquals(TradingCalendar.WEEKDAYS, TradingCalendar.forSymbol(s), s);
        }
    }

    /**
     * The per-year cached holidays are the rules' own: every day from 1990 to 2100 (and days in years outside the
     * cache, which the rules answer directly) is a holiday of the cache exactly when the rules say so, and a US trading
     * day exactly when it is a weekday that is not one.
     */
    @Test
    void theCachedHolidaysEqualTheRulesEveryDayFrom1990To2100() {
        List<String> wrong = new ArrayList<>();
        int holidays = 0;
        for (LocalDate d = LocalDate.of(1990, 1, 1); d.getYear() <= 2100; d = d.plusDays(1)) {
            boolean rules = TradingCalendar.usHolidayByRules(d);
            boolean weekday = d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
            holidays += rules ? 1 : 0;
            if (TradingCalendar.usHoliday(d) != rules || TradingCalendar.US.isTradingDay(d) != (weekday && !rules)) {
                wrong.add(d + (rules ? " a holiday by the rules" : " no holiday by the rules"));
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " days differ, first 20");
        assertTrue(holidays > 111 * 9, "about 9-10 holidays a year: " + holidays);
        for (LocalDate d : List.of(LocalDate.of(1799, 12, 25), LocalDate.of(2300, 7, 4), LocalDate.of(2300, 7, 5),
                LocalDate.of(TradingCalendar.LAST_CACHED_YEAR, 12, 25), LocalDate.of(TradingCalendar.FIRST_CACHED_YEAR, 1, 1))) {
            assertEquals(TradingCalendar.usHolidayByRules(d), TradingCalendar.usHoliday(d), d.toString());
        }
    }
}
