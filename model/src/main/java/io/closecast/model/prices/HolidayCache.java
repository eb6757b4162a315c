package io.closecast.model.prices;

import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * A calendar's holiday rules, worked out once per year: the service asks for the trading days after a request's last
 * date on every dated forecast, and the rules recompute Easter and a dozen holidays per day asked. A year from
 * {@value #FIRST_CACHED_YEAR} to {@value #LAST_CACHED_YEAR} is kept, on its first use, as a bit per day of the year;
 * other years apply the rules each time. Thread-safe: two threads that work out one year at once make the same bits.
 */
final class HolidayCache implements Predicate<LocalDate> {

    /** The first and last year kept once worked out. */
    static final int FIRST_CACHED_YEAR = 1800;
    static final int LAST_CACHED_YEAR = 2299;

    private final Predicate<LocalDate> rules;
    /** Per cached year, bit {@code dayOfYear - 1} set on a holiday or closure; null until the year is first asked. */
    private final AtomicReferenceArray<long[]> years = new AtomicReferenceArray<>(LAST_CACHED_YEAR - FIRST_CACHED_YEAR + 1);

    /** @param rules whether a day is a holiday or closure, by the rules themselves */
    HolidayCache(Predicate<LocalDate> rules) {
        this.rules = rules;
    }

    /** Whether {@code day} is a holiday or closure: from its year's bits, or the rules outside the cached years. */
    @Override
    public boolean test(LocalDate day) {
        int year = day.getYear();
        if (year < FIRST_CACHED_YEAR || year > LAST_CACHED_YEAR) {
            return rules.test(day);
        }
        long[] bits = years.get(year - FIRST_CACHED_YEAR);
        if (bits == null) {
            bits = bits(year);
            years.compareAndSet(year - FIRST_CACHED_YEAR, null, bits); // a racing thread computed the same bits
        }
        int i = day.getDayOfYear() - 1;
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** The rules applied to every day of {@code year}: bit {@code dayOfYear - 1} set on a holiday or closure. */
    private long[] bits(int year) {
        long[] bits = new long[6]; // 366 days
        for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
            if (rules.test(d)) {
                int i = d.getDayOfYear() - 1;
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }
}
