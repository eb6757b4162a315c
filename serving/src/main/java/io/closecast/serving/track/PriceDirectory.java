package io.closecast.serving.track;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.closecast.model.ModelException;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.TradingCalendar;
import io.closecast.model.prices.checks.CheckAction;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.CheckReport;
import io.closecast.model.prices.checks.Finding;
import io.closecast.model.prices.checks.PriceChecks;

/**
 * Realised closes from a directory of daily price files, one per symbol ({@code <dir>/<SYMBOL>.csv}, Yahoo's layout,
 * read by {@link PriceCsv}): the offline feed and the tests' one. A file may grow day by day; each refresh reads it
 * whole, runs the data checks ({@link PriceChecks}, default thresholds) and refuses a bar that a check would fail or
 * drop under the default policy (non-positive price, missing value, close outside the day's range, zero volume,
 * duplicate or out-of-order date), a bar dated after today (the service's clock) and a bar on a day its exchange does
 * not trade ({@link TradingCalendar#forSymbol}). What is refused is not stored, and is reported with its reason.
 */
public final class PriceDirectory {

    /** What one refresh of one symbol did. */
    public record Refresh(String symbol, Map<LocalDate, Double> accepted, List<String> refused) {
    }

    private final Path dir;
    private final Clock clock;

    public PriceDirectory(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** The file of {@code symbol}. */
    public Path file(String symbol) {
        return dir.resolve(symbol + ".csv");
    }

    /**
     * The closes of {@code symbol} after {@code after} that pass the checks.
     *
     * @throws ModelException when the file is missing or cannot be read as a price file
     */
    public Refresh read(String symbol, LocalDate after) {
        Path file = file(symbol);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("no price file for " + symbol + ": expected " + file.toAbsolutePath());
        }
        return check(PriceCsv.read(file), after);
    }

    /** Checks bars as {@link #read} does. */
    public Refresh check(PriceSeries series, LocalDate after) {
        CheckReport report = PriceChecks.run(series, CheckConfig.defaults());
        CheckPolicy policy = CheckPolicy.defaults();
        Set<Integer> bad = new HashSet<>();
        List<String> refused = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (policy.action(f.kind()) != CheckAction.WARN && !f.rows().isEmpty()) {
                for (int row : f.rows()) {
                    if (series.bar(row).date().isAfter(after) && bad.add(row)) {
                        refused.add(f.toString());
                    }
                }
            }
        }
        LocalDate today = LocalDate.now(clock);
        TradingCalendar calendar = TradingCalendar.forSymbol(series.symbol());
        Map<LocalDate, Double> accepted = new TreeMap<>();
        for (int i = 0; i < series.size(); i++) {
            PriceBar bar = series.bar(i);
            if (!bar.date().isAfter(after) || bad.contains(i)) {
                continue;
            }
            if (bar.date().isAfter(today)) {
                refused.add(bar.date() + ": dated after today (" + today + "); expected a day that has closed");
            } else if (!calendar.isTradingDay(bar.date())) {
                refused.add(bar.date() + ": not a trading day of " + calendar.name() + "; expected a day the exchange trades");
            } else {
                accepted.put(bar.date(), bar.close());
            }
        }
        return new Refresh(series.symbol(), accepted, refused);
    }
}
