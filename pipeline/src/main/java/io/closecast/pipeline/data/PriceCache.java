package io.closecast.pipeline.data;

import io.closecast.pipeline.PipelineException;

import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.source.ChartData;
import io.closecast.model.prices.source.PriceSource;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Daily prices cached as {@code <dir>/<SYMBOL>.csv} in Yahoo's download layout, so later runs read them
 * without the network. {@link #fetch} asks a {@link PriceSource} (Yahoo, Alpha Vantage) only for the days the file
 * lacks (before its first or after its last date) and merges them in (sorted, one row per date). When the new days
 * carry a split or a dividend, the source has re-adjusted the history (splits change Close, dividends Adj Close), so
 * the whole range is fetched again instead. The file is replaced atomically, and only after every request succeeded.
 */
public final class PriceCache {

    private static final Logger LOG = LoggerFactory.getLogger(PriceCache.class);

    private final Path dir;
    private final Clock clock;

    private PriceCache(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public static PriceCache create(Path dir) {
        return new PriceCache(dir, Clock.systemUTC());
    }

    /** With a clock: bars dated on or after its (UTC) today are left out, as the session may still be running. */
    public static PriceCache create(Path dir, Clock clock) {
        return new PriceCache(dir, clock);
    }

    public Path dir() {
        return dir;
    }

    public Path file(String symbol) {
        return dir.resolve(symbol + ".csv");
    }

    /** The cached series, if the file exists. */
    public Optional<PriceSeries> read(String symbol) {
        Path file = file(symbol);
        return Files.isRegularFile(file) ? Optional.of(PriceCsv.read(file)) : Optional.empty();
    }

    /** What a fetch did. */
    public record FetchResult(Path file, PriceSeries series, List<URI> requests, int fetchedBars, int addedBars,
                              int droppedNullBars, boolean refetchedAll, String note) {
        public FetchResult {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(series, "series");
            Objects.requireNonNull(note, "note");
            requests = List.copyOf(requests);
        }
    }

    /** Makes the cache hold {@code from..to} (inclusive), fetching only what is missing. */
    public FetchResult fetch(PriceSource client, String symbol, LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new PipelineException("--to must be on or after --from, found --from " + from + " --to " + to);
        }
        LocalDate lastComplete = LocalDate.now(clock).minusDays(1);
        LocalDate end = to.isAfter(lastComplete) ? lastComplete : to;
        if (end.isBefore(from)) {
            throw new PipelineException("nothing to fetch: --from " + from + " is after the last complete day " + lastComplete);
        }
        Path file = file(symbol);
        Optional<PriceSeries> cached = read(symbol);
        List<URI> requests = new ArrayList<>();
        List<ChartData> fetched = new ArrayList<>();

        if (cached.isEmpty() || cached.get().isEmpty()) {
            ChartData all = get(client, symbol, from, end, requests, fetched);
            if (all.series().isEmpty()) {
                throw new PipelineException(client.name() + " returned no daily bars for " + symbol + " between " + from + " and " + end
                        + "; nothing written to " + file);
            }
            PriceCsv.write(all.series(), file);
            return new FetchResult(file, all.series(), requests, all.series().size(), all.series().size(), all.droppedNullBars(),
                    true, "new file");
        }

        PriceSeries old = cached.get();
        LocalDate first = old.bars().stream().map(PriceBar::date).min(LocalDate::compareTo).orElseThrow();
        LocalDate last = old.bars().stream().map(PriceBar::date).max(LocalDate::compareTo).orElseThrow();
        if (from.isBefore(first)) {
            get(client, symbol, from, first.minusDays(1), requests, fetched);
        }
        if (end.isAfter(last)) {
            get(client, symbol, last.plusDays(1), end, requests, fetched);
        }
        if (requests.isEmpty()) {
            return new FetchResult(file, old, requests, 0, 0, 0, false, "cache already covers " + from + ".." + end);
        }
        boolean adjusted = fetched.stream().anyMatch(c -> !c.splits().isEmpty() || !c.dividends().isEmpty());
        if (adjusted) {
            LocalDate allFrom = from.isBefore(first) ? from : first;
            LocalDate allTo = end.isAfter(last) ? end : last;
            LOG.info("new days of {} carry a split or dividend: fetching {}..{} again so history stays consistently adjusted",
                    symbol, allFrom, allTo);
            ChartData all = get(client, symbol, allFrom, allTo, requests, fetched);
            if (all.series().isEmpty()) {
                throw new PipelineException(client.name() + " returned no daily bars for " + symbol + " between " + allFrom + " and " + allTo
                        + " when re-fetching after a split/dividend; " + file + " left unchanged");
            }
            PriceCsv.write(all.series(), file);
            int fetchedBars = fetched.stream().mapToInt(c -> c.series().size()).sum();
            return new FetchResult(file, all.series(), requests, fetchedBars, all.series().size() - old.size(),
                    fetched.stream().mapToInt(ChartData::droppedNullBars).sum(), true,
                    "split or dividend in the new days: history re-fetched");
        }
        Map<LocalDate, PriceBar> merged = new TreeMap<>();
        for (PriceBar bar : old.bars()) {
            merged.put(bar.date(), bar);
        }
        int fetchedBars = 0;
        for (ChartData c : fetched) {
            for (PriceBar bar : c.series().bars()) {
                merged.put(bar.date(), bar);
            }
            fetchedBars += c.series().size();
        }
        PriceSeries result = PriceSeries.create(symbol, file.toString(), List.copyOf(merged.values()));
        PriceCsv.write(result, file);
        return new FetchResult(file, result, requests, fetchedBars, result.size() - old.size(),
                fetched.stream().mapToInt(ChartData::droppedNullBars).sum(), false, "incremental");
    }

    private static ChartData get(PriceSource client, String symbol, LocalDate from, LocalDate to, List<URI> requests,
                                 List<ChartData> fetched) {
        requests.add(client.requestUri(symbol, from, to));
        ChartData data = client.fetch(symbol, from, to);
        fetched.add(data);
        return data;
    }
}
