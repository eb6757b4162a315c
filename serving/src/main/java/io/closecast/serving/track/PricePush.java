package io.closecast.serving.track;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.TradingCalendar;
import io.closecast.model.prices.checks.CheckAction;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.Finding;
import io.closecast.model.prices.checks.PriceChecks;

/**
 * Realised daily bars a client pushes ({@code POST /v1/prices}), checked as the {@link PriceDirectory} checks a file:
 * the data checks' rules under the default policy (a bar a check would fail or drop is refused), no day after today
 * (the service's clock), only days the symbol's exchange trades. All or nothing: one refused bar refuses the push.
 */
public final class PricePush {

    /** Why one bar is refused: its index in the push, the field at fault ({@code date}, or empty for the bar), why. */
    public record Refusal(int index, String field, String reason) {
    }

    /** The closes to store (date to close) or, when any bar is refused, the refusals. */
    public record Checked(Map<LocalDate, Double> closes, List<Refusal> refused) {
    }

    private PricePush() {
    }

    /** Checks {@code bars} of {@code symbol} against the rules and {@code clock}'s today. */
    public static Checked check(String symbol, List<PriceBar> bars, Clock clock) {
        PriceSeries series = new PriceSeries(symbol, "POST /v1/prices", bars);
        List<Refusal> refused = new ArrayList<>();
        CheckPolicy policy = CheckPolicy.defaults();
        for (Finding f : PriceChecks.run(series, CheckConfig.defaults()).findings()) {
            if (policy.action(f.kind()) != CheckAction.WARN) {
                for (int row : f.rows()) {
                    refused.add(new Refusal(row, "", f.toString()));
                }
            }
        }
        LocalDate today = LocalDate.now(clock);
        TradingCalendar calendar = TradingCalendar.forSymbol(symbol);
        Map<LocalDate, Double> closes = new TreeMap<>();
        for (int i = 0; i < bars.size(); i++) {
            PriceBar bar = bars.get(i);
            if (bar.date().isAfter(today)) {
                refused.add(new Refusal(i, "date", "expected a day that has closed (today is " + today + "), found " + bar.date()));
            } else if (!calendar.isTradingDay(bar.date())) {
                refused.add(new Refusal(i, "date", "expected a trading day of " + calendar.name() + ", found "
                        + bar.date() + " (" + bar.date().getDayOfWeek() + ")"));
            }
            closes.put(bar.date(), bar.close());
        }
        refused.sort(java.util.Comparator.comparingInt(Refusal::index));
        return refused.isEmpty() ? new Checked(closes, List.of()) : new Checked(Map.of(), List.copyOf(refused));
    }
}
