package io.closecast.pipeline.cli;

import io.closecast.pipeline.data.PriceCache;
import io.closecast.pipeline.data.YahooChartClient;
import io.closecast.pipeline.data.YahooConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

/** {@code closecast data fetch}: fills the CSV cache from Yahoo's chart API, incrementally. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download daily bars from Yahoo Finance into <data-dir>/<SYMBOL>.csv (only the missing days).")
public final class DataFetchCommand implements Callable<Integer> {

    @Option(names = "--symbol", required = true, description = "Yahoo symbol, e.g. PETR4.SA, MSFT.")
    String symbol;

    @Option(names = "--from", required = true, description = "First date, e.g. 2014-01-01.")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Last date (inclusive), e.g. 2024-12-31.")
    LocalDate to;

    @Option(names = "--base-url", description = "Chart API base URL (default: ${DEFAULT-VALUE}).",
            defaultValue = "https://query1.finance.yahoo.com")
    URI baseUrl;

    @Option(names = "--data-dir", description = "Cache folder, relative to the current directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "data")
    Path dataDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        YahooChartClient client = YahooChartClient.create(YahooConfig.defaults().withBaseUrl(baseUrl));
        PriceCache cache = PriceCache.create(dataDir.toAbsolutePath().normalize());
        PriceCache.FetchResult r = cache.fetch(client, symbol, from, to);
        out.printf("%s: %s; %d request(s), %d bar(s) fetched, %d new row(s), %d null bar(s) dropped%n", symbol, r.note(),
                r.requests().size(), r.fetchedBars(), r.addedBars(), r.droppedNullBars());
        if (!r.series().isEmpty()) {
            out.printf("%s now holds %d rows, %s..%s%n", r.file(), r.series().size(), r.series().firstDate(), r.series().lastDate());
        }
        return 0;
    }
}
