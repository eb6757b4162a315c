package io.closecast.model.prices;

import io.closecast.model.TestData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TradingCalendarTest {

    /**
     * Yahoo's PETR4.SA rows on days B3 did not trade: flat rows with zero volume (data/SOURCES.md), the only rows the
     * B3 calendar may call a holiday.
     */
    private static final Set<LocalDate> PETR4_ROWS_ON_HOLIDAYS = Set.of(LocalDate.of(2017, 6, 15), LocalDate.of(2017, 9, 7),
            LocalDate.of(2017, 10, 12), LocalDate.of(2017, 11, 2), LocalDate.of(2017, 11, 15), LocalDate.of(2017, 11, 20),
            LocalDate.of(2017, 12, 25), LocalDate.of(2017, 12, 29), LocalDate.of(2018, 1, 25));

    /**
     * B3 sessions Yahoo has no PETR4.SA row for: Ash Wednesday 2012 (the press reported that afternoon's session) and
     * 2020-11-20 (B3's notice of 8 June 2020: it trades on the Sao Paulo holidays moved to May), data/SOURCES.md.
     */
    private static final Set<LocalDate> PETR4_MISSING_SESSIONS = Set.of(LocalDate.of(2012, 2, 22), LocalDate.of(2020, 11, 20));

    /**
     * Against 15 years of B3 sessions as Yahoo recorded PETR4.SA (2010-01-04 .. 2024-12-30, bundled): every weekday with
     * a real row is a trading day of the B3 calendar and every weekday without one is one of its holidays, but for the
     * flaws named above, each of which must still be one (a flat zero-volume row on a holiday, a missing session).
     */
    @Test
    void theB3CalendarIsExactlyTheDaysPetr4TradedButYahoosNamedFlaws() {
        PriceSeries series = TestData.read("PETR4.SA.csv");
        Map<LocalDate, PriceBar> rows = series.bars().stream().collect(Collectors.toMap(PriceBar::date, b -> b));
        List<String> wrong = new ArrayList<>();
        int holidays = 0;
        for (LocalDate d = series.firstDate(); !d.isAfter(series.lastDate()); d = d.plusDays(1)) {
            boolean weekday = d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
            if (!weekday) {
                continue;
            }
            PriceBar row = rows.get(d);
            boolean open = TradingCalendar.B3.isTradingDay(d);
            holidays += open ? 0 : 1;
            if (open && row == null && !PETR4_MISSING_SESSIONS.contains(d)) {
                wrong.add(d + " no session, calendar says trading");
            } else if (open && row != null && PETR4_MISSING_SESSIONS.contains(d)) {
                wrong.add(d + " named as a missing session, but has a row");
            } else if (!open && PETR4_MISSING_SESSIONS.contains(d)) {
                wrong.add(d + " named as a missing session, calendar says closed");
            } else if (!open && row != null && !(PETR4_ROWS_ON_HOLIDAYS.contains(d) && flatWithoutVolume(row))) {
                wrong.add(d + " traded, calendar says closed");
            } else if (open && PETR4_ROWS_ON_HOLIDAYS.contains(d)) {
                wrong.add(d + " named as a row on a holiday, calendar says trading");
            }
        }
        PETR4_ROWS_ON_HOLIDAYS.stream().filter(d -> !rows.containsKey(d)).forEach(d -> wrong.add(d + " named as a row, has none"));
        assertEquals(List.of(), wrong);
        assertTrue(series.size() > 3700, "15 years of sessions: " + series.size());
        assertTrue(holidays > 190, "B3's weekday holidays over 15 years: " + holidays);
    }

    private static boolean flatWithoutVolume(PriceBar bar) {
        return bar.volume() == 0 && bar.open() == bar.close() && bar.high() == bar.close() && bar.low() == bar.close();
    }

    @ParameterizedTest
    @CsvSource({
            "2024, 2024-01-01 2024-02-12 2024-02-13 2024-03-29 2024-05-01 2024-05-30 2024-11-15 2024-11-20 2024-12-24 2024-12-25 2024-12-31",
            "2025, 2025-01-01 2025-03-03 2025-03-04 2025-04-18 2025-04-21 2025-05-01 2025-06-19 2025-11-20 2025-12-24 2025-12-25 2025-12-31",
            "2026, 2026-01-01 2026-02-16 2026-02-17 2026-04-03 2026-04-21 2026-05-01 2026-06-04 2026-09-07 2026-10-12 2026-11-02 2026-11-20 2026-12-24 2026-12-25 2026-12-31",
            "2021, 2021-01-01 2021-01-25 2021-02-15 2021-02-16 2021-04-02 2021-04-21 2021-06-03 2021-07-09 2021-09-07 2021-10-12 2021-11-02 2021-11-15 2021-12-24 2021-12-31",
    })
    void b3sWeekdayHolidaysOfAYear(int year, String expected) {
        List<LocalDate> closed = new ArrayList<>();
        for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY
                    && !TradingCalendar.B3.isTradingDay(d)) {
                closed.add(d);
            }
        }
        assertEquals(Arrays.stream(expected.split(" ")).map(LocalDate::parse).toList(), closed);
    }

    /** Carnival Monday and Tuesday, Good Friday and Corpus Christi move with Easter; Ash Wednesday trades from 13:00. */
    @ParameterizedTest
    @CsvSource({
            "2010-02-15, 2010-04-02, 2010-06-03", "2016-02-08, 2016-03-25, 2016-05-26", "2019-03-04, 2019-04-19, 2019-06-20",
            "2020-02-24, 2020-04-10, 2020-06-11", "2024-02-12, 2024-03-29, 2024-05-30", "2025-03-03, 2025-04-18, 2025-06-19",
            "2027-02-08, 2027-03-26, 2027-05-27", "2038-03-08, 2038-04-23, 2038-06-24",
    })
    void b3sEasterHolidays(LocalDate carnivalMonday, LocalDate goodFriday, LocalDate corpusChristi) {
        TradingCalendar b3 = TradingCalendar.B3;
        assertTrue(b3.isTradingDay(carnivalMonday.minusDays(3)), "the Friday before Carnival");
        assertFalse(b3.isTradingDay(carnivalMonday), "Carnival Monday");
        assertFalse(b3.isTradingDay(carnivalMonday.plusDays(1)), "Carnival Tuesday");
        assertTrue(b3.isTradingDay(carnivalMonday.plusDays(2)), "Ash Wednesday");
        assertTrue(b3.isTradingDay(goodFriday.minusDays(1)), "Holy Thursday");
        assertFalse(b3.isTradingDay(goodFriday), "Good Friday");
        LocalDate easterMonday = goodFriday.plusDays(3);
        assertEquals(!easterMonday.equals(LocalDate.of(easterMonday.getYear(), 4, 21)), b3.isTradingDay(easterMonday),
                "Easter Monday trades but when it is Tiradentes (2025)");
        assertFalse(b3.isTradingDay(corpusChristi), "Corpus Christi");
        assertTrue(b3.isTradingDay(corpusChristi.plusDays(1)), "the Friday after Corpus Christi");
    }

    @Test
    void b3HolidaysAreNotMovedOffWeekendsButTheYearsLastDayIs() {
        TradingCalendar b3 = TradingCalendar.B3;
        assertTrue(b3.isTradingDay(LocalDate.of(2024, 4, 22)), "Tiradentes on a Sunday: Monday trades");
        assertTrue(b3.isTradingDay(LocalDate.of(2025, 11, 14)), "the Republic on a Saturday: Friday trades");
        assertTrue(b3.isTradingDay(LocalDate.of(2023, 1, 2)), "New Year's Day on a Sunday: Monday trades");
        assertTrue(b3.isTradingDay(LocalDate.of(2021, 12, 23)), "Christmas Eve on a Friday: Thursday trades");
        assertFalse(b3.isTradingDay(LocalDate.of(2022, 12, 30)), "31 December on a Saturday: closed the Friday");
        assertFalse(b3.isTradingDay(LocalDate.of(2023, 12, 29)), "31 December on a Sunday: closed the Friday");
        assertTrue(b3.isTradingDay(LocalDate.of(2023, 12, 28)), "the Thursday before");
        assertFalse(b3.isTradingDay(LocalDate.of(2028, 12, 29)), "31 December 2028 is a Sunday");
        assertFalse(b3.isTradingDay(LocalDate.of(2024, 11, 16)), "Saturday");
        assertFalse(b3.isTradingDay(LocalDate.of(2024, 11, 17)), "Sunday");
    }

    @Test
    void b3ClosedForSaoPaulosHolidaysThrough2021AndForBlackConsciousnessDayAsTheDataShows() {
        TradingCalendar b3 = TradingCalendar.B3;
        assertFalse(b3.isTradingDay(LocalDate.of(2021, 1, 25)), "the city's anniversary, 2021");
        assertTrue(b3.isTradingDay(LocalDate.of(2022, 1, 25)), "the city's anniversary from 2022: trades");
        assertFalse(b3.isTradingDay(LocalDate.of(2021, 7, 9)), "the Constitutionalist Revolution, 2021");
        assertTrue(b3.isTradingDay(LocalDate.of(2024, 7, 9)), "the Constitutionalist Revolution from 2022: trades");
        assertTrue(b3.isTradingDay(LocalDate.of(2020, 7, 9)), "2020: the state moved it to May, B3 traded on both");
        assertFalse(b3.isTradingDay(LocalDate.of(2019, 11, 20)), "Black Consciousness Day, a city holiday, 2019");
        assertTrue(b3.isTradingDay(LocalDate.of(2020, 11, 20)), "2020: the city moved it to May, B3 traded on both");
        assertTrue(b3.isTradingDay(LocalDate.of(2023, 11, 20)), "2023: B3 traded");
        assertFalse(b3.isTradingDay(LocalDate.of(2024, 11, 20)), "a national holiday from 2024");
        assertTrue(b3.isTradingDay(LocalDate.of(2003, 11, 20)), "not a holiday before 2004");
        assertFalse(b3.isTradingDay(LocalDate.of(2014, 6, 12)), "the World Cup's opening match in Sao Paulo");
        assertTrue(b3.isTradingDay(LocalDate.of(2014, 6, 13)), "the day after");
    }

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
        assertEquals(List.of(LocalDate.of(2025, 1, 2), LocalDate.of(2025, 1, 3), LocalDate.of(2025, 1, 6)),
                TradingCalendar.forSymbol("PETR4.SA").next(last, 3), "B3: closed on the last day of the year and New Year's Day");
        assertEquals(List.of(LocalDate.of(2024, 12, 31), LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 2)),
                TradingCalendar.forSymbol("VOD.L").next(last, 3), "other exchanges: weekdays only");
        // a PETR4.SA forecast made on the Friday before Carnival: its first step is Ash Wednesday (trades from 13:00)
        assertEquals(List.of(LocalDate.of(2025, 3, 5), LocalDate.of(2025, 3, 6), LocalDate.of(2025, 3, 7)),
                TradingCalendar.B3.next(LocalDate.of(2025, 2, 28), 3));
    }

    @Test
    void usListingsByYahoosSpelling() {
        for (String s : List.of("MSFT", "AAPL", "BRK-B", "^GSPC", "^DJI", "^IXIC", "GOOGL")) {
            assertEquals(TradingCalendar.US, TradingCalendar.forSymbol(s), s);
        }
        for (String s : List.of("PETR4.SA", "VALE3.SA", "BOVA11.SA", "^BVSP")) {
            assertEquals(TradingCalendar.B3, TradingCalendar.forSymbol(s), s);
        }
        for (String s : List.of("VOD.L", "BTC-USD", "EURUSD=X", "", "msft", "petr4.sa", ".SA", "PETR4.SAO", "^FTSE", "^N225", "^GDAXI")) {
            assertEquals(TradingCalendar.WEEKDAYS, TradingCalendar.forSymbol(s), s);
        }
        assertEquals(List.of("us-equities", "b3", "weekdays"),
                List.of(TradingCalendar.US.name(), TradingCalendar.B3.name(), TradingCalendar.WEEKDAYS.name()));
    }

    /**
     * The per-year cached holidays are the rules' own, for both calendars with rules: every day from 1990 to 2100 (and
     * days in years outside the cache, which the rules answer directly) is a holiday of the cache exactly when the
     * rules say so, and a trading day exactly when it is a weekday that is not one.
     */
    @Test
    void theCachedHolidaysEqualTheRulesEveryDayFrom1990To2100() {
        assertCacheEqualsRules(TradingCalendar.US, TradingCalendar::usHolidayByRules, 9);
        assertCacheEqualsRules(TradingCalendar.B3, B3Holidays::isHoliday, 9);
    }

    private static void assertCacheEqualsRules(TradingCalendar calendar, java.util.function.Predicate<LocalDate> rules,
                                               int perYear) {
        HolidayCache cache = new HolidayCache(rules);
        List<String> wrong = new ArrayList<>();
        int holidays = 0;
        for (LocalDate d = LocalDate.of(1990, 1, 1); d.getYear() <= 2100; d = d.plusDays(1)) {
            boolean byRules = rules.test(d);
            boolean weekday = d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
            holidays += byRules && weekday ? 1 : 0;
            if (cache.test(d) != byRules || calendar.isTradingDay(d) != (weekday && !byRules)) {
                wrong.add(calendar.name() + " " + d + (byRules ? " a holiday by the rules" : " no holiday by the rules"));
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " days differ, first 20");
        assertTrue(holidays > 111 * perYear, calendar.name() + ": about " + perYear + " or more weekday holidays a year: "
                + holidays);
        for (LocalDate d : List.of(LocalDate.of(1799, 12, 25), LocalDate.of(2300, 7, 4), LocalDate.of(2300, 7, 5),
                LocalDate.of(HolidayCache.LAST_CACHED_YEAR, 12, 25), LocalDate.of(HolidayCache.FIRST_CACHED_YEAR, 1, 1))) {
            assertEquals(rules.test(d), cache.test(d), calendar.name() + " " + d);
        }
    }
}
