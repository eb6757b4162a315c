package io.closecast.pipeline;

import io.closecast.model.prices.source.AlphaVantageReplayServer;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.pipeline.data.PriceLoader;

import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A training config's {@code data.source: alpha-vantage} with {@code data.fetch: true}, against the replay server. */
class PriceLoaderIT {

    private static TrainConfig config(Path dir, String source) {
        String text = """
                data:
                  symbol: AAPL
                  file: %s/AAPL.csv
                  fetch: true
                  source: %s
                  from: 2020-08-03
                  to: 2020-09-11
                """.formatted(dir, source);
        return TrainConfig.read(YamlConfig.parse(text, "configs/av.yaml"), dir);
    }

    @Test
    void aConfigFetchesFromAlphaVantageIntoItsDataFile(@TempDir Path dir) {
        TrainConfig config = config(dir, "alpha-vantage");
        assertEquals(TrainConfig.PriceProvider.ALPHA_VANTAGE, config.data().provider());
        assertEquals("alpha-vantage", config.resolved().get("data.source"));
        List<TrainConfig.PriceProvider> asked = new ArrayList<>();
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            PriceSeries series = PriceLoader.load(config, provider -> {
                asked.add(provider);
                return AlphaVantageClient.create(AlphaVantageConfig.defaults().withBaseUrl(server.baseUrl())
                        .withRetries(0, Duration.ZERO), AlphaVantageReplayServer.KEY);
            });
            assertEquals(List.of(TrainConfig.PriceProvider.ALPHA_VANTAGE), asked);
            assertEquals(29, series.size());
            assertEquals(LocalDate.of(2020, 9, 11), series.lastDate());
            assertTrue(Files.isRegularFile(dir.resolve("AAPL.csv")));
            assertEquals(1, server.requests.size());
        }
        assertEquals(TrainConfig.PriceProvider.YAHOO, config(dir, "yahoo").data().provider());
    }

    @Test
    void anUnknownSourceIsAConfigErrorListingTheSources(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(dir, "quandl"));
        assertTrue(e.getMessage().startsWith("data.source must be one of yahoo, alpha-vantage, found quandl"), e.getMessage());
    }
}
