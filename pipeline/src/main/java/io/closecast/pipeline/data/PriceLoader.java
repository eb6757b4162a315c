package io.closecast.pipeline.data;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.TrainConfig;

import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Function;

import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.model.prices.source.PriceSource;
import io.closecast.model.prices.source.YahooChartClient;
import io.closecast.model.prices.source.YahooConfig;

/**
 * The prices a training config names: its {@code data.file}, fetched into the cache first from {@code data.source}
 * (Yahoo or Alpha Vantage) when {@code data.fetch} is on.
 */
public final class PriceLoader {
    private PriceLoader() {
    }

    /** Loads the prices {@code config} names, cut to its {@code data.from} .. {@code data.to}. */
    public static PriceSeries load(TrainConfig config) {
        return load(config, PriceLoader::source);
    }

    /** The public endpoint of a provider (Alpha Vantage's key from {@value AlphaVantageConfig#API_KEY_ENV}). */
    static PriceSource source(TrainConfig.PriceProvider provider) {
        return switch (provider) {
            case YAHOO -> YahooChartClient.create(YahooConfig.defaults());
            case ALPHA_VANTAGE -> AlphaVantageClient.fromEnvironment(AlphaVantageConfig.defaults());
        };
    }

    /** As {@link #load(TrainConfig)}, fetching through the source {@code sources} gives for {@code data.source}. */
    public static PriceSeries load(TrainConfig config, Function<TrainConfig.PriceProvider, PriceSource> sources) {
        TrainConfig.DataSource data = config.data();
        PriceSeries series;
        if (data.fetch()) {
            PriceCache cache = PriceCache.create(data.file().toAbsolutePath().getParent());
            LocalDate from = data.from().orElse(LocalDate.of(2010, 1, 1));
            LocalDate to = data.to().orElse(LocalDate.now(ZoneOffset.UTC));
            series = cache.fetch(sources.apply(data.provider()), data.symbol(), from, to).series();
        } else {
            if (!Files.isRegularFile(data.file())) {
                throw new PipelineException("data.file " + data.file() + " does not exist: give a CSV in the Yahoo layout"
                        + " (Date,Open,High,Low,Close,Adj Close,Volume), or set data.fetch: true to download it;"
                        + " relative paths in a config resolve against its project root (the closest directory above"
                        + " the config holding data/ or configs/), not the current directory");
            }
            series = PriceCsv.read(data.file());
        }
        LocalDate from = data.from().orElse(LocalDate.MIN);
        LocalDate to = data.to().orElse(LocalDate.MAX);
        return series.between(from, to);
    }
}
