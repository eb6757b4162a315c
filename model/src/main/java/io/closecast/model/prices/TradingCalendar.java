package io.closecast.model.prices;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The days a symbol's exchange trades, for dating forecast steps. Three calendars:
 * <ul>
 *   <li>{@code us-equities}, for a US listing (Yahoo's spelling without an exchange suffix): NYSE and Nasdaq share
 *       their holidays (New Year's Day, Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial Day,
 *       Juneteenth from 2022, Independence Day, Labor Day, Thanksgiving, Christmas, each moved as the exchanges move it
 *       when it falls on a weekend), and the unscheduled closures since 2001 as history. Every session of the bundled
 *       MSFT and AAPL files 2010-2024 is one of its trading days and every other weekday one of its holidays.</li>
 *   <li>{@code b3}, for a B3 listing ({@code .SA}: {@code PETR4.SA}): the holidays B3 publishes, with the years
 *       its Sao Paulo holidays and Black Consciousness Day closed it as the bundled PETR4.SA sessions 2010-2024 show
 *       them (B3 closed for the city's and the state's holidays through 2021 but for 2020's, for 20 November from
 *       2004 to 2019 and from 2024). Ash Wednesday trades (from 13:00). Every PETR4.SA session is one of its trading
 *       days and every other weekday one of its holidays, but for Yahoo's flaws (flat zero-volume rows on nine
 *       holidays, no row for the sessions of 2012-02-22 and 2020-11-20). The rules, and what the data showed year by
 *       year, are in {@code B3Holidays}.</li>
 *   <li>{@code weekdays} for every other symbol: Monday to Friday, its exchange's holidays are not known here.</li>
 * </ul>
 * A future unscheduled closure (a national day of mourning, a storm) is not known. A year's holidays are worked out
 * once, on its first use ({@code HolidayCache}).
 */
public final class TradingCalendar {

    /** Monday to Friday. */
    public static final TradingCalendar WEEKDAYS = new TradingCalendar("weekdays", day -> false);
    /** NYSE / Nasdaq. */
    public static final TradingCalendar US = new TradingCalendar("us-equities", new HolidayCache(TradingCalendar::usHolidayByRules));
    /** B3 (Brasil, Bolsa, Balcao), Sao Paulo. */
    public static final TradingCalendar B3 = new TradingCalendar("b3", new HolidayCache(B3Holidays::isHoliday));

    /** Yahoo's spelling of a US listing: letters (an index's ^), an optional share class (BRK-B); no exchange suffix. */
    private static final Pattern US_SYMBOL = Pattern.compile("\\^?[A-Z][A-Z0-9]{0,5}(-[A-Z])?");
    /** Yahoo's spelling of a B3 listing: the ticker and {@code .SA} ({@code PETR4.SA}, {@code BOVA11.SA}). */
    private static final Pattern B3_SYMBOL = Pattern.compile("[A-Z0-9]+\\.SA");
    /** B3's indices as Yahoo spells them (Ibovespa, IBrX 50, IBrX 100): spelled like US indices, on B3's calendar. */
    private static final Set<String> B3_INDICES = Set.of("^BVSP", "^IBX50", "^IBXL");
    /** Other exchanges' main indices as Yahoo spells them: spelled like US indices, their holidays unknown here. */
    private static final Set<String> OTHER_INDICES = Set.of("^FTSE", "^GDAXI", "^FCHI", "^STOXX50E", "^N100", "^AEX",
            "^IBEX", "^SSMI", "^N225", "^HSI", "^AXJO", "^GSPTSE", "^BSESN", "^NSEI", "^KS11", "^TWII", "^MXX", "^MERV",
            "^STI", "^JKSE", "^NZ50");

    /** Days the US markets closed outside their holiday rules (September 11, storms, national days of mourning). */
    private static final Set<LocalDate> US_UNSCHEDULED = Set.of(
            LocalDate.of(2001, 9, 11), LocalDate.of(2001, 9, 12), LocalDate.of(2001, 9, 13), LocalDate.of(2001, 9, 14),
            LocalDate.of(2004, 6, 11), LocalDate.of(2007, 1, 2), LocalDate.of(2012, 10, 29), LocalDate.of(2012, 10, 30),
            LocalDate.of(2018, 12, 5), LocalDate.of(2025, 1, 9));

    private final String name;
    private final Predicate<LocalDate> holiday;

    private TradingCalendar(String name, Predicate<LocalDate> holiday) {
        this.name = name;
        this.holiday = holiday;
    }

    /**
     * The calendar of {@code symbol} (Yahoo's spelling): US equities for a US listing or index, B3 for a {@code .SA}
     * listing or a B3 index ({@code ^BVSP}), else weekdays (other exchanges' listings and main indices, e.g.
     * {@code ^FTSE}).
     *
     * @param symbol a ticker as Yahoo spells it, e.g. {@code MSFT} or {@code PETR4.SA}
     * @return the US equities calendar for a symbol without an exchange suffix, the B3 calendar for a {@code .SA}
     *         symbol, else the weekdays calendar
     */
    public static TradingCalendar forSymbol(String symbol) {
        Objects.requireNonNull(symbol, "symbol");
        if (B3_INDICES.contains(symbol)) {
            return B3;
        }
        if (OTHER_INDICES.contains(symbol)) {
            return WEEKDAYS;
        }
        if (US_SYMBOL.matcher(symbol).matches()) {
            return US;
        }
        return B3_SYMBOL.matcher(symbol).matches() ? B3 : WEEKDAYS;
    }

    /**
     * {@code us-equities}, {@code b3} or {@code weekdays}.
     *
     * @return the calendar's name as {@code /v1/predict} reports it
     */
    public String name() {
        return name;
    }

    /**
     * Whether the exchange trades on {@code day}.
     *
     * @param day any date
     * @return false on weekends and on the exchange's holidays and closures (none for the weekdays calendar)
     */
    public boolean isTradingDay(LocalDate day) {
        DayOfWeek dow = day.getDayOfWeek();
        if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
            return false;
        }
        return !holiday.test(day);
    }

    /**
     * The next {@code count} trading days after {@code last}.
     *
     * @param last the day to count from (itself not included), e.g. the last price's date
     * @param count trading days wanted, >= 0
     * @return the days in order; empty for 0
     */
    public List<LocalDate> next(LocalDate last, int count) {
        List<LocalDate> out = new ArrayList<>(count);
        LocalDate d = last;
        while (out.size() < count) {
            d = d.plusDays(1);
            if (isTradingDay(d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The holiday rules and the unscheduled closures themselves (what the per-year bits are made from). */
    static boolean usHolidayByRules(LocalDate day) {
        if (US_UNSCHEDULED.contains(day)) {
            return true;
        }
        int year = day.getYear();
        // New Year's Day: a Sunday's is kept on Monday; a Saturday's is not moved to the Friday before (NYSE rule 7.2)
        LocalDate newYear = LocalDate.of(year, Month.JANUARY, 1);
        if (day.equals(newYear.getDayOfWeek() == DayOfWeek.SUNDAY ? newYear.plusDays(1) : newYear)) {
            return true;
        }
        return (year >= 1998 && day.equals(nth(year, Month.JANUARY, DayOfWeek.MONDAY, 3)))
                || day.equals(nth(year, Month.FEBRUARY, DayOfWeek.MONDAY, 3))
                || day.equals(easter(year).minusDays(2))
                || day.equals(LocalDate.of(year, Month.MAY, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)))
                || (year >= 2022 && day.equals(observed(LocalDate.of(year, Month.JUNE, 19))))
                || day.equals(observed(LocalDate.of(year, Month.JULY, 4)))
                || day.equals(nth(year, Month.SEPTEMBER, DayOfWeek.MONDAY, 1))
                || day.equals(nth(year, Month.NOVEMBER, DayOfWeek.THURSDAY, 4))
                || day.equals(observed(LocalDate.of(year, Month.DECEMBER, 25)));
    }

    /** A Saturday holiday is kept on the Friday before, a Sunday one on the Monday after. */
    private static LocalDate observed(LocalDate day) {
        return switch (day.getDayOfWeek()) {
            case SATURDAY -> day.minusDays(1);
            case SUNDAY -> day.plusDays(1);
            default -> day;
        };
    }

    private static LocalDate nth(int year, Month month, DayOfWeek dow, int n) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, dow));
    }

    /** Easter Sunday (Gregorian; the anonymous algorithm of Meeus / Jones / Butcher). */
    static LocalDate easter(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int dayOfMonth = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, dayOfMonth);
    }

    @Override
    public String toString() {
        return name;
    }
}
