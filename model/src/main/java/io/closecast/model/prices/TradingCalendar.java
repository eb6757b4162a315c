package io.closecast.model.prices;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The days a symbol's exchange trades, for dating forecast steps. Two calendars: US equity markets (NYSE and Nasdaq
 * share their holidays: New Year's Day, Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial
 * Day, Juneteenth from 2022, Independence Day, Labor Day, Thanksgiving, Christmas, each moved as the exchanges move
 * it when it falls on a weekend, and the unscheduled closures since 2001 as history), and weekdays only for every
 * other symbol (other exchanges' holidays are not known here). A future unscheduled closure (a national day of
 * mourning, a storm) is not known either. The US holidays of a year from {@value #FIRST_CACHED_YEAR} to
 * {@value #LAST_CACHED_YEAR} are worked out once, on its first use, and kept as a bit per day of the year (the service
 * asks for the trading days after a request's last date on every dated forecast); other years apply the rules each time.
 */
public final class TradingCalendar {

    /** Monday to Friday. */
    public static final TradingCalendar WEEKDAYS = new TradingCalendar("weekdays", false);
    /** NYSE / Nasdaq. */
    public static final TradingCalendar US = new TradingCalendar("us-equities", true);

    /** Yahoo's spelling of a US listing: letters (an index's ^), an optional share class (BRK-B); no exchange suffix. */
    private static final Pattern US_SYMBOL = Pattern.compile("\\^?[A-Z][A-Z0-9]{0,5}(-[A-Z])?");

    /** Days the US markets closed outside their holiday rules (September 11, storms, national days of mourning). */
    private static final Set<LocalDate> US_UNSCHEDULED = Set.of(
            LocalDate.of(2001, 9, 11), LocalDate.of(2001, 9, 12), LocalDate.of(2001, 9, 13), LocalDate.of(2001, 9, 14),
            LocalDate.of(2004, 6, 11), LocalDate.of(2007, 1, 2), LocalDate.of(2012, 10, 29), LocalDate.of(2012, 10, 30),
            LocalDate.of(2018, 12, 5), LocalDate.of(2025, 1, 9));

    /** The first and last year whose US holidays are kept once worked out. */
    static final int FIRST_CACHED_YEAR = 1800;
    static final int LAST_CACHED_YEAR = 2299;

    /** Per cached year, bit {@code dayOfYear - 1} set on a US holiday or closure; null until the year is first asked. */
    private static final AtomicReferenceArray<long[]> US_HOLIDAYS =
            new AtomicReferenceArray<>(LAST_CACHED_YEAR - FIRST_CACHED_YEAR + 1);

    private final String name;
    private final boolean us;

    private TradingCalendar(String name, boolean us) {
        this.name = name;
        this.us = us;
    }

    /**
     * The calendar of {@code symbol} (Yahoo's spelling): US equities for a US listing, else weekdays.
     *
     * @param symbol a ticker as Yahoo spells it, e.g. {@code MSFT} or {@code PETR4.SA}
     * @return the US equities calendar for a symbol without an exchange suffix, else the weekdays calendar
     */
    public static TradingCalendar forSymbol(String symbol) {
        Objects.requireNonNull(symbol, "symbol");
        return US_SYMBOL.matcher(symbol).matches() ? US : WEEKDAYS;
    }

    /**
     * {@code us-equities} or {@code weekdays}.
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
     * @return false on weekends and, for US equities, on the exchanges' holidays and closures
     */
    public boolean isTradingDay(LocalDate day) {
        DayOfWeek dow = day.getDayOfWeek();
        if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
            return false;
        }
        return !us || !usHoliday(day);
    }

    /** Whether {@code day} is a US holiday or closure: from the year's cached bits, or the rules outside the cached years. */
    static boolean usHoliday(LocalDate day) {
        int year = day.getYear();
        if (year < FIRST_CACHED_YEAR || year > LAST_CACHED_YEAR) {
            return usHolidayByRules(day);
        }
        long[] bits = US_HOLIDAYS.get(year - FIRST_CACHED_YEAR);
        if (bits == null) {
            bits = usHolidayBits(year);
            US_HOLIDAYS.compareAndSet(year - FIRST_CACHED_YEAR, null, bits); // a racing thread computed the same bits
        }
        int i = day.getDayOfYear() - 1;
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** The rules applied to every day of {@code year}: bit {@code dayOfYear - 1} set on a holiday or closure. */
    private static long[] usHolidayBits(int year) {
        long[] bits = new long[6]; // 366 days
        for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
            if (usHolidayByRules(d)) {
                int i = d.getDayOfYear() - 1;
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
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
