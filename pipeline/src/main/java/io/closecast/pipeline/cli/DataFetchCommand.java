package io.closecast.pipeline.cli;

import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.pipeline.data.PriceCache;
import io.closecast.model.prices.source.PriceSource;
import io.closecast.model.prices.source.YahooChartClient;
import io.closecast.model.prices.source.YahooConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

/** {@code closecast data fetch}: fills the CSV cache from Yahoo's chart API or Alpha Vantage, incrementally. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download daily bars from Yahoo Finance (default) or Alpha Vantage into <data-dir>/<SYMBOL>.csv",
                "(only the missing days). Alpha Vantage reads its API key from " + AlphaVantageConfig.API_KEY_ENV + "."})
public final class DataFetchCommand implements Callable<Integer> {

    static final String YAHOO = "yahoo";
    static final String ALPHA_VANTAGE = "alpha-vantage";

    @Option(names = "--symbol", required = true, description = "Symbol as the source names it, e.g. PETR4.SA or MSFT"
            + " (Yahoo), PETR4.SAO or MSFT (Alpha Vantage).")
    String symbol;

    @Option(names = "--from", required = true, description = "First date, e.g. 2014-01-01.")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Last date (inclusive), e.g. 2024-12-31.")
    LocalDate to;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = YAHOO,
            description = "yahoo or alpha-vantage (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--function", paramLabel = "FUNCTION",
            description = "Alpha Vantage's series: TIME_SERIES_DAILY_ADJUSTED (default; split-adjusted prices, adjusted"
                    + " close, dividends) or TIME_SERIES_DAILY (prices as traded).")
    String function;

    @Option(names = "--base-url", description = "API base URL (default: https://query1.finance.yahoo.com for Yahoo,"
            + " https://www.alphavantage.co for Alpha Vantage).")
    URI baseUrl;

    @Option(names = "--data-dir", description = "Cache folder, relative to the current directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "data")
    Path dataDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PriceSource client = source();
        PriceCache cache = PriceCache.create(dataDir.toAbsolutePath().normalize());
        PriceCache.FetchResult r = cache.fetch(client, symbol, from, to);
        out.printf("%s: %s; %d request(s), %d bar(s) fetched, %d new row(s), %d null bar(s) dropped%n", symbol, r.note(),
                r.requests().size(), r.fetchedBars(), r.addedBars(), r.droppedNullBars());
        if (!r.series().isEmpty()) {
            out.printf("%s now holds %d rows, %s..%s%n", r.file(), r.series().size(), r.series().firstDate(), r.series().lastDate());
        }
        return 0;
    }

    private PriceSource source() {
        switch (source) {
            case YAHOO -> {
                if (function != null) {
                    throw usage("--function applies to --source alpha-vantage only, found --function " + function
                            + " with --source yahoo");
                }
                YahooConfig config = YahooConfig.defaults();
                return YahooChartClient.create(baseUrl == null ? config : config.withBaseUrl(baseUrl));
            }
            case ALPHA_VANTAGE -> {
                AlphaVantageConfig config = AlphaVantageConfig.defaults();
                if (function != null) {
                    try {
                        config = config.withFunction(AlphaVantageConfig.Function.of(function));
                    } catch (io.closecast.model.prices.source.PriceSourceException e) {
                        throw usage("--function: " + e.getMessage());
                    }
                }
                return AlphaVantageClient.fromEnvironment(baseUrl == null ? config : config.withBaseUrl(baseUrl));
            }
            default -> throw usage("--source must be yahoo or alpha-vantage, found '" + source + "'");
        }
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
