package io.closecast.model.prices;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * The weekdays B3 (Brasil, Bolsa, Balcao; Sao Paulo) does not trade, as the exchange publishes them in its yearly
 * calendar, with the years each rule held checked against the bundled PETR4.SA sessions 2010-2024
 * ({@code TradingCalendarTest}).
 *
 * <ul>
 *   <li>National holidays, every year, not moved off weekends: New Year's Day, Carnival Monday and Tuesday (Easter -
 *       48 and - 47), Good Friday, Tiradentes (21 April), Labour Day (1 May), Corpus Christi (Easter + 60),
 *       Independence (7 September), Nossa Senhora Aparecida (12 October), Finados (2 November), Proclamation of the
 *       Republic (15 November), Christmas Eve and Christmas (24, 25 December).</li>
 *   <li>The last weekday of the year: 31 December, or the Friday before when it falls on a weekend (the data: closed
 *       2011-12-30, 2016-12-30, 2022-12-30 for a Saturday, 2017-12-29 and 2023-12-29 for a Sunday).</li>
 *   <li>Black Consciousness Day (20 November): a national holiday from 2024 (Law 14.759/2023). Before that it was a
 *       Sao Paulo municipal holiday (from 2004) and B3 closed for it with the city's other holidays, below: the data
 *       has no session on it in any year 2012-2019 it fell on a weekday (2017 only a flat zero-volume row), and one on
 *       2023-11-20 (B3 announced a normal session).</li>
 *   <li>Sao Paulo's holidays, through 2021 only: the city's anniversary (25 January) and the state's Constitutionalist
 *       Revolution (9 July, a state holiday from 1997). The data: no session on 25 January 2010-2021 nor on 9 July
 *       2010-2021 on a weekday (but 2020, below); sessions on 2022-01-25, 2023-01-25, 2024-01-25 and 2024-07-09: from
 *       2022 B3 trades on the city's and the state's own holidays.</li>
 *   <li>2020: Sao Paulo moved 9 July and 20 November to May 2020 (COVID). B3 traded on the May dates and, by its
 *       notice of 8 June 2020, on 9 July and 20 November too. The data has the 2020-07-09 session; Yahoo has no row
 *       for 2020-11-20 (a gap in the download, data/SOURCES.md).</li>
 *   <li>Unscheduled: 2014-06-12, the World Cup's opening match in Sao Paulo.</li>
 * </ul>
 *
 * Ash Wednesday (Easter - 46) trades from 13:00: a trading day. Yahoo also has no row for Ash Wednesday 2012
 * (2012-02-22), a session B3 held (a gap in the download). Years before the data (2010) follow the same rules and
 * are not checked; a future unscheduled closure is not known.
 */
final class B3Holidays {

    /** The last year B3 closed for Sao Paulo's municipal and state holidays (25 January, 9 July, 20 November). */
    static final int LAST_SAO_PAULO_CLOSURE = 2021;

    /** Closures outside the rules. */
    private static final Set<LocalDate> UNSCHEDULED = Set.of(LocalDate.of(2014, 6, 12));

    /** Sao Paulo holidays B3 traded on: the 2020 dates the state and the city moved to May (COVID). */
    private static final Set<LocalDate> TRADED = Set.of(LocalDate.of(2020, 7, 9), LocalDate.of(2020, 11, 20));

    private B3Holidays() {
    }

    /**
     * Whether B3 is closed on {@code day} for a holiday or a closure (weekends are the caller's).
     *
     * @param day any date
     * @return true on B3's holidays and unscheduled closures
     */
    static boolean isHoliday(LocalDate day) {
        if (UNSCHEDULED.contains(day)) {
            return true;
        }
        int year = day.getYear();
        long fromEaster = ChronoUnit.DAYS.between(TradingCalendar.easter(year), day);
        if (fromEaster == -48 || fromEaster == -47 || fromEaster == -2 || fromEaster == 60) {
            return true; // Carnival Monday and Tuesday, Good Friday, Corpus Christi
        }
        int md = day.getMonthValue() * 100 + day.getDayOfMonth();
        return switch (md) {
            case 101, 421, 501, 907, 1012, 1102, 1115, 1224, 1225 -> true;
            case 1120 -> year >= 2024 || (year >= 2004 && saoPauloClosed(day));
            case 125 -> saoPauloClosed(day);
            case 709 -> year >= 1997 && saoPauloClosed(day);
            default -> day.equals(lastWeekdayOfYear(year));
        };
    }

    private static boolean saoPauloClosed(LocalDate day) {
        return day.getYear() <= LAST_SAO_PAULO_CLOSURE && !TRADED.contains(day);
    }

    /** 31 December, or the Friday before when it falls on a Saturday or a Sunday. */
    private static LocalDate lastWeekdayOfYear(int year) {
        LocalDate d = LocalDate.of(year, 12, 31);
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.minusDays(1);
        }
        return d;
    }
}
