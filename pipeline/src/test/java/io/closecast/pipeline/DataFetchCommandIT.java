package io.closecast.pipeline;

import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code closecast data fetch} end to end against the replay server. */
class DataFetchCommandIT {

    @Test
    void fetchFillsTheCacheThenTheCheckReadsIt(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            Cli fetch = Cli.run("data", "fetch", "--symbol", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(0, fetch.code(), fetch.err());
            assertTrue(fetch.out().startsWith("AAPL: new file; 1 request(s), 49 bar(s) fetched, 49 new row(s), 0 null bar(s) dropped"),
                    fetch.out());
            PriceSeries cached = PriceCsv.read(dir.resolve("AAPL.csv"));
            assertEquals(49, cached.size());
            assertEquals(LocalDate.of(2020, 8, 31), cached.firstDate());
            assertEquals(129.04, cached.bar(0).close(), 0.005);

            Cli again = Cli.run("data", "fetch", "--symbol", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(0, again.code());
            assertTrue(again.out().startsWith("AAPL: cache already covers"), again.out());
            assertEquals(1, server.requests.size());

            Cli check = Cli.run("data", "check", dir.resolve("AAPL.csv").toString());
            assertEquals(0, check.code());
            assertTrue(check.out().contains("49 rows, 2020-08-31..2020-11-06"), check.out());
        }
    }

    @Test
    void unknownSymbolExitsOneWithOneLineAndWritesNothing(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            Cli cli = Cli.run("data", "fetch", "--symbol", "NOSUCH", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(1, cli.code());
            assertTrue(cli.err().startsWith("error: unknown symbol NOSUCH: Yahoo answered 404 Not Found: No data found, symbol may be delisted"),
                    cli.err());
            assertEquals(1, cli.err().lines().count(), cli.err());
            assertFalse(Files.exists(dir.resolve("NOSUCH.csv")));
        }
    }
}
